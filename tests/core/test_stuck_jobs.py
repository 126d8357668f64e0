"""The stuck-job sweep: reports and imports left `running` by a lost job are started again, at
most twice, then failed with the reason; a job that beats, or that started within the bound, is
left alone."""

import datetime as dt
import time

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import jobs
from correlation.apps import JOB_LABEL as REPORT_JOB
from correlation.models import CorrelationReport, ReportStatus
from service_quality.apps import JOB_LABEL as IMPORT_JOB
from service_quality.models import ImportStatus, ScoreImport
from tasks.schedule import BEAT_SCHEDULE
from tasks.system import stuck_jobs_sweep_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def forget_job_signs():
    """The cache outlives the test database: signs of life and restart counts of the rows a
    test creates are removed before and after it (ids come back in a new test database)."""
    rows: list[tuple[str, int]] = []

    def forget(label: str, pk: int) -> None:
        rows.append((label, pk))
        cache.delete_many([jobs._alive_key(label, pk), jobs._restarts_key(label, pk)])

    yield forget
    for label, pk in rows:
        cache.delete_many([jobs._alive_key(label, pk), jobs._restarts_key(label, pk)])


def _running_report(forget, *, started_minutes_ago: int) -> CorrelationReport:
    report = CorrelationReport.objects.create(
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 1),
        granularity="month",
        max_lag=0,
        external_source="skm",
        external_dimension="ikm",
        status=ReportStatus.RUNNING,
        progress=40,
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
    )
    forget(REPORT_JOB, report.pk)
    return report


def _running_import(forget, *, started_minutes_ago: int) -> ScoreImport:
    score_import = ScoreImport.objects.create(
        kind="scores",
        status=ImportStatus.RUNNING,
        file_name="scores.csv",
        content_hash="f" * 64,
        content=b"department_code,period,source,dimension,value,respondents\nNOPE,2025-01,csat,overall,80,10\n",
        rows_total=1,
        started_at=timezone.now() - dt.timedelta(minutes=started_minutes_ago),
    )
    forget(IMPORT_JOB, score_import.pk)
    return score_import


def test_the_sweep_is_in_the_beat_schedule_every_five_minutes():
    entry = BEAT_SCHEDULE["system-stuck-jobs-sweep"]
    assert entry["task"] == "tasks.system.stuck_jobs_sweep_task"
    assert entry["schedule"] == 300.0


def test_reports_and_imports_declare_themselves_to_the_sweep():
    assert {kind.label for kind in jobs.job_kinds()} >= {REPORT_JOB, IMPORT_JOB}


def test_a_report_and_an_import_lost_mid_job_are_started_again_and_finish(
    forget_job_signs, settings, django_capture_on_commit_callbacks
):
    # given a report and an import running for longer than the bound, with no sign of life
    settings.PRIMA_JOB_STUCK_MINUTES = 15
    report = _running_report(forget_job_signs, started_minutes_ago=20)
    score_import = _running_import(forget_job_signs, started_minutes_ago=20)
    # when beat runs the sweep (jobs run in-process here, so the restarted jobs run to the end
    # once the sweep's work commits)
    with django_capture_on_commit_callbacks(execute=True):
        done = stuck_jobs_sweep_task.delay().get()
    # then both were started again and are no longer running
    assert done[REPORT_JOB]["restarted"] == [report.pk]
    assert done[IMPORT_JOB]["restarted"] == [score_import.pk]
    report.refresh_from_db()
    score_import.refresh_from_db()
    assert report.status in (ReportStatus.SUCCEEDED, ReportStatus.FAILED)
    assert score_import.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)


def test_a_job_that_beats_or_started_within_the_bound_is_left_alone(forget_job_signs, settings):
    # given a long report whose job beats, and an import started five minutes ago
    settings.PRIMA_JOB_STUCK_MINUTES = 15
    beating = _running_report(forget_job_signs, started_minutes_ago=90)
    jobs.job_alive(REPORT_JOB, beating.pk)
    recent = _running_import(forget_job_signs, started_minutes_ago=5)
    # when the sweep runs
    done = jobs.stuck_jobs_sweep()
    # then neither is touched
    assert done == {}
    beating.refresh_from_db()
    recent.refresh_from_db()
    assert (beating.status, beating.progress) == (ReportStatus.RUNNING, 40)
    assert recent.status == ImportStatus.RUNNING


def test_a_heartbeat_keeps_a_long_job_alive_from_its_own_thread(forget_job_signs, settings):
    # given a job that beats every 50 ms inside a block that outlives the first beat
    report = _running_report(forget_job_signs, started_minutes_ago=60)
    with jobs.job_heartbeat(REPORT_JOB, report.pk, every=0.05):
        cache.delete(jobs._alive_key(REPORT_JOB, report.pk))
        # when the block is still running a moment later
        time.sleep(0.3)
        # then the thread has beaten again
        assert cache.get(jobs._alive_key(REPORT_JOB, report.pk)) is not None


def test_a_job_lost_again_and_again_is_failed_with_the_reason(forget_job_signs, settings, monkeypatch):
    # given a report whose job is lost every time it is sent (the restart reaches no worker)
    settings.PRIMA_JOB_STUCK_MINUTES = 15
    report = _running_report(forget_job_signs, started_minutes_ago=20)
    sent: list[int] = []
    real = next(kind for kind in jobs.job_kinds() if kind.label == REPORT_JOB)
    lost = jobs.JobKind(label=REPORT_JOB, model=CorrelationReport, restart=sent.append, fail=real.fail)
    monkeypatch.setattr(jobs, "_KINDS", {REPORT_JOB: lost})
    # when the sweep runs after each restart's sign of life has lapsed
    outcomes = []
    for _attempt in range(3):
        cache.delete(jobs._alive_key(REPORT_JOB, report.pk))
        outcomes.append(jobs.stuck_jobs_sweep())
    # then it was sent twice, and the third time the report failed with the reason
    assert sent == [report.pk, report.pk]
    assert [outcome[REPORT_JOB] for outcome in outcomes] == [
        {"restarted": [report.pk], "failed": []},
        {"restarted": [report.pk], "failed": []},
        {"restarted": [], "failed": [report.pk]},
    ]
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "started again 2 times" in report.error


def test_an_import_lost_again_and_again_is_failed_with_the_reason_and_no_rows(forget_job_signs, settings, monkeypatch):
    settings.PRIMA_JOB_STUCK_MINUTES = 15
    score_import = _running_import(forget_job_signs, started_minutes_ago=20)
    real = next(kind for kind in jobs.job_kinds() if kind.label == IMPORT_JOB)
    lost = jobs.JobKind(label=IMPORT_JOB, model=ScoreImport, restart=lambda pk: None, fail=real.fail)
    monkeypatch.setattr(jobs, "_KINDS", {IMPORT_JOB: lost})
    for _attempt in range(3):
        cache.delete(jobs._alive_key(IMPORT_JOB, score_import.pk))
        jobs.stuck_jobs_sweep()
    score_import.refresh_from_db()
    assert score_import.status == ImportStatus.FAILED
    assert score_import.rows_imported == 0
    assert "started again 2 times" in score_import.errors[0]["message"]
