"""A correlation report through the whole production stack: the API answers 202 at once, a real
Celery worker (Redis broker, PostgreSQL) runs the three-step job, and the report succeeds."""

import time

import numpy as np
import pytest

from correlation.models import CorrelationReport, CorrelationResult, ReportStatus
from correlation.services import correlation_report_job
from tests.correlation.conftest import SyntheticOrganisation

pytestmark = pytest.mark.integration

WAIT_SECONDS = 120


def _wait_until_finished(report_id: int) -> CorrelationReport:
    """Polls until the worker has finished the report (a deadline, not a timed assertion)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        report = CorrelationReport.objects.get(pk=report_id)
        if report.is_finished:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report {report_id} still {report.status} after {WAIT_SECONDS}s; see the worker log")


def test_a_report_goes_from_post_to_succeeded_on_a_real_worker(celery_worker, org, api):
    # given twelve service units with a year of internal and external scores
    organisation = SyntheticOrganisation(org, units=12, first=SyntheticOrganisation.FIRST_MONTH, months=12)
    rng = np.random.default_rng(1)
    internal = 70 + 8 * rng.standard_normal((12, 12))
    external = 80 + 0.4 * (internal - 70) + 5 * rng.standard_normal((12, 12))
    organisation.load(internal, external)
    client = api(org.lina)
    # when leadership requests a report
    response = client.post(
        "/api/v1/correlation-reports/",
        {
            "period_from": str(organisation.first),
            "period_to": str(organisation.first.shift(11)),
            "granularity": "quarter",
            "max_lag": 2,
            "external_source": "skm",
            "external_dimension": "ikm",
        },
        format="json",
    )
    # then the answer is immediate and pending, and the worker finishes the job
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    report = _wait_until_finished(response.json()["id"])
    assert report.status == ReportStatus.SUCCEEDED, report.error
    body = client.get(f"/api/v1/correlation-reports/{report.pk}/").json()
    assert body["progress"] == 100
    headline = next(
        r
        for r in body["results"]
        if r["family"] == "satisfaction_external" and r["variant"] == "pooled" and r["lag"] == 0
    )
    assert headline["n"] == 12 * 4
    assert headline["pearson_r"] > 0
    assert len(body["points"]) == 48

    # and a job delivered again (as after a worker crash) leaves one set of results
    count = CorrelationResult.objects.filter(report=report).count()
    correlation_report_job(report.pk).delay().get(timeout=WAIT_SECONDS)
    assert CorrelationResult.objects.filter(report=report).count() == count
