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

import math
from dataclasses import dataclass, field

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
    mechanism = dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale)
    return list(mechanism([0] * count))


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


def _plan(epsilon: float, likert: Total, enps: Total | None, drivers: dict[int, Total]) -> dict | None:
    """Each kept figure's noise scale, dropping the least read figures while they would be
    meaningless; None when even the overall score would be."""
    figures = ["score"] + (["enps"] if enps and enps.answers else []) + (["drivers"] if drivers else [])
    kept_drivers = {d for d, total in drivers.items() if total.answers}
    while True:
        weights = sum(FIGURE_WEIGHTS[f] for f in figures)
        share = {f: epsilon * FIGURE_WEIGHTS[f] / weights for f in figures}
        plan = {"score": LIKERT_SENSITIVITY * likert.per_person / share["score"]}
        if _points_margin(plan["score"], 100 / (LIKERT_SENSITIVITY * likert.answers)) > MEANINGLESS_MARGIN:
            if len(figures) == 1:
                return None
            figures.pop()  # the least read figure leaves its share to the score
            continue
        if "enps" in figures:
            plan["enps"] = ENPS_SENSITIVITY * enps.per_person / share["enps"]
            if _points_margin(plan["enps"], 100 / enps.answers) > MEANINGLESS_MARGIN:
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
            plan["drivers"] = (scale, kept_drivers)
        return plan


def score_fits(*, epsilon: float, likert: Total) -> bool:
    """Whether the overall score alone, given this budget, would have a margin of ±25 points or less."""
    return epsilon > 0 and likert.answers > 0 and _plan(epsilon, likert, None, {}) is not None


def score_epsilon_needed(likert: Total, *, at_most: float) -> float:
    """The least budget (up to `at_most`) with which the overall score alone has a margin of
    ±25 points or less; `at_most` × 2 when even that is not enough."""
    if not score_fits(epsilon=at_most, likert=likert):
        return at_most * 2
    low, high = 0.0, at_most
    for _step in range(40):  # bisection: the margin shrinks as the budget grows
        middle = (low + high) / 2
        low, high = (low, middle) if score_fits(epsilon=middle, likert=likert) else (middle, high)
    return high


def _noisy(total: Total, scale: float, *, low: float, high: float, points_per_unit: float) -> float:
    value = (total.value + draws(scale, 1)[0]) * points_per_unit
    return float(round(min(max(value, low), high)))


def protect(*, epsilon: float, likert: Total, enps: Total | None, drivers: dict[int, Total]) -> Protected | None:
    """The figures of a protected group, each with its noise drawn now; None when the noise
    this budget needs would make even the overall score meaningless."""
    plan = _plan(epsilon, likert, enps, drivers)
    if plan is None:
        return None
    likert_unit = 100 / (LIKERT_SENSITIVITY * likert.answers)
    result = Protected(
        epsilon=epsilon,
        score=_noisy(likert, plan["score"], low=0, high=100, points_per_unit=likert_unit),
        score_margin=_points_margin(plan["score"], likert_unit),
        score_scale=plan["score"],
        score_variance=variance(plan["score"]) * likert_unit**2,
    )
    if "enps" in plan:
        # eNPS = (promoters − detractors) / answers × 100; its total is promoters − detractors.
        unit = 100 / enps.answers
        result.enps = _noisy(enps, plan["enps"], low=-100, high=100, points_per_unit=unit)
        result.enps_margin, result.enps_scale = _points_margin(plan["enps"], unit), plan["enps"]
        result.enps_variance = variance(plan["enps"]) * unit**2
    if "drivers" in plan:
        scale, kept = plan["drivers"]
        for driver_id in sorted(kept):
            total = drivers[driver_id]
            unit = 100 / (LIKERT_SENSITIVITY * total.answers)
            score = _noisy(total, scale, low=0, high=100, points_per_unit=unit)
            result.drivers[driver_id] = (score, _points_margin(scale, unit), scale, variance(scale) * unit**2)
    return result
