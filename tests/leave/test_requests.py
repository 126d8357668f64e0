"""Requests: the day count, holds on the balance, approval chains, rejection, cancellation."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.errors import Conflict, NotAllowed
from core.models import AuditEntry
from leave import services
from leave.models import EntryKind, LeaveBalance, LeaveDay, LeaveLedgerEntry, LeaveRequest, Stage, Status
from leave.selectors import balances_for
from tests.leave.conftest import MONDAY
from tests.leave.factories import allocate, request_leave

pytestmark = pytest.mark.django_db


def balance_of(employee, leave_type, year=2027) -> LeaveBalance:
    return LeaveBalance.objects.get(employee=employee, leave_type=leave_type, year=year)


def ledger_sum(balance) -> Decimal:
    return sum((entry.days for entry in balance.entries.all()), Decimal(0))


def test_a_request_holds_its_days_as_pending_until_approved(org, test_type):
    allocate(org.ani, test_type, 10)
    request = request_leave(org.ani, test_type, MONDAY, MONDAY + dt.timedelta(days=4))
    balance = balance_of(org.ani, test_type)
    assert (request.working_days, balance.pending, balance.available) == (5, 5, 5)
    assert not balance.entries.filter(kind=EntryKind.USAGE).exists()

    services.leave_request_approve(request=request, actor=org.budi)

    balance.refresh_from_db()
    request.refresh_from_db()
    assert (request.status, request.stage) == (Status.APPROVED, Stage.DONE)
    assert (balance.entitled, balance.used, balance.pending, balance.available) == (10, 5, 0, 5)
    assert ledger_sum(balance) == balance.balance == 5
    assert LeaveDay.objects.filter(request=request).count() == 5


def test_a_half_day_counts_half(org, test_type):
    allocate(org.ani, test_type, 1)
    request = request_leave(org.ani, test_type, MONDAY, half_day=True)
    assert request.working_days == Decimal("0.5")
    assert balance_of(org.ani, test_type).available == Decimal("0.5")


def test_a_type_that_needs_hr_goes_from_the_manager_to_hr(org, hr_type):
    allocate(org.ani, hr_type, 5)
    request = request_leave(org.ani, hr_type, MONDAY)
    # HR cannot skip the manager while the employee has one
    with pytest.raises(NotAllowed):
        services.leave_request_approve(request=request, actor=org.hana)
    services.leave_request_approve(request=request, actor=org.budi)
    request.refresh_from_db()
    assert (request.status, request.stage, request.manager_approved_by) == (Status.PENDING, Stage.HR, org.budi)
    assert not LeaveLedgerEntry.objects.filter(kind=EntryKind.USAGE).exists()
    # the manager cannot approve the HR step
    with pytest.raises(NotAllowed):
        services.leave_request_approve(request=request, actor=org.budi)
    services.leave_request_approve(request=request, actor=org.hana)
    request.refresh_from_db()
    assert request.status == Status.APPROVED
    assert balance_of(org.ani, hr_type).used == 1
    audited = AuditEntry.objects.filter(target_type="leave.leaverequest", target_id=str(request.pk))
    assert set(audited.values_list("action", flat=True)) == {
        "leave.request.approve_manager",
        "leave.request.approve",
    }


def test_nobody_approves_their_own_leave(org, test_type):
    allocate(org.hana, test_type, 5)
    request = request_leave(org.hana, test_type, MONDAY)
    with pytest.raises(NotAllowed, match="own"):
        services.leave_request_approve(request=request, actor=org.hana)
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_hr_decides_for_someone_without_a_manager(org, test_type):
    allocate(org.budi, test_type, 5)
    request = request_leave(org.budi, test_type, MONDAY)
    services.leave_request_approve(request=request, actor=org.hana)
    assert LeaveRequest.objects.get(pk=request.pk).status == Status.APPROVED


def test_another_manager_cannot_decide(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY)
    with pytest.raises(NotAllowed):
        services.leave_request_approve(request=request, actor=org.mira)


def test_a_rejection_needs_a_reason_and_gives_the_days_back(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY, MONDAY + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.leave_request_reject(request=request, actor=org.budi, reason="  ")
    services.leave_request_reject(request=request, actor=org.budi, reason="Loket is short-staffed that week")
    request.refresh_from_db()
    assert (request.status, request.rejection_reason) == (Status.REJECTED, "Loket is short-staffed that week")
    assert balance_of(org.ani, test_type).available == 5
    with pytest.raises(Conflict):
        services.leave_request_approve(request=request, actor=org.budi)


def test_cancelling_an_approved_request_writes_a_reversal(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY, MONDAY + dt.timedelta(days=2))
    services.leave_request_approve(request=request, actor=org.budi)
    services.leave_request_cancel(request=request, actor=org.ani, today=MONDAY - dt.timedelta(days=1))
    balance = balance_of(org.ani, test_type)
    kinds = list(balance.entries.values_list("kind", "days"))
    assert kinds == [("allocation", 5), ("usage", -3), ("reversal", 3)]
    assert (balance.used, balance.available) == (0, 5)


def test_a_pending_request_can_be_cancelled_and_its_hold_released(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY)
    services.leave_request_cancel(request=request, actor=org.ani, today=MONDAY - dt.timedelta(days=1))
    assert balance_of(org.ani, test_type).pending == 0
    assert LeaveRequest.objects.get(pk=request.pk).status == Status.CANCELLED


def test_leave_that_has_started_cannot_be_cancelled(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY)
    with pytest.raises(Conflict, match="started"):
        services.leave_request_cancel(request=request, actor=org.ani, today=MONDAY)


def test_only_the_requester_or_hr_cancels(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, MONDAY)
    with pytest.raises(NotAllowed):
        services.leave_request_cancel(request=request, actor=org.budi, today=MONDAY - dt.timedelta(days=3))
    services.leave_request_cancel(request=request, actor=org.hana, today=MONDAY - dt.timedelta(days=3))
    assert AuditEntry.objects.filter(action="leave.request.cancel").count() == 1


def test_an_overlap_with_own_open_leave_is_refused(org, test_type, policies):
    allocate(org.ani, test_type, 10)
    request_leave(org.ani, test_type, MONDAY, MONDAY + dt.timedelta(days=2))
    sick = policies["private"].types.get(code="sick")
    with pytest.raises(Conflict, match="overlap"):
        request_leave(org.ani, sick, MONDAY + dt.timedelta(days=2))


def test_types_reserved_by_law_for_one_sex(org, private):
    maternity = private.types.get(code="maternity")
    org.andi.sex = "male"
    org.andi.save()
    with pytest.raises(ValidationError, match="women"):
        request_leave(org.andi, maternity, MONDAY, attachment=None)


def test_special_leave_is_limited_per_request(org, private):
    marriage = private.types.get(code="marriage")
    with pytest.raises(ValidationError, match="at most 3"):
        request_leave(org.ani, marriage, MONDAY, MONDAY + dt.timedelta(days=3))
    assert request_leave(org.ani, marriage, MONDAY, MONDAY + dt.timedelta(days=2)).working_days == 3


def test_sick_leave_beyond_two_days_needs_a_doctors_note(org, private):
    sick = private.types.get(code="sick")
    with pytest.raises(ValidationError, match="attachment"):
        request_leave(org.ani, sick, MONDAY, MONDAY + dt.timedelta(days=2))
    assert request_leave(org.ani, sick, MONDAY, MONDAY + dt.timedelta(days=1)).working_days == 2


def test_maternity_leave_for_civil_servants_is_limited_to_three_children(org, pns, on_policy):
    from django.core.files.uploadedfile import SimpleUploadedFile

    on_policy(org.ani, pns)
    org.ani.sex = "female"
    org.ani.save()
    maternity = pns.types.get(code="maternity")
    for year in (2027, 2028, 2029):
        note = SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf")
        request_leave(org.ani, maternity, dt.date(year, 2, 1), dt.date(year, 4, 1), attachment=note)
    note = SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(ValidationError, match="at most 3 times"):
        request_leave(org.ani, maternity, dt.date(2030, 2, 1), dt.date(2030, 4, 1), attachment=note)


def test_long_leave_needs_five_years_of_service(org, pns, on_policy):
    on_policy(org.ani, pns)
    org.ani.hire_date = dt.date(2024, 1, 1)
    org.ani.save()
    with pytest.raises(ValidationError, match="not eligible"):
        request_leave(org.ani, pns.types.get(code="long"), MONDAY, MONDAY + dt.timedelta(days=30))


def test_unused_balance_types_show_days_used_in_the_balances(org, private):
    sick = private.types.get(code="sick")
    request = request_leave(org.ani, sick, MONDAY)
    services.leave_request_approve(request=request, actor=org.budi)
    row = next(row for row in balances_for(employee=org.ani, year=2027) if row["code"] == "sick")
    assert (row["entitled"], row["used"], row["available"]) == (None, 1, None)


def test_hr_requests_on_behalf_and_it_is_audited(org, test_type):
    allocate(org.ani, test_type, 3)
    services.leave_request_create(
        employee=org.ani, leave_type=test_type, start_date=MONDAY, end_date=MONDAY, actor=org.hana
    )
    assert AuditEntry.objects.filter(action="leave.request.create", actor=org.hana).exists()
    with pytest.raises(NotAllowed):
        services.leave_request_create(
            employee=org.andi, leave_type=test_type, start_date=MONDAY, end_date=MONDAY, actor=org.ani
        )


def test_approving_sends_mail_after_commit(org, test_type, mailoutbox, django_capture_on_commit_callbacks):
    org.budi.email = "budi@prima.test"
    org.budi.save()
    allocate(org.ani, test_type, 3)
    with django_capture_on_commit_callbacks(execute=True):
        request = request_leave(org.ani, test_type, MONDAY)
    assert [message.to for message in mailoutbox] == [["budi@prima.test"]]
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_request_approve(request=request, actor=org.budi)
    assert mailoutbox[-1].to == [org.ani.email]
    assert "approved" in mailoutbox[-1].subject
    # a retried job does not send twice
    assert services.leave_request_notify(request_id=request.pk, event="approved") == 0
    assert len(mailoutbox) == 2


def test_a_rejected_request_tells_the_employee_why(org, test_type, mailoutbox, django_capture_on_commit_callbacks):
    allocate(org.ani, test_type, 3)
    request = request_leave(org.ani, test_type, MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_request_reject(request=request, actor=org.budi, reason="Audit week")
    assert "Audit week" in mailoutbox[-1].body


def test_no_mail_when_the_transaction_rolls_back(org, test_type, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Conflict):
        request_leave(org.ani, test_type, MONDAY)  # no balance
    assert mailoutbox == []
    assert not LeaveRequest.objects.exists()


def test_leave_in_january_can_be_requested_in_december(org, policies, monkeypatch):
    # given: it is December 2026, Ani (hired 2020) has never had a 2027 balance
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 12, 7))
    annual = policies["private"].types.get(code="annual")
    assert not LeaveBalance.objects.filter(employee=org.ani, year=2027).exists()
    # when she asks for three days in January 2027
    request = request_leave(org.ani, annual, dt.date(2027, 1, 11), dt.date(2027, 1, 13))
    # then next year's balance exists, holding its 1 January entitlement, and keeps the days
    balance = balance_of(org.ani, annual, year=2027)
    assert balance.entitled == Decimal(12)
    assert balance.pending == request.working_days > 0


def test_next_years_entitlement_is_posted_once_when_january_comes(org, policies, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 12, 7))
    annual = policies["private"].types.get(code="annual")
    request_leave(org.ani, annual, dt.date(2027, 1, 11))
    # when the new year's refresh runs
    services.leave_balance_refresh(employee=org.ani, leave_type=annual, year=2027, as_of=dt.date(2027, 1, 1))
    # then nothing is granted twice
    balance = balance_of(org.ani, annual, year=2027)
    assert balance.entries.filter(kind=EntryKind.ACCRUAL).count() == 1
