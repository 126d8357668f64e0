"""A hypothesis state machine over requests, approvals, rejections, cancellations, accruals,
allocations, adjustments, year-end closing and carry-over expiry: after every step the balance
equals the sum of its ledger and never goes below zero, and what is available never either."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.errors import Conflict
from leave import services
from leave.models import EntryKind, LeaveBalance, LeaveRequest, Status
from tests.factories import UserFactory
from tests.leave.factories import LeaveTypeFactory

pytestmark = pytest.mark.django_db

YEAR = 2027
BEFORE_ANY_LEAVE = dt.date(YEAR, 1, 1)
_serial = itertools.count()


class LeaveLedgerMachine(RuleBasedStateMachine):
    def __init__(self, manager, hr):
        super().__init__()
        self.manager, self.hr = manager, hr
        self.requests: list[int] = []

    @initialize(carried=st.integers(min_value=0, max_value=8))
    def open_the_year(self, carried):
        n = next(_serial)
        self.employee = UserFactory(username=f"sm{n}", manager=self.manager, department=self.manager.department)
        self.leave_type = LeaveTypeFactory(
            code=f"sm-{n}",
            annual_days=Decimal(12),
            accrual="monthly",
            carry_over_max_days=Decimal(5),
            carry_over_valid_months=3,
        )
        if carried:
            services.leave_allocation_create(
                employee=self.employee, leave_type=self.leave_type, year=YEAR - 1, days=carried, note="", actor=self.hr
            )
            services.leave_year_end_close(employee=self.employee, leave_type=self.leave_type, year=YEAR - 1)

    def balance(self) -> LeaveBalance | None:
        return LeaveBalance.objects.filter(employee=self.employee, leave_type=self.leave_type, year=YEAR).first()

    @rule(days=st.sampled_from(["0.5", "1", "2", "5"]))
    def allocate(self, days):
        services.leave_allocation_create(
            employee=self.employee, leave_type=self.leave_type, year=YEAR, days=Decimal(days), note="", actor=self.hr
        )

    @rule(month=st.integers(min_value=1, max_value=12))
    def accrue(self, month):
        services.leave_balance_refresh(
            employee=self.employee, leave_type=self.leave_type, year=YEAR, as_of=dt.date(YEAR, month, 1)
        )

    @rule(days=st.integers(min_value=-4, max_value=4).filter(bool))
    def adjust(self, days):
        try:
            services.leave_adjustment_create(
                employee=self.employee, leave_type=self.leave_type, year=YEAR, days=days, reason="check", actor=self.hr
            )
        except Conflict:
            assert days < 0

    @rule(
        start=st.integers(min_value=40, max_value=340), length=st.integers(min_value=0, max_value=6), half=st.booleans()
    )
    def request(self, start, length, half):
        first = dt.date(YEAR, 1, 1) + dt.timedelta(days=start)
        last = first if half else min(first + dt.timedelta(days=length), dt.date(YEAR, 12, 31))
        try:
            made = services.leave_request_create(
                employee=self.employee, leave_type=self.leave_type, start_date=first, end_date=last, half_day=half
            )
        except (Conflict, ValidationError):
            return
        self.requests.append(made.pk)

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def approve(self, data):
        self._decide(data, lambda request: services.leave_request_approve(request=request, actor=self.manager))

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def reject(self, data):
        self._decide(
            data, lambda request: services.leave_request_reject(request=request, actor=self.manager, reason="no")
        )

    @precondition(lambda self: self.requests)
    @rule(data=st.data())
    def cancel(self, data):
        def cancel(request):
            services.leave_request_cancel(request=request, actor=self.employee, today=BEFORE_ANY_LEAVE)

        self._decide(data, cancel, allowed=(Status.PENDING, Status.APPROVED))

    def _decide(self, data, decision, allowed=(Status.PENDING,)):
        request = LeaveRequest.objects.get(pk=data.draw(st.sampled_from(self.requests)))
        try:
            decision(request)
        except Conflict:
            # refused only when the state does not allow it
            assert request.status not in allowed

    @rule()
    def carried_days_expire(self):
        services.leave_balance_refresh(
            employee=self.employee, leave_type=self.leave_type, year=YEAR, as_of=dt.date(YEAR, 4, 1)
        )

    @rule()
    def close_the_year(self):
        services.leave_year_end_close(employee=self.employee, leave_type=self.leave_type, year=YEAR)

    @invariant()
    def the_balance_is_the_ledger_and_never_negative(self):
        balance = self.balance()
        if balance is None:
            return
        entries = list(balance.entries.values_list("kind", "days"))
        assert balance.entitled - balance.used == sum((days for _kind, days in entries), Decimal(0))
        used = -sum((days for kind, days in entries if kind in (EntryKind.USAGE, EntryKind.REVERSAL)), Decimal(0))
        assert balance.used == used
        assert balance.balance >= 0
        assert balance.available >= 0

    @invariant()
    def pending_and_used_match_the_requests(self):
        balance = self.balance()
        requests = LeaveRequest.objects.filter(pk__in=self.requests)
        pending = sum((r.working_days for r in requests if r.status == Status.PENDING), Decimal(0))
        approved = sum((r.working_days for r in requests if r.status == Status.APPROVED), Decimal(0))
        assert (balance.pending if balance else 0) == pending
        assert (balance.used if balance else 0) == approved


def test_the_balance_always_equals_its_ledger_and_never_goes_below_zero(org, policies):
    run_state_machine_as_test(
        lambda: LeaveLedgerMachine(org.budi, org.hana),
        settings=settings(
            max_examples=40,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
