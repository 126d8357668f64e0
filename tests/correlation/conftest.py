import datetime as dt
from decimal import Decimal

import pytest

from correlation import services
from correlation.models import CorrelationReport


@pytest.fixture
def request_report(django_capture_on_commit_callbacks):
    """`request_report(actor, **parameters)` → the report, after its job ran (eagerly)."""

    def make(actor, **parameters) -> CorrelationReport:
        defaults = {
            "period_from": dt.date(2025, 1, 1),
            "period_to": dt.date(2025, 12, 1),
            "granularity": "month",
            "max_lag": 1,
            "external_source": "skm",
            "external_dimension": "",
        }
        with django_capture_on_commit_callbacks(execute=True):
            report = services.correlation_report_request(actor=actor, **{**defaults, **parameters})
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def skm_source(org):
    """One SKM score, so that the source `skm` (dimension `ikm`) is known."""
    from service_quality.services import external_score_create

    return external_score_create(
        department=org.cs,
        period=dt.date(2025, 1, 1),
        source="skm",
        dimension="ikm",
        value=Decimal("82.5"),
        respondents=40,
        actor=org.hana,
    )
