"""Jobs under faults: a worker killed in the middle of a correlation report. The job is
acknowledged late and rejected on a lost worker, so Redis hands it to the next worker once the
visibility timeout passes (shipped: a minute; the test shortens it to a few seconds, which
changes when the job is handed on, not how); the report then completes, and completes once. A
live worker renews the lease of a job longer than the timeout, so that job is never handed to a
second worker."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psycopg
import pytest
from django.db import connection

from correlation.models import CorrelationReport, CorrelationResult, ReportStatus
from correlation.services import correlation_report_job
from tests.correlation.conftest import SyntheticOrganisation

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_VISIBILITY_TIMEOUT = 60  # config/settings.py, when CELERY_VISIBILITY_TIMEOUT is not set
SHIPPED_RESTORE_INTERVAL = 10


def psycopg_connection() -> psycopg.Connection:
    """A connection of its own to the test database, outside Django, in a transaction."""
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=False,
    )


class RowLock:
    """Holds `SELECT … FOR UPDATE` on one report row from a separate connection, so that a
    worker touching the report waits inside its job until the lock is released."""

    def __init__(self, report_id: int):
        self.conn = psycopg_connection()
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


def _pending_report(org) -> CorrelationReport:
    """A year of data for twelve units and a pending report on it."""
    organisation = SyntheticOrganisation(org, units=12, first=SyntheticOrganisation.FIRST_MONTH, months=12)
    rng = np.random.default_rng(7)
    internal = 70 + 8 * rng.standard_normal((12, 12))
    organisation.load(internal, 80 + 0.5 * (internal - 70) + 4 * rng.standard_normal((12, 12)))
    return CorrelationReport.objects.create(
        period_from=organisation.first.first_day,
        period_to=organisation.first.shift(11).first_day,
        granularity="quarter",
        max_lag=1,
        external_source="skm",
        external_dimension="ikm",
    )


def _assert_completed_once(report: CorrelationReport) -> None:
    results = CorrelationResult.objects.filter(report=report)
    keys = list(results.values_list("family", "variant", "internal_metric", "external_metric", "lag"))
    assert len(keys) > 0
    assert len(keys) == len(set(keys))


def test_the_shipped_settings_hand_a_dead_workers_job_on_after_a_minute():
    # given an environment without CELERY_VISIBILITY_TIMEOUT
    env = {key: value for key, value in os.environ.items() if key != "CELERY_VISIBILITY_TIMEOUT"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    # when the settings are read in a fresh process
    code = (
        "from django.conf import settings; o = settings.CELERY_BROKER_TRANSPORT_OPTIONS; "
        "print(o['visibility_timeout'], o['unacked_restore_interval'])"
    )
    found = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    # then a dead worker's job is handed on after a minute, looked for every ten seconds
    assert found.stdout.split() == [str(SHIPPED_VISIBILITY_TIMEOUT), str(SHIPPED_RESTORE_INTERVAL)]


def test_a_report_whose_worker_is_killed_mid_job_completes_exactly_once(worker_factory, org, monkeypatch):
    # given workers that hand a dead worker's job on after 5 s (restore looked for every second)
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "5")
    bound = 5 + 1 + 30
    # and a pending report
    report = _pending_report(org)
    # and a first worker that is stuck inside the report's job (the report row is locked)
    lock = RowLock(report.pk)
    first = worker_factory()
    correlation_report_job(report.pk).delay()
    try:
        wait_for(backends_waiting_on_a_lock, 60, "the worker to block inside the job")
        # when the worker dies abruptly (SIGKILL: no chance to acknowledge or hand back the job)
        first.kill()
        killed_at = time.monotonic()
    finally:
        threading.Thread(target=lock.release).start()
    # and a new worker starts
    worker_factory()
    # then the job is delivered again and the report completes within the bound
    finished = wait_for(
        lambda: CorrelationReport.objects.filter(
            pk=report.pk, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
        ).first(),
        bound,
        "the report to finish on the second worker",
    )
    recovered_in = time.monotonic() - killed_at
    assert finished.status == ReportStatus.SUCCEEDED, finished.error
    assert recovered_in < bound
    # and completes once: one result per test, no duplicates
    _assert_completed_once(report)


def test_a_live_worker_keeps_a_job_longer_than_the_visibility_timeout(worker_factory, org, monkeypatch):
    # given a visibility timeout of 3 s, and two workers
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3")
    report = _pending_report(org)
    lock = RowLock(report.pk)
    worker_factory()
    worker_factory()
    # when the job waits inside the first worker four times as long as the timeout
    correlation_report_job(report.pk).delay()
    try:
        wait_for(backends_waiting_on_a_lock, 60, "a worker to block inside the job")
        waiting = []
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            waiting.append(backends_waiting_on_a_lock())
            time.sleep(0.2)
    finally:
        lock.release()
    # then the job was never handed to the second worker (only one backend ever waited)
    assert max(waiting) == 1
    finished = wait_for(
        lambda: CorrelationReport.objects.filter(
            pk=report.pk, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
        ).first(),
        60,
        "the report to finish",
    )
    assert finished.status == ReportStatus.SUCCEEDED, finished.error
    _assert_completed_once(report)
