"""The demo's year of leave: realistic, consistent with its ledger, seeded once."""

import pytest
from django.core.management import call_command
from django.db.models import F

from employees.models import User
from leave.models import LeaveBalance, LeaveLedgerEntry, LeaveRequest, Status
from leave.selectors import approvals_waiting_for, ledger_mismatches

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_leave_that_matches_its_ledger_and_is_seeded_once():
    call_command("seed_demo", verbosity=0)
    counts = (LeaveRequest.objects.count(), LeaveLedgerEntry.objects.count(), LeaveBalance.objects.count())
    assert counts[0] > 300
    assert ledger_mismatches() == []
    assert not LeaveBalance.objects.filter(entitled__lt=F("used") + F("pending")).exists()
    codes = set(LeaveRequest.objects.values_list("leave_type__code", flat=True))
    assert {"annual", "sick"} <= codes and len(codes) >= 4
    manager, employee, hr = (User.objects.get(username=name) for name in ("manager", "employee", "hr"))
    waiting = list(approvals_waiting_for(manager))
    assert len(waiting) >= 3
    assert employee in [request.employee for request in waiting]
    assert approvals_waiting_for(hr).exists()
    assert LeaveRequest.objects.filter(employee=employee, status=Status.APPROVED).exists()

    call_command("seed_demo", verbosity=0)
    assert (LeaveRequest.objects.count(), LeaveLedgerEntry.objects.count(), LeaveBalance.objects.count()) == counts
