"""Jobs run on named queues: a reminder e-mail is sent while a long correlation report holds
the only worker of the `reports` queue. Both workers are real processes on real Redis; the
report is held inside its job by a row lock on the report, as in the worker-fault tests."""

import subprocess
import sys

import pytest

from correlation.models import CorrelationReport, ReportStatus
from correlation.services import correlation_report_job
from rewards.models import Recognition
from tests.integration.conftest import ROOT
from tests.integration.test_jobs_under_faults import RowLock, _pending_report, backends_waiting_on_a_lock, wait_for

pytestmark = pytest.mark.integration


def test_a_mail_job_finishes_while_a_long_report_holds_the_reports_worker(worker_factory, org, api):
    # given one worker for reports and one for mail
    worker_factory("reports")
    worker_factory("mail")
    # and a report stuck inside its job on the reports worker
    report = _pending_report(org)
    lock = RowLock(report.pk)
    try:
        correlation_report_job(report.pk).delay()
        wait_for(backends_waiting_on_a_lock, 60, "the reports worker to block inside the report")

        # when Ani recognises Bayu, which sends him an e-mail
        answer = api(org.ani).post(
            "/api/v1/rewards/recognitions/",
            {"recipient": org.bayu.pk, "dimension": "courtesy", "message": "Very patient", "points": 5},
            format="json",
        )
        assert answer.status_code == 201

        # then the mail worker sends it while the report is still held
        wait_for(
            lambda: Recognition.objects.filter(pk=answer.json()["id"], notified_at__isnull=False).exists(),
            60,
            "the recognition e-mail",
        )
        assert backends_waiting_on_a_lock() == 1
        assert not CorrelationReport.objects.get(pk=report.pk).is_finished
    finally:
        lock.release()
    # and the report completes once released
    finished = wait_for(
        lambda: CorrelationReport.objects.filter(
            pk=report.pk, status__in=[ReportStatus.SUCCEEDED, ReportStatus.FAILED]
        ).first(),
        60,
        "the report to finish",
    )
    assert finished.status == ReportStatus.SUCCEEDED, finished.error


def test_a_worker_asked_for_an_unknown_queue_stops_at_start_naming_it():
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", "default,reprots"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "reprots" in done.stdout + done.stderr
