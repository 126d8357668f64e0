"""Leave jobs on a real Celery worker against PostgreSQL and Redis: a request's e-mail is sent by
the worker after commit, and the monthly accrual run twice writes each entry once."""

import datetime as dt
import time

import pytest
from celery.result import allow_join_result

from leave import services
from leave.models import LeaveLedgerEntry, LeaveNotification
from leave.selectors import ledger_mismatches
from tasks.leave import leave_accrual_task
from tests.leave.factories import LeaveTypeFactory, allocate

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_worker_sends_the_request_mail_once_after_commit(org, celery_worker):
    services.leave_policies_install_defaults()
    org.budi.email = "budi@prima.test"
    org.budi.save()
    leave_type = LeaveTypeFactory()
    allocate(org.ani, leave_type, 3)
    request = services.leave_request_create(
        employee=org.ani, leave_type=leave_type, start_date=dt.date(2027, 6, 7), end_date=dt.date(2027, 6, 7)
    )
    assert wait_for(lambda: LeaveNotification.objects.filter(request=request, event="submitted").exists())
    assert list(LeaveNotification.objects.values_list("recipient_id", flat=True)) == [org.budi.pk]


def test_the_accrual_job_on_the_worker_is_idempotent(org, celery_worker):
    services.leave_policies_install_defaults()
    # (eager jobs earlier in this process may leave Celery believing it runs inside a task)
    with allow_join_result():
        first = leave_accrual_task.delay("2027-02-01").get(timeout=120)
        count = LeaveLedgerEntry.objects.count()
        second = leave_accrual_task.delay("2027-02-01").get(timeout=120)
    assert first["entries"] > 0
    assert second["entries"] == 0
    assert LeaveLedgerEntry.objects.count() == count
    assert ledger_mismatches() == []
