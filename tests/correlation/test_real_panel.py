"""A real panel: 545 young men over the eight years 1980–87 (the NLSY extract of Vella & Verbeek
1998, shipped with linearmodels), read by a report as if whether each man was married were the
internal series and whether he was in a union the external score.

Counting each of the 4,360 person-years as an independent pair, the two go together
(p = 0.006); counting the 545 men, they do not (the pooled test clustered by unit: p = 0.13;
the multilevel model within and between units: no reliable effect). This is the situation of a
naive report that "finds" a relationship the data do not support, on real data."""

from types import SimpleNamespace

import numpy as np
import pytest
from django.utils import translation
from linearmodels.datasets import wage_panel
from scipy import stats as sps

from correlation import analysis, interpretation
from correlation.series import INTERNAL_OVERALL

HEADLINE = "external:skm:ikm"
REPORT = SimpleNamespace(
    granularity="year", max_lag=1, external_source="skm", external_dimension="ikm", notes=[], disclosure={}
)


@pytest.fixture(scope="module")
def panel():
    frame = wage_panel.load()[["nr", "year", "married", "union"]]
    years = sorted(frame["year"].unique())
    # one period per survey year, laid out as the months of a report (the analysis reads only
    # their order)
    periods = {year: f"{2010 + i // 12}-{i % 12 + 1:02d}" for i, year in enumerate(years)}
    rows = list(frame.itertuples(index=False))
    series = {
        "periods": list(periods.values()),
        "metrics": {
            INTERNAL_OVERALL: [[int(r.nr), periods[r.year], float(r.married)] for r in rows],
            HEADLINE: [[int(r.nr), periods[r.year], float(r.union)] for r in rows],
        },
    }
    results = analysis.run(series, max_lag=1, external_source="skm", external_dimension="ikm")
    return frame, [SimpleNamespace(**row) for row in results]


def _result(results, variant, lag=0):
    return next(r for r in results if r.family == "satisfaction_external" and (r.variant, r.lag) == (variant, lag))


def test_where_the_naive_test_says_p_0_006_and_the_honest_ones_do_not_the_report_says_there_is_no_reliable_evidence(
    panel,
):
    frame, results = panel
    # given: the naive test over person-years is "significant" ...
    naive = sps.pearsonr(frame["married"], frame["union"]).pvalue
    assert naive == pytest.approx(0.0057, abs=0.0005)
    # ... the same correlation clustered by man is not ...
    pooled = _result(results, "pooled")
    assert pooled.n == 4360 and pooled.units == 545
    assert pooled.pearson_p == pytest.approx(0.127, abs=0.005)
    # ... and neither is either effect of the multilevel model
    within, between = _result(results, "multilevel_within"), _result(results, "multilevel_between")
    assert within.units == between.units == 545
    assert min(within.q_value, between.q_value) > 0.05
    # then the summary's first sentence says there is no reliable evidence, in both languages
    with translation.override("en"):
        first = interpretation.headline_sentence(REPORT, results)
    assert first.startswith("There is no reliable evidence that internal satisfaction and SKM · IKM go together")
    with translation.override("id"):
        assert interpretation.headline_sentence(REPORT, results).startswith("Tidak ada bukti yang andal")
    # and every number it states is finite
    for result in results:
        for field in ("pearson_r", "pearson_p", "coefficient", "ci_low", "ci_high", "q_value"):
            value = getattr(result, field)
            assert value is None or np.isfinite(value)
