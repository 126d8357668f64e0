"""Protective noise for results that rules 4 and 5 of `pulse_surveys.anonymity` would hide.

A protected group's figures are computed from integer totals (the sum of its Likert answers
minus one, its promoters minus its detractors, each driver's sum), and each total gets noise
from the discrete Laplace (two-sided geometric) distribution, P(X = x) ∝ exp(−|x| / scale),
drawn once when the round's results are materialised and stored with its scale. OpenDP draws
it (`make_laplace` over integers, from OpenSSL's cryptographically secure generator), so the
noise cannot be predicted, and since it is stored, reading a page again shows the same figure
and nothing can be averaged away.

The scale is the most one person can move the total (its *sensitivity*: 4 for each of their
Likert answers, 2 for each eNPS answer) divided by the share of ε the figure gets. With every
figure of a group so protected, changing one person's answers changes the odds of any figures
the group shows by at most exp(ε_group); see `pulse_surveys.anonymity` for how ε is shared
between rounds and between a person's nested groups.
"""

import functools
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import opendp.prelude as dp
from django.conf import settings

# OpenDP keeps mechanisms outside its vetted core behind this flag; the discrete Laplace
# mechanism over integers is one of them.
dp.enable_features("contrib")

# A figure whose 95% noise interval is wider than ± this many points says nothing useful.
MEANINGLESS_MARGIN = 25.0
CONFIDENCE = 0.95
# How a protected group's budget is shared among its figures: what leadership reads first
# gets the most. A figure dropped as meaningless leaves its share to the others.
FIGURE_WEIGHTS = {"score": 3.0, "enps": 1.0, "drivers": 1.0}
LIKERT_SENSITIVITY = 4  # one Likert answer moves its total by at most 5 − 1
ENPS_SENSITIVITY = 2  # one eNPS answer moves promoters − detractors by at most +1 − (−1)


def round_epsilon() -> float:
    """The budget of one round: half the setting's ε, so that any two rounds together stay
    within ε (their noise adds up for someone protected in both)."""
    return settings.PRIMA_ANONYMITY_EPSILON / 2


def draws(scale: float, count: int) -> list[int]:
    """`count` independent draws of discrete Laplace noise with this scale (0 for scale 0)."""
    if scale <= 0:
        return [0] * count
    return list(_mechanism(scale)([0] * count))


@functools.lru_cache(maxsize=1024)
def _mechanism(scale: float):
    """The discrete Laplace mechanism of this scale (built once: each call of it draws afresh)."""
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)


# Closed forms of the discrete Laplace law with α = exp(−1 / scale), equal to scipy.stats.dlaplace's
# (tests/pulse_surveys/test_anonymity_noise.py), and cheap enough to call for every group.


def variance(scale: float) -> float:
    """The noise's variance, in units of the total squared: 2α / (1 − α)²."""
    if scale <= 0:
        return 0.0
    alpha = math.exp(-1 / scale)
    return 2 * alpha / (1 - alpha) ** 2


def margin(scale: float) -> int:
    """The half-width, in units of the total, of the noise's central 95% interval: the
    smallest k with P(|X| > k) = 2α^(k+1) / (1 + α) at most 5%."""
    if scale <= 0:
        return 0
    alpha = math.exp(-1 / scale)
    k = max(0, math.ceil(math.log((1 - CONFIDENCE) * (1 + alpha) / 2) / math.log(alpha) - 1 - 1e-12))
    while k > 0 and 2 * alpha**k / (1 + alpha) <= 1 - CONFIDENCE:  # guard against rounding
        k -= 1
    return k


@dataclass(frozen=True)
class Total:
    """An integer total behind a figure: its value, how many answers it sums, and how many
    of those one person gives."""

    value: int
    answers: int
    per_person: int


@dataclass
class Protected:
    """What a protected group shows: each figure rounded to whole points, with the 95%
    half-width of its noise (points), the noise's scale (units of its total) and its variance
    (points squared, for what the noise does to a correlation)."""

    epsilon: float
    score: float
    score_margin: float
    score_scale: float
    score_variance: float
    enps: float | None = None
    enps_margin: float | None = None
    enps_scale: float | None = None
    enps_variance: float | None = None
    drivers: dict = field(default_factory=dict)  # driver id -> (score, margin, scale, variance)


def _points_margin(scale: float, points_per_unit: float) -> float:
    return float(math.ceil(margin(scale) * points_per_unit))


def plan(epsilon: float, likert: Total, enps: Total | None, drivers: dict[int, Total]) -> dict | None:
    """Each kept figure's noise scale for a group that draws its own noise with this budget,
    dropping the least read figures while they would be meaningless; None when even the
    overall score would be."""
    figures = ["score"] + (["enps"] if enps and enps.answers else []) + (["drivers"] if drivers else [])
    kept_drivers = {d for d, total in drivers.items() if total.answers}
    while True:
        weights = sum(FIGURE_WEIGHTS[f] for f in figures)
        share = {f: epsilon * FIGURE_WEIGHTS[f] / weights for f in figures}
        planned = {"score": LIKERT_SENSITIVITY * likert.per_person / share["score"]}
        if _points_margin(planned["score"], 100 / (LIKERT_SENSITIVITY * likert.answers)) > MEANINGLESS_MARGIN:
            if len(figures) == 1:
                return None
            figures.pop()  # the least read figure leaves its share to the score
            continue
        if "enps" in figures:
            planned["enps"] = ENPS_SENSITIVITY * enps.per_person / share["enps"]
            if _points_margin(planned["enps"], 100 / enps.answers) > MEANINGLESS_MARGIN:
                figures.remove("enps")
                continue
        if "drivers" in figures:
            # One person's answers move the drivers' totals by at most this much together.
            sensitivity = LIKERT_SENSITIVITY * sum(drivers[d].per_person for d in kept_drivers)
            scale = sensitivity / share["drivers"]
            widths = {d: _points_margin(scale, 100 / (LIKERT_SENSITIVITY * drivers[d].answers)) for d in kept_drivers}
            widest = max(kept_drivers, key=lambda d: (widths[d], d), default=None)
            if widest is not None and widths[widest] > MEANINGLESS_MARGIN:
                kept_drivers.discard(widest)
                if not kept_drivers:
                    figures.remove("drivers")
                continue
            planned["drivers"] = (scale, frozenset(kept_drivers))
        return planned


@dataclass(frozen=True)
class Draw:
    """The noise one residual draws once for its round (see `pulse_surveys.anonymity.noise_sources`):
    for each figure it keeps, the scale and the noise on that figure's total."""

    score_scale: float
    score: int
    enps_scale: float | None = None
    enps: int | None = None
    driver_scale: float | None = None
    drivers: dict = field(default_factory=dict)  # driver id -> noise


def draw(planned: dict) -> Draw:
    """Draws, now, the noise a `plan` asks for."""
    enps_scale = planned.get("enps")
    driver_scale, kept = planned.get("drivers", (None, frozenset()))
    kept = sorted(kept)
    driver_noise = draws(driver_scale, len(kept)) if kept else []
    return Draw(
        score_scale=planned["score"],
        score=draws(planned["score"], 1)[0],
        enps_scale=enps_scale,
        enps=draws(enps_scale, 1)[0] if enps_scale else None,
        driver_scale=driver_scale,
        drivers=dict(zip(kept, driver_noise, strict=True)),
    )


# Beyond this many scales from 0 the discrete Laplace law holds less than 1e-13 of its mass.
_TAIL = 30


@functools.lru_cache(maxsize=8192)
def _margin_of_sum(scales: tuple[float, ...]) -> int:
    reach = [math.ceil(_TAIL * scale) for scale in scales]
    centre = sum(reach)
    length = 1 << (2 * centre).bit_length()
    spectrum = np.ones(length // 2 + 1, dtype=complex)
    for (scale, k), count in Counter(zip(scales, reach, strict=True)).items():
        alpha = math.exp(-1 / scale)
        law = np.zeros(length)
        law[: 2 * k + 1] = (1 - alpha) / (1 + alpha) * alpha ** np.abs(np.arange(-k, k + 1))
        spectrum *= np.fft.rfft(law) ** count
    law = np.fft.irfft(spectrum, length)[: 2 * centre + 1]  # index i holds the value i − centre
    within = law[centre] + np.concatenate(([0.0], np.cumsum(law[centre + 1 :] + law[centre - 1 :: -1])))
    return int(np.argmax(within >= CONFIDENCE - 1e-12))


def margin_of_sum(scales) -> int:
    """The half-width, in units of the total, of the central 95% interval of a sum of
    independent discrete Laplace noises with these scales (exact, by convolution; a single
    noise by its closed form `margin`)."""
    scales = tuple(sorted(s for s in scales if s > 0))
    if len(scales) <= 1:
        return margin(scales[0]) if scales else 0
    return _margin_of_sum(scales)


def _figure(value: int, noises: list[int], scales: list[float], *, low: float, high: float, unit: float):
    """(figure in whole points, 95% margin in points, variance in points²) of a total with noise."""
    shown = float(round(min(max((value + sum(noises)) * unit, low), high)))
    return shown, float(math.ceil(margin_of_sum(scales) * unit)), sum(variance(s) for s in scales) * unit**2


def combine(
    noises: list[Draw], *, epsilon: float, likert: Total, enps: Total | None, drivers: dict[int, Total]
) -> Protected | None:
    """The figures of a protected group: its true totals plus the noise of every residual it
    holds, each drawn once. A figure shows when every one of those residuals drew noise for it
    and its margin is at most ±25 points; None when the overall score's would be wider."""
    if not noises or not likert.answers:
        return None
    unit = 100 / (LIKERT_SENSITIVITY * likert.answers)
    scales = [n.score_scale for n in noises]
    score, score_margin, score_variance = _figure(
        likert.value, [n.score for n in noises], scales, low=0, high=100, unit=unit
    )
    if score_margin > MEANINGLESS_MARGIN:
        return None
    result = Protected(
        epsilon=epsilon,
        score=score,
        score_margin=score_margin,
        score_scale=max(scales),
        score_variance=score_variance,
    )
    if enps and enps.answers and all(n.enps_scale for n in noises):
        scales = [n.enps_scale for n in noises]
        figure = _figure(enps.value, [n.enps for n in noises], scales, low=-100, high=100, unit=100 / enps.answers)
        if figure[1] <= MEANINGLESS_MARGIN:
            result.enps, result.enps_margin, result.enps_variance = figure
            result.enps_scale = max(scales)
    for driver_id, total in sorted(drivers.items()):
        if not total.answers or not all(driver_id in n.drivers for n in noises):
            continue
        scales = [n.driver_scale for n in noises]
        unit = 100 / (LIKERT_SENSITIVITY * total.answers)
        score, driver_margin, driver_variance = _figure(
            total.value, [n.drivers[driver_id] for n in noises], scales, low=0, high=100, unit=unit
        )
        if driver_margin <= MEANINGLESS_MARGIN:
            result.drivers[driver_id] = (score, driver_margin, max(scales), driver_variance)
    return result


def protect(*, epsilon: float, likert: Total, enps: Total | None, drivers: dict[int, Total]) -> Protected | None:
    """The figures of a protected group that draws its own noise alone, drawn now; None when
    the noise this budget needs would make even the overall score meaningless."""
    planned = plan(epsilon, likert, enps, drivers)
    if planned is None:
        return None
    return combine([draw(planned)], epsilon=epsilon, likert=likert, enps=enps, drivers=drivers)
