import datetime as dt
from decimal import Decimal

import numpy as np
import pytest

from core.periods import Period
from correlation import services
from correlation.models import CorrelationReport
from tests.factories import DepartmentFactory

DEFAULT_PARAMETERS = {
    "period_from": dt.date(2025, 1, 1),
    "period_to": dt.date(2025, 12, 1),
    "granularity": "month",
    "max_lag": 1,
    "external_source": "skm",
    "external_dimension": "",
}


@pytest.fixture
def request_report(django_capture_on_commit_callbacks):
    """`request_report(actor, **parameters)` → the report, after its job ran (eagerly)."""

    def make(actor, **parameters) -> CorrelationReport:
        with django_capture_on_commit_callbacks(execute=True):
            report = services.correlation_report_request(actor=actor, **{**DEFAULT_PARAMETERS, **parameters})
        report.refresh_from_db()
        return report

    return make


@pytest.fixture
def pending_report(org, django_capture_on_commit_callbacks):
    """`pending_report(**parameters)` → a report requested by HR whose job has not started, so
    that a test can run (or re-deliver) its steps one by one."""

    def make(**parameters) -> CorrelationReport:
        with django_capture_on_commit_callbacks(execute=False):
            return services.correlation_report_request(actor=org.hana, **{**DEFAULT_PARAMETERS, **parameters})

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


def import_csv(*, kind: str, header: list[str], rows: list[list], actor) -> None:
    """Imports rows through the service-quality import, as HR does with a file."""
    from service_quality.services import score_import_create

    lines = [",".join(header), *(",".join(str(cell) for cell in row) for row in rows)]
    content = ("\n".join(lines) + "\n").encode()
    name = f"{kind}-{abs(hash(content))}.csv"
    result = score_import_create(kind=kind, file_name=name, content=content, actor=actor)
    assert result.status == "succeeded", result.errors


FIRST_MONTH = Period(2024, 1)


class SyntheticOrganisation:
    """Service units with internal satisfaction (historical internal scores) and external SKM
    scores per month, imported through the service-quality imports."""

    FIRST_MONTH = FIRST_MONTH

    def __init__(self, org, *, units: int, first: Period, months: int, prefix: str = "SU"):
        self.org = org
        self.first = first
        self.months = months
        self.units = [
            DepartmentFactory(
                code=f"{prefix}{index:02d}", name=f"Unit {prefix}{index}", parent=org.ops, is_service_unit=True
            )
            for index in range(units)
        ]

    @property
    def period_from(self) -> dt.date:
        return self.first.first_day

    @property
    def period_to(self) -> dt.date:
        return self.first.shift(self.months - 1).first_day

    def load(self, internal: np.ndarray, external: np.ndarray, *, dimension: str = "ikm") -> None:
        """`internal` and `external`: units × months (NaN: no score that month)."""
        internal_rows, external_rows = [], []
        for u, unit in enumerate(self.units):
            for t in range(self.months):
                period = str(self.first.shift(t))
                if np.isfinite(internal[u, t]):
                    internal_rows.append([unit.code, period, f"{internal[u, t]:.4f}", 12])
                if np.isfinite(external[u, t]):
                    external_rows.append([unit.code, period, "skm", dimension, f"{external[u, t]:.4f}", 60])
        import_csv(
            kind="internal",
            header=["department_code", "period", "score", "respondents"],
            rows=internal_rows,
            actor=self.org.hana,
        )
        import_csv(
            kind="scores",
            header=["department_code", "period", "source", "dimension", "value", "respondents"],
            rows=external_rows,
            actor=self.org.hana,
        )


@pytest.fixture
def synthetic_organisation(org):
    def make(*, units: int, months: int, first: Period = FIRST_MONTH, prefix: str = "SU") -> SyntheticOrganisation:
        return SyntheticOrganisation(org, units=units, first=first, months=months, prefix=prefix)

    return make
