"""Row locks on PostgreSQL: twenty people at once cannot overdraw one balance."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.errors import Conflict, NotAllowed
from leave import calendar, services
from leave.models import EntryKind, LeaveBalance, LeaveLedgerEntry, LeaveRequest, Status
from leave.selectors import balances_for, ledger_mismatches
from tests.leave.factories import LeaveTypeFactory, allocate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20


def run_at_once(work, count=THREADS) -> list:
    """Runs `work(i)` in `count` threads released together; returns what each returned or raised."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(index):
        try:
            barrier.wait()
            outcomes[index] = work(index)
        except Exception as error:  # noqa: BLE001 - every outcome is inspected by the test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_twenty_threads_requesting_and_approving_never_overdraw_twelve_days(org, policies):
    # given 12 days on one balance
    leave_type = LeaveTypeFactory()
    allocate(org.ani, leave_type, 12)
    calendar.holidays_load_year(2027)
    working_days = calendar.count_days(
        policy=leave_type.policy, leave_type=leave_type, start=dt.date(2027, 2, 1), end=dt.date(2027, 3, 31)
    ).dates

    # when twenty threads each request a different day (every third a half day) and approve it at once
    def request_and_approve(index):
        day = working_days[index]
        request = services.leave_request_create(
            employee=org.ani, leave_type=leave_type, start_date=day, end_date=day, half_day=index % 3 == 0
        )
        return services.leave_request_approve(request=request, actor=org.budi)

    outcomes = run_at_once(request_and_approve)

    # then only what fits was granted, and the refusals say why
    refused = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert all(isinstance(error, Conflict) and error.code == "insufficient_balance" for error in refused), refused
    approved = LeaveRequest.objects.filter(employee=org.ani, status=Status.APPROVED)
    approved_days = sum((request.working_days for request in approved), Decimal(0))
    assert 0 < approved_days <= 12
    assert len(refused) == THREADS - approved.count()
    balance = LeaveBalance.objects.get(employee=org.ani, leave_type=leave_type, year=2027)
    ledger = sum(LeaveLedgerEntry.objects.filter(balance=balance).values_list("days", flat=True), Decimal(0))
    shown = next(row for row in balances_for(employee=org.ani, year=2027) if row["leave_type"] == leave_type.pk)
    assert ledger == balance.balance == 12 - approved_days == shown["available"]
    assert shown["used"] == approved_days
    assert balance.pending == 0
    assert ledger_mismatches() == []


def test_one_request_approved_by_many_at_once_is_used_once(org, policies):
    leave_type = LeaveTypeFactory()
    allocate(org.ani, leave_type, 3)
    request = services.leave_request_create(
        employee=org.ani, leave_type=leave_type, start_date=dt.date(2027, 2, 1), end_date=dt.date(2027, 2, 3)
    )

    outcomes = run_at_once(lambda index: services.leave_request_approve(request=request, actor=org.budi), count=10)

    assert sum(isinstance(outcome, LeaveRequest) for outcome in outcomes) == 1
    assert all(isinstance(outcome, (LeaveRequest, Conflict)) for outcome in outcomes)
    assert LeaveLedgerEntry.objects.filter(kind=EntryKind.USAGE).count() == 1
    assert LeaveBalance.objects.get(employee=org.ani, leave_type=leave_type).balance == 0


def test_overlapping_requests_at_once_let_one_through(org, policies):
    leave_type = LeaveTypeFactory()
    allocate(org.ani, leave_type, 12)
    monday = dt.date(2027, 2, 1)

    def overlapping(index):
        return services.leave_request_create(
            employee=org.ani, leave_type=leave_type, start_date=monday, end_date=monday + dt.timedelta(days=index % 3)
        )

    outcomes = run_at_once(overlapping, count=10)

    assert sum(isinstance(outcome, LeaveRequest) for outcome in outcomes) == 1
    assert all(isinstance(outcome, (LeaveRequest, Conflict)) for outcome in outcomes)


def test_the_ledger_is_append_only_in_postgresql(org, policies):
    from django.db import DatabaseError, transaction

    leave_type = LeaveTypeFactory()
    entry = allocate(org.ani, leave_type, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LeaveLedgerEntry.objects.filter(pk=entry.pk).update(days=Decimal(20))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LeaveLedgerEntry.objects.filter(pk=entry.pk).delete()


def test_concurrent_accrual_runs_write_each_entry_once(org, policies):
    outcomes = run_at_once(lambda index: services.leave_accrual_run(as_of=dt.date(2027, 3, 1)), count=4)
    assert not [outcome for outcome in outcomes if isinstance(outcome, (Exception, NotAllowed, ValidationError))]
    assert ledger_mismatches() == []
    keys = list(LeaveLedgerEntry.objects.filter(kind=EntryKind.ACCRUAL).values_list("balance_id", "key"))
    assert len(keys) == len(set(keys)) > 0
