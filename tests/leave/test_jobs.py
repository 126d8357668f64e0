"""The leave jobs are registered with beat and only call services; running them twice changes
nothing."""

import datetime as dt

import pytest

from leave.models import LeaveLedgerEntry
from leave.selectors import ledger_mismatches
from tasks import leave as leave_tasks
from tasks.schedule import BEAT_SCHEDULE

pytestmark = pytest.mark.django_db


def test_beat_runs_accrual_monthly_and_the_year_end_once_a_year():
    entries = {entry["task"]: entry["schedule"] for entry in BEAT_SCHEDULE.values()}
    accrual = entries["tasks.leave.leave_accrual_task"]
    year_end = entries["tasks.leave.leave_year_end_task"]
    assert (accrual.day_of_month, accrual.hour, accrual.minute) == ({1}, {0}, {30})
    assert (year_end.month_of_year, year_end.day_of_month) == ({1}, {1})


def test_the_accrual_and_year_end_jobs_are_idempotent(org, policies):
    first = leave_tasks.leave_accrual_task.delay("2026-12-01").get()
    assert first["entries"] > 0
    assert leave_tasks.leave_accrual_task.delay("2026-12-01").get()["entries"] == 0
    closed = leave_tasks.leave_year_end_task.delay(2026).get()
    assert closed["closed"] > 0
    count = LeaveLedgerEntry.objects.count()
    assert leave_tasks.leave_year_end_task.delay(2026).get() == {"closed": 0, "entries": 0}
    assert LeaveLedgerEntry.objects.count() == count
    assert ledger_mismatches() == []


def test_the_year_end_job_closes_last_year_by_default(org, policies, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: dt.date(2027, 1, 1))
    leave_tasks.leave_accrual_task.delay("2026-06-01").get()
    assert leave_tasks.leave_year_end_task.delay().get()["closed"] > 0
