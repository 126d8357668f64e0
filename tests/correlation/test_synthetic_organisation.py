"""Reports over a synthetic organisation whose scores were drawn with a known correlation,
loaded through the service-quality imports (historical internal scores and SKM scores), as HR
would load them."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from correlation.models import ReportStatus

pytestmark = pytest.mark.django_db

TRUE_RHO = 0.5


def _bivariate(rng, shape, rho):
    """Internal satisfaction (mean 70, sd 8) and an IKM (mean 80, sd 6) correlated at rho."""
    z1 = rng.standard_normal(shape)
    z2 = rho * z1 + np.sqrt(1 - rho**2) * rng.standard_normal(shape)
    return 70 + 8 * z1, 80 + 6 * z2


def test_the_interval_covers_the_true_correlation_of_200_unit_periods(org, synthetic_organisation, request_report):
    # given 20 units × 10 months drawn with a true correlation of 0.5
    organisation = synthetic_organisation(units=20, months=10)
    internal, external = _bivariate(np.random.default_rng(2026), (20, 10), TRUE_RHO)
    organisation.load(internal, external)
    # when a report is run over them
    report = request_report(
        org.lina,
        period_from=organisation.period_from,
        period_to=organisation.period_to,
        granularity="month",
        max_lag=0,
        external_source="skm",
        external_dimension="ikm",
    )
    # then its pooled reading has all 200 pairs, r is scipy's, and p and interval are clustered
    # by unit as statsmodels clusters them
    assert report.status == ReportStatus.SUCCEEDED
    headline = report.results.get(family="satisfaction_external", variant="pooled", lag=0)
    assert headline.n == 200
    x, y = np.round(internal.ravel(), 4), np.round(external.ravel(), 4)
    assert headline.pearson_r == pytest.approx(sps.pearsonr(x, y).statistic, abs=1e-9)
    units = np.repeat(np.arange(20), 10)
    standardised = [(v - v.mean()) / v.std() for v in (x, y)]
    fit = sm.OLS(standardised[1], sm.add_constant(standardised[0])).fit(
        cov_type="cluster", cov_kwds={"groups": units}, use_t=True
    )
    assert headline.pearson_p == pytest.approx(fit.pvalues[1], abs=1e-6)
    assert (headline.ci_low, headline.ci_high) == pytest.approx(tuple(fit.conf_int()[1]), abs=1e-6)
    assert headline.ci_low < TRUE_RHO < headline.ci_high
    assert report.points.count() == 200


def test_across_many_draws_the_95_percent_interval_covers_the_truth_about_95_percent_of_the_time():
    # The same computation the report stores (correlation.stats over the paired arrays), over
    # 400 synthetic organisations of 200 independent unit-periods (each its own unit): the
    # clustered interval's coverage is within binomial error of 95%.
    from correlation import stats

    rng = np.random.default_rng(7)
    covered = 0
    for _ in range(400):
        internal, external = _bivariate(rng, (200,), TRUE_RHO)
        result = stats.correlate(internal, external, units=np.arange(200))
        covered += result.ci_low < TRUE_RHO < result.ci_high
    assert 0.92 <= covered / 400 <= 0.98


def test_an_effect_planted_at_lag_one_leads_the_summary_with_internal_satisfaction_first(
    org, synthetic_organisation, request_report
):
    # given external scores that follow internal satisfaction one month later (and no other link)
    organisation = synthetic_organisation(units=15, months=12)
    rng = np.random.default_rng(11)
    internal = 70 + 8 * rng.standard_normal((15, 12))
    external = np.full((15, 12), np.nan)
    external[:, 1:] = 80 + 6 * (0.6 * (internal[:, :-1] - 70) / 8 + 0.8 * rng.standard_normal((15, 11)))
    organisation.load(internal, external)
    # when
    report = request_report(
        org.hana,
        period_from=organisation.period_from,
        period_to=organisation.period_to,
        granularity="month",
        max_lag=3,
        external_source="skm",
    )
    # then the confirmatory test of which came first supports internal satisfaction first at +1,
    # positive, and no other lead
    leads = {r.lag: r for r in report.results.filter(family="satisfaction_external", variant="cross_lagged")}
    assert sorted(leads) == [-3, -2, -1, 1, 2, 3]
    assert {r.role for r in leads.values()} == {"confirmatory"}
    assert leads[1].coefficient > 0.4
    assert leads[1].q_value < 0.05
    assert all(r.q_value >= 0.05 for lag, r in leads.items() if lag != 1)
    # and the summary's first sentence says so, in the reader's words, without claiming a cause
    from correlation import interpretation

    summary = interpretation.summarise(report, list(report.results.all()))
    assert summary[0].startswith("Within the same units over time: When a unit's staff were more satisfied")
    assert "its external scores were better one month later" in summary[0]
    text = " ".join(summary)
    assert "Correlation does not prove cause." in text
    assert "caus" not in text.replace("does not prove cause", "")


def test_a_quarterly_report_weights_months_by_respondents_and_still_finds_the_link(
    org, synthetic_organisation, request_report
):
    organisation = synthetic_organisation(units=20, months=12)
    internal, external = _bivariate(np.random.default_rng(3), (20, 12), 0.7)
    organisation.load(internal, external)
    report = request_report(
        org.hana,
        period_from=organisation.period_from,
        period_to=organisation.period_to,
        granularity="quarter",
        max_lag=1,
        external_source="skm",
    )
    headline = report.results.get(family="satisfaction_external", variant="pooled", lag=0)
    assert headline.n == 20 * 4
    # equal respondents every month: a quarter is the plain mean of its three months
    quarterly_internal = np.round(internal, 4).reshape(20, 4, 3).mean(axis=2).ravel()
    quarterly_external = np.round(external, 4).reshape(20, 4, 3).mean(axis=2).ravel()
    expected = sps.pearsonr(quarterly_internal, quarterly_external).statistic
    assert headline.pearson_r == pytest.approx(expected, abs=1e-9)
