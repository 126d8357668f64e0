"""The ledger: accruals, allocations, adjustments, year-end carry-over and expiry. Every job is
idempotent: a second run writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.errors import Conflict
from core.models import AuditEntry
from leave import services
from leave.models import EntryKind, LeaveBalance, LeaveLedgerEntry
from leave.selectors import ledger_mismatches
from tests.leave.factories import LeaveTypeFactory, allocate, request_leave

pytestmark = pytest.mark.django_db


def entries(balance) -> list[tuple[str, Decimal]]:
    return list(balance.entries.order_by("id").values_list("kind", "days"))


@pytest.fixture
def pns_annual(org, pns, on_policy):
    on_policy(org.ani, pns)
    return pns.types.get(code="annual")


def test_yearly_accrual_grants_the_whole_year_on_the_first_of_january(org, pns_annual):
    services.leave_balance_refresh(employee=org.ani, leave_type=pns_annual, year=2027, as_of=dt.date(2027, 1, 1))
    balance = LeaveBalance.objects.get(employee=org.ani, year=2027)
    assert entries(balance) == [("accrual", 12)]
    assert (
        services.leave_balance_refresh(employee=org.ani, leave_type=pns_annual, year=2027, as_of=dt.date(2027, 6, 1))
        == 0
    )


def test_nothing_accrues_before_twelve_months_of_service(org, pns_annual):
    org.ani.hire_date = dt.date(2026, 9, 10)
    org.ani.save()
    assert (
        services.leave_balance_refresh(employee=org.ani, leave_type=pns_annual, year=2027, as_of=dt.date(2027, 9, 9))
        == 0
    )
    # on eligibility (10 September 2027) the months left in the year, pro rata: 4/12 of 12
    services.leave_balance_refresh(employee=org.ani, leave_type=pns_annual, year=2027, as_of=dt.date(2027, 9, 10))
    assert entries(LeaveBalance.objects.get(employee=org.ani, year=2027)) == [("accrual", 4)]


def test_monthly_accrual_is_pro_rata_from_the_hire_date_and_sums_to_the_entitlement(org, private):
    fourteen = LeaveTypeFactory(annual_days=Decimal(14), accrual="monthly", eligible_after_months=0)
    org.ani.hire_date = dt.date(2027, 3, 20)  # after the 15th: March does not count
    org.ani.save()
    services.leave_balance_refresh(employee=org.ani, leave_type=fourteen, year=2027, as_of=dt.date(2027, 6, 1))
    balance = LeaveBalance.objects.get(employee=org.ani, leave_type=fourteen, year=2027)
    assert balance.entitled == Decimal("3.50")  # April, May, June: 3 × 14/12 rounded cumulatively
    services.leave_balance_refresh(employee=org.ani, leave_type=fourteen, year=2027, as_of=dt.date(2027, 12, 31))
    services.leave_balance_refresh(employee=org.ani, leave_type=fourteen, year=2027, as_of=dt.date(2028, 2, 1))
    balance.refresh_from_db()
    assert balance.entitled == Decimal("10.50")  # 9 months of 14/12, exactly
    assert balance.entries.count() == 9


def test_year_end_carries_up_to_the_cap_and_expires_the_rest(org, pns_annual):
    # given 10 of 12 days unused in 2026
    services.leave_balance_refresh(employee=org.ani, leave_type=pns_annual, year=2026, as_of=dt.date(2026, 1, 1))
    balance = LeaveBalance.objects.get(employee=org.ani, year=2026)
    services.leave_adjustment_create(
        employee=org.ani, leave_type=pns_annual, year=2026, days=Decimal(-2), reason="Taken on paper", actor=org.hana
    )
    # when the year closes
    written = services.leave_year_end_run(year=2026)
    # then 6 go to 2027 and 4 expire; a second run changes nothing
    assert written == {"closed": 1, "entries": 3}
    assert services.leave_year_end_run(year=2026) == {"closed": 0, "entries": 0}
    balance.refresh_from_db()
    following = LeaveBalance.objects.get(employee=org.ani, year=2027)
    assert entries(balance)[-2:] == [("carry_over", -6), ("expiry", -4)]
    assert balance.balance == 0
    assert ("carry_over", 6) in entries(following)
    assert ledger_mismatches() == []


def test_carried_over_days_expire_when_their_validity_ends(org, test_type):
    test_type.carry_over_max_days = Decimal(5)
    test_type.carry_over_valid_months = 3
    test_type.save()
    allocate(org.ani, test_type, 8, year=2026)
    services.leave_year_end_close(employee=org.ani, leave_type=test_type, year=2026)
    allocate(org.ani, test_type, 10, year=2027)
    request = request_leave(org.ani, test_type, dt.date(2027, 2, 1), dt.date(2027, 2, 2))
    services.leave_request_approve(request=request, actor=org.budi)
    balance = LeaveBalance.objects.get(employee=org.ani, leave_type=test_type, year=2027)
    # still valid on 31 March
    services.leave_balance_refresh(employee=org.ani, leave_type=test_type, year=2027, as_of=dt.date(2027, 3, 31))
    assert not balance.entries.filter(kind=EntryKind.EXPIRY).exists()
    # on 1 April the 3 carried days not used (5 carried − 2 used) expire, once
    for _ in range(2):
        services.leave_balance_refresh(employee=org.ani, leave_type=test_type, year=2027, as_of=dt.date(2027, 4, 1))
    assert list(balance.entries.filter(kind=EntryKind.EXPIRY).values_list("days", flat=True)) == [-3]
    balance.refresh_from_db()
    assert balance.balance == 10


def test_an_allocation_by_code_is_what_rewards_uses(org, private):
    entry = services.leave_allocation_create(
        employee=org.ani, leave_type="annual", year=2027, days=Decimal(1), note="Extra day off", actor=org.hana
    )
    assert entry.balance.leave_type == private.types.get(code="annual")
    assert AuditEntry.objects.filter(action="leave.allocation.create", actor=org.hana).count() == 1


@pytest.mark.parametrize(
    ("days", "leave_type", "field"),
    [
        (Decimal(0), "annual", "days"),
        (Decimal(-1), "annual", "days"),
        (Decimal("0.3"), "annual", "days"),
        (1, "nope", "leave_type"),
        (1, "sick", "leave_type"),
    ],
)
def test_bad_allocations_are_refused(org, private, days, leave_type, field):
    with pytest.raises(ValidationError) as error:
        services.leave_allocation_create(
            employee=org.ani, leave_type=leave_type, year=2027, days=days, note="", actor=org.hana
        )
    assert field in error.value.message_dict
    assert not LeaveLedgerEntry.objects.exists()


def test_an_adjustment_needs_a_reason_and_cannot_overdraw(org, test_type):
    allocate(org.ani, test_type, 2)
    with pytest.raises(ValidationError):
        services.leave_adjustment_create(
            employee=org.ani, leave_type=test_type, year=2027, days=Decimal(1), reason="", actor=org.hana
        )
    with pytest.raises(Conflict, match="below zero"):
        services.leave_adjustment_create(
            employee=org.ani, leave_type=test_type, year=2027, days=Decimal(-3), reason="Correction", actor=org.hana
        )
    services.leave_adjustment_create(
        employee=org.ani, leave_type=test_type, year=2027, days=Decimal(-2), reason="Correction", actor=org.hana
    )
    assert AuditEntry.objects.filter(action="leave.adjustment.create").count() == 1


def test_the_database_refuses_a_balance_below_zero(org, test_type):
    allocate(org.ani, test_type, 1)
    balance = LeaveBalance.objects.get(employee=org.ani, leave_type=test_type)
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaveBalance.objects.filter(pk=balance.pk).update(used=Decimal(2))
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaveLedgerEntry.objects.create(balance=balance, kind=EntryKind.ADJUSTMENT, days=Decimal(1))  # no reason
    with pytest.raises(IntegrityError), transaction.atomic():
        LeaveLedgerEntry.objects.create(balance=balance, kind=EntryKind.USAGE, days=Decimal(-1))  # no request


def test_the_accrual_job_runs_for_everyone_and_a_second_run_changes_nothing(org, policies):
    first = services.leave_accrual_run(as_of=dt.date(2027, 2, 1))
    assert first["people"] == 7
    assert first["entries"] > 0
    count = LeaveLedgerEntry.objects.count()
    assert services.leave_accrual_run(as_of=dt.date(2027, 2, 1))["entries"] == 0
    assert LeaveLedgerEntry.objects.count() == count
    assert ledger_mismatches() == []
