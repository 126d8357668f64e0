"""Synthetic panels for the calibration tests: units × periods matrices with unit effects,
persistence and planted effects, turned into a report's stored series."""

from types import SimpleNamespace

import numpy as np
from django.utils import translation
from scipy import stats as sps

from correlation import analysis, interpretation
from correlation.series import INTERNAL_OVERALL

HEADLINE = "external:skm:ikm"


def persistent_noise(rng, units: int, periods: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) noise, stationary from the first period."""
    shocks = rng.normal(size=(units, periods))
    out = np.empty_like(shocks)
    out[:, 0] = shocks[:, 0]
    scale = np.sqrt(1 - phi**2)
    for t in range(1, periods):
        out[:, t] = phi * out[:, t - 1] + scale * shocks[:, t]
    return out


def panel(
    rng,
    *,
    units: int = 30,
    periods: int = 12,
    icc: float = 0.7,
    phi: float = 0.0,
    same_period: float = 0.0,
    lagged: float = 0.0,
    between: float = 0.0,
):
    """(internal, external) matrices. Each series' unit effects hold `icc` of its variance;
    `between` correlates the two series' unit effects (a between-unit confounder); the external
    series moves with the internal one's within-unit part in the same period (`same_period`)
    and one period later (`lagged`)."""
    spread = np.sqrt(icc / (1 - icc))
    internal_level = rng.normal(size=(units, 1))
    external_level = between * internal_level + np.sqrt(1 - between**2) * rng.normal(size=(units, 1))
    internal_change = persistent_noise(rng, units, periods, phi)
    external = spread * external_level + persistent_noise(rng, units, periods, phi) + same_period * internal_change
    external[:, 1:] += lagged * internal_change[:, :-1]
    internal = spread * internal_level + internal_change
    return 70 + 5 * internal, 80 + 4 * external


def series(internal: np.ndarray, external: np.ndarray) -> dict:
    """The stored form of two matrices (NaN cells left out, as hidden results are)."""
    periods = [f"2024-{month:02d}" if month <= 12 else f"2025-{month - 12:02d}" for month in range(1, 25)]
    periods = periods[: internal.shape[1]]

    def rows(matrix):
        return [
            [unit + 1, periods[t], float(matrix[unit, t])]
            for unit in range(matrix.shape[0])
            for t in range(matrix.shape[1])
            if np.isfinite(matrix[unit, t])
        ]

    return {"periods": periods, "metrics": {INTERNAL_OVERALL: rows(internal), HEADLINE: rows(external)}}


REPORT = SimpleNamespace(
    granularity="month", max_lag=1, external_source="skm", external_dimension="ikm", notes=[], disclosure={}
)
NO_CLAIM = ("There is no reliable evidence", "The data cannot tell")


# A respondent's overall score spreads this much (points) around the unit's true mean.
RESPONDENT_SD = 20.0


def measured_and_shrunk(rng, internal: np.ndarray, *, icc: float) -> np.ndarray:
    """`internal` (true unit means) as units of 3 to 120 respondents would measure it, then shrunk
    toward each month's organisation mean by `pulse_surveys.drivers.shrink`, as a report that
    asks for shrunk scores reads it."""
    from pulse_surveys.drivers import Agreement, shrink

    sizes = rng.integers(3, 121, size=internal.shape[0])
    measured = internal + rng.normal(size=internal.shape) * RESPONDENT_SD / np.sqrt(sizes)[:, None]
    tau2 = 25 * (icc / (1 - icc) + 1)  # the true unit means' variance, as `panel` draws them
    shrunk = np.empty_like(measured)
    for t in range(measured.shape[1]):
        agreement = Agreement(
            units=len(sizes),
            respondents=int(sizes.sum()),
            ms_between=0.0,
            ms_within=RESPONDENT_SD**2,
            k0=float(sizes.mean()),
            icc1=0.0,
            icc2=0.0,
            f=0.0,
            p_value=1.0,
            tau2=tau2,
            grand_mean=float(measured[:, t].mean()),
        )
        shrunk[:, t] = [shrink(value, int(n), agreement)[0] for value, n in zip(measured[:, t], sizes, strict=True)]
    return shrunk


def simulate(seed: int, reports: int, *, shrunk: bool = False, **scenario) -> dict:
    """`reports` reports over panels drawn with `scenario` (see `panel`): each test's rate of
    p < 0.05, how often the summary's first sentence claims anything and how often it claims a
    lead, the first sentences, and the pooled p both naive (every unit-period independent) and
    clustered by unit. With `shrunk`, internal satisfaction is measured by units of unequal size
    and shrunk (`measured_and_shrunk`)."""
    rng = np.random.default_rng(seed)
    rejections: dict[tuple, int] = {}
    claims = leads = 0
    first_sentences, naive_p, pooled_p = [], [], []
    with translation.override("en"):
        for _ in range(reports):
            internal, external = panel(rng, **scenario)
            if shrunk:
                internal = measured_and_shrunk(rng, internal, icc=scenario.get("icc", 0.7))
            naive_p.append(float(sps.pearsonr(internal.ravel(), external.ravel()).pvalue))
            rows = analysis.run(series(internal, external), max_lag=1, external_source="skm", external_dimension="ikm")
            results = [SimpleNamespace(**row) for row in rows]
            pooled_p.append(next(r.pearson_p for r in results if (r.variant, r.lag) == ("pooled", 0)))
            for result in results:
                if result.pearson_p is not None:
                    key = (result.variant, result.lag)
                    rejections[key] = rejections.get(key, 0) + (result.pearson_p < 0.05)
            first = interpretation.headline_sentence(REPORT, results)
            first_sentences.append(first)
            claims += not first.startswith(NO_CLAIM)
            leads += bool(interpretation.claimed_leads(results))
    return {
        "rates": {key: count / reports for key, count in rejections.items()},
        "claims": claims / reports,
        "leads": leads / reports,
        "first_sentences": first_sentences,
        "naive_p": naive_p,
        "pooled_p": pooled_p,
    }
