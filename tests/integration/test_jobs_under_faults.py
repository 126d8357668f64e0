"""Jobs under faults: a worker killed in the middle of a correlation report. The job is
acknowledged late and rejected on a lost worker, so Redis hands it to the next worker once the
visibility timeout passes; the report then completes, and completes once."""

import threading
import time

import numpy as np
import psycopg
import pytest
from django.db import connection

from correlation.models import CorrelationReport, CorrelationResult, ReportStatus
from tasks.correlation import correlation_report_pipeline
from tests.correlation.conftest import SyntheticOrganisation

pytestmark = pytest.mark.integration

VISIBILITY_TIMEOUT = 3  # seconds before Redis re-delivers an unacknowledged job (production: 7200)


class RowLock:
    """Holds `SELECT … FOR UPDATE` on one report row from a separate connection, so that a
    worker touching the report waits inside its job until the lock is released."""

    def __init__(self, report_id: int):
        db = connection.settings_dict
        self.conn = psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=False,
        )
        self.conn.execute("SELECT id FROM correlation_correlationreport WHERE id = %s FOR UPDATE", [report_id])

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what} after {seconds:.0f}s")


def test_a_report_whose_worker_is_killed_mid_job_completes_exactly_once(worker_factory, org, monkeypatch):
    # given a year of data for twelve units and a pending report
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", str(VISIBILITY_TIMEOUT))
    organisation = SyntheticOrganisation(org, units=12, first=SyntheticOrganisation.FIRST_MONTH, months=12)
    rng = np.random.default_rng(7)
    internal = 70 + 8 * rng.standard_normal((12, 12))
    organisation.load(internal, 80 + 0.5 * (internal - 70) + 4 * rng.standard_normal((12, 12)))
    report = CorrelationReport.objects.create(
        period_from=organisation.first.first_day,
        period_to=organisation.first.shift(11).first_day,
        granularity="quarter",
        max_lag=1,
        external_source="skm",
        external_dimension="ikm",
    )
    # and a first worker that is stuck inside the report's job (the report row is locked)
    lock = RowLock(report.pk)
    first = worker_factory()
    correlation_report_pipeline(report.pk).delay()
    try:
        wait_for(backends_waiting_on_a_lock, 60, "the worker to block inside the job")
        # when the worker dies abruptly (SIGKILL: no chance to acknowledge or hand back the job)
        first.kill()
    finally:
        threading.Thread(target=lock.release).start()
    # and a new worker starts
    worker_factory()
    # then the job is delivered again and the report completes
    finished = wait_for(
        lambda: CorrelationReport.objects.filter(
            pk=report.pk, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
        ).first(),
        120,
        "the report to finish on the second worker",
    )
    assert finished.status == ReportStatus.SUCCEEDED, finished.error
    # and completes once: one result per test, no duplicates
    results = CorrelationResult.objects.filter(report=report)
    keys = list(results.values_list("family", "variant", "internal_metric", "external_metric", "lag"))
    assert len(keys) > 0
    assert len(keys) == len(set(keys))
