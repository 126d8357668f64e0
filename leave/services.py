"""Every write to leave: policies, holidays, the ledger, requests and their approval.

Locks, always taken in this order so that two writers never wait on each other in a circle:
the request row (approve, reject, cancel) or the employee row (a new request: overlaps), then
the balance row (employee × type × year). Every ledger entry is written with the balance row
locked, and the row's cached totals change in the same transaction, so concurrent requests and
approvals cannot overdraw; the database's check constraints refuse what slips through.
"""

import datetime as dt
from decimal import ROUND_FLOOR, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, NotAllowed
from core.jobs import enqueue_on_commit
from core.periods import add_months
from employees.models import User
from employees.permissions import is_hr, manages
from leave import calendar, defaults
from leave.models import (
    OPEN_STATUSES,
    USED_KINDS,
    ZERO,
    Accrual,
    EmployeeLeavePolicy,
    EntryKind,
    Holiday,
    HolidaySource,
    LeaveBalance,
    LeaveDay,
    LeaveLedgerEntry,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    Stage,
    Status,
)
from leave.selectors import eligible_from, leave_type_by_code, months_of_service, policy_for

CENT = Decimal("0.01")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_SUFFIXES = ("pdf", "jpg", "jpeg", "png")
# Re-counts collective leave on every balance of a year after its calendar changed.
COLLECTIVE_SYNC_JOB = "tasks.leave.leave_collective_sync_task"


def _today() -> dt.date:
    return timezone.localdate()


# --- Policies -------------------------------------------------------------------------------


@transaction.atomic
def leave_policies_install_defaults() -> int:
    """Creates the shipped policies (private sector and PNS) and their types where missing."""
    return defaults.install_policies(LeavePolicy, LeaveType)


def _policy_of(employee: User) -> LeavePolicy:
    """The employee's policy, installing the shipped ones first on a database that has none."""
    policy = policy_for(employee)
    if policy is None:
        leave_policies_install_defaults()
        policy = policy_for(employee)
    return policy


POLICY_FIELDS = ("name", "work_week", "collective_leave_reduces_annual")


@transaction.atomic
def leave_policy_update(*, policy: LeavePolicy, actor, **changes) -> LeavePolicy:
    """The policy's name, work week and whether collective leave reduces annual leave. Changing
    the latter re-counts collective leave on this year's balances (after commit)."""
    policy = LeavePolicy.objects.select_for_update().get(pk=policy.pk)
    before = {key: getattr(policy, key) for key in POLICY_FIELDS}
    for key in POLICY_FIELDS:
        if key in changes:
            setattr(policy, key, changes[key])
    policy.full_clean()
    policy.save()
    changed = {
        key: [str(before[key]), str(getattr(policy, key))]
        for key in POLICY_FIELDS
        if before[key] != getattr(policy, key)
    }
    if changed:
        audit_record(
            actor=actor,
            action="leave.policy.update",
            target=policy,
            summary=f"{policy.code}: {', '.join(changed)}",
            data=changed,
        )
        year = _today().year
        enqueue_on_commit(COLLECTIVE_SYNC_JOB, year)
    return policy


@transaction.atomic
def leave_policy_set_default(*, policy: LeavePolicy, actor) -> LeavePolicy:
    LeavePolicy.objects.select_for_update().filter(is_default=True).exclude(pk=policy.pk).update(is_default=False)
    LeavePolicy.objects.filter(pk=policy.pk).update(is_default=True)
    policy.is_default = True
    audit_record(actor=actor, action="leave.policy.default", target=policy, summary=policy.name)
    return policy


@transaction.atomic
def leave_policy_assign(*, employee: User, policy: LeavePolicy | None, actor) -> None:
    """Puts an employee on a policy other than the default (None: back to the default)."""
    if policy is None:
        EmployeeLeavePolicy.objects.filter(employee=employee).delete()
    else:
        EmployeeLeavePolicy.objects.update_or_create(employee=employee, defaults={"policy": policy})
    audit_record(
        actor=actor,
        action="leave.policy.assign",
        target=employee,
        summary=f"{employee.username}: {policy.name if policy else '-'}",
        data={"policy": policy.code if policy else None},
    )


LEAVE_TYPE_FIELDS = (
    "code",
    "name",
    "legal_basis",
    "paid",
    "day_unit",
    "tracks_balance",
    "annual_days",
    "eligible_after_months",
    "accrual",
    "carry_over_max_days",
    "carry_over_valid_months",
    "half_day_allowed",
    "attachment_after_days",
    "requires_hr_approval",
    "max_consecutive_days",
    "max_occurrences",
    "eligible_sex",
    "is_active",
    "order",
)


@transaction.atomic
def leave_type_create(*, policy: LeavePolicy, actor, **values) -> LeaveType:
    leave_type = LeaveType(policy=policy, **{key: values[key] for key in LEAVE_TYPE_FIELDS if key in values})
    if LeaveType.objects.filter(policy=policy, code=leave_type.code).exists():
        raise Conflict(
            _("%(policy)s already has a leave type “%(code)s”.") % {"policy": policy, "code": leave_type.code}
        )
    leave_type.full_clean()
    leave_type.save()
    audit_record(actor=actor, action="leave.type.create", target=leave_type, summary=f"{policy.code}/{leave_type.code}")
    return leave_type


@transaction.atomic
def leave_type_update(*, leave_type: LeaveType, actor, **changes) -> LeaveType:
    leave_type = LeaveType.objects.select_for_update().get(pk=leave_type.pk)
    before = {key: str(getattr(leave_type, key)) for key in changes if key in LEAVE_TYPE_FIELDS}
    for key, value in changes.items():
        if key in LEAVE_TYPE_FIELDS:
            setattr(leave_type, key, value)
    leave_type.full_clean()
    leave_type.save()
    after = {key: str(getattr(leave_type, key)) for key in before}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        audit_record(
            actor=actor,
            action="leave.type.update",
            target=leave_type,
            summary=f"{leave_type.policy.code}/{leave_type.code}: {', '.join(sorted(changed))}",
            data=changed,
        )
    return leave_type


# --- Holidays -------------------------------------------------------------------------------


def _holiday_changed(day: dt.date, actor) -> None:
    """A day off appeared or went: collective leave is re-counted for that year."""
    enqueue_on_commit(COLLECTIVE_SYNC_JOB, day.year)


@transaction.atomic
def holiday_create(
    *, date: dt.date, name: str, is_collective_leave: bool = False, is_day_off: bool = True, actor
) -> Holiday:
    calendar.holidays_load_year(date.year)
    if Holiday.objects.filter(date=date).exists():
        raise Conflict(_("%(date)s is already in the calendar; edit that day instead.") % {"date": date.isoformat()})
    holiday = Holiday(
        date=date, name=name, is_collective_leave=is_collective_leave, is_day_off=is_day_off, source=HolidaySource.HR
    )
    holiday.full_clean()
    holiday.save()
    audit_record(actor=actor, action="leave.holiday.create", target=holiday, summary=str(holiday))
    _holiday_changed(date, actor)
    return holiday


@transaction.atomic
def holiday_update(*, holiday: Holiday, actor, **changes) -> Holiday:
    holiday = Holiday.objects.select_for_update().get(pk=holiday.pk)
    old_date = holiday.date
    for key in ("date", "name", "is_collective_leave", "is_day_off"):
        if key in changes:
            setattr(holiday, key, changes[key])
    holiday.full_clean()
    holiday.save()
    audit_record(
        actor=actor,
        action="leave.holiday.update",
        target=holiday,
        summary=str(holiday),
        data={key: str(value) for key, value in changes.items()},
    )
    _holiday_changed(old_date, actor)
    if holiday.date.year != old_date.year:
        _holiday_changed(holiday.date, actor)
    return holiday


@transaction.atomic
def holiday_delete(*, holiday: Holiday, actor) -> None:
    audit_record(actor=actor, action="leave.holiday.delete", target=holiday, summary=str(holiday))
    day = holiday.date
    holiday.delete()
    _holiday_changed(day, actor)


# --- The ledger -----------------------------------------------------------------------------


def _balance_locked(
    *, employee: User, leave_type: LeaveType, year: int, as_of: dt.date | None = None, refresh_new: bool = True
) -> LeaveBalance:
    """The balance row, created if missing and locked (SELECT … FOR UPDATE) for the rest of the
    transaction. A newly created balance is brought up to date (accruals, collective leave)."""
    balance, created = LeaveBalance.objects.get_or_create(employee=employee, leave_type=leave_type, year=year)
    balance = LeaveBalance.objects.select_for_update().select_related("leave_type__policy").get(pk=balance.pk)
    balance.employee = employee
    if created and refresh_new:
        _balance_refresh(balance, as_of=as_of or _today())
    return balance


def _post(
    balance: LeaveBalance,
    *,
    kind: str,
    days: Decimal,
    key: str = "",
    note: str = "",
    actor=None,
    request: LeaveRequest | None = None,
    pending_change: Decimal = ZERO,
) -> LeaveLedgerEntry:
    """Appends an entry and moves the locked balance row's totals with it."""
    entry = LeaveLedgerEntry.objects.create(
        balance=balance,
        kind=kind,
        days=days,
        key=key,
        note=note[:300],
        request=request,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if kind in USED_KINDS:
        balance.used -= days
    else:
        balance.entitled += days
    balance.pending += pending_change
    balance.save(update_fields=["entitled", "used", "pending"])
    return entry


def _half_days_down(days: Decimal) -> Decimal:
    return (days * 2).to_integral_value(rounding=ROUND_FLOOR) / 2


def accrual_targets(*, employee: User, leave_type: LeaveType, year: int, through: dt.date) -> dict[str, Decimal]:
    """What the type's accrual has granted by `through`, as {ledger key: days}.

    - yearly: the whole entitlement on 1 January once eligible; in the year eligibility is
      reached, the months left from that month on, pro rata, rounded down to half days;
    - monthly: entitlement/12 for every month of the year whose 15th the employee has reached
      eligibility by, posted on the month's first day; cumulative rounding keeps the year's sum
      exactly the entitlement.
    """
    if not leave_type.tracks_balance or leave_type.annual_days <= 0:
        return {}
    eligible = eligible_from(employee, leave_type) or dt.date(1900, 1, 1)
    first_of_year = dt.date(year, 1, 1)
    if leave_type.accrual == Accrual.YEARLY:
        if eligible <= first_of_year and through >= first_of_year:
            return {f"accrual:{year}": leave_type.annual_days}
        if eligible.year == year and through >= eligible:
            days = _half_days_down(leave_type.annual_days * (13 - eligible.month) / 12)
            return {f"accrual:{year}": days} if days > 0 else {}
        return {}
    targets: dict[str, Decimal] = {}
    counted, granted = 0, ZERO
    for month in range(1, 13):
        first = dt.date(year, month, 1)
        if first > through:
            break
        if eligible <= dt.date(year, month, 15):
            counted += 1
            cumulative = (leave_type.annual_days * counted / 12).quantize(CENT)
            if cumulative > granted:
                targets[f"accrual:{year}-{month:02d}"] = cumulative - granted
                granted = cumulative
    return targets


def _accrue(balance: LeaveBalance, *, through: dt.date) -> int:
    targets = accrual_targets(
        employee=balance.employee, leave_type=balance.leave_type, year=balance.year, through=through
    )
    if not targets:
        return 0
    posted = set(balance.entries.filter(key__in=list(targets)).values_list("key", flat=True))
    written = 0
    for key, days in targets.items():
        if key not in posted:
            _post(balance, kind=EntryKind.ACCRUAL, days=days, key=key, note=_("Accrual"))
            written += 1
    return written


def _collective_sync(balance: LeaveBalance) -> int:
    """Under a policy whose collective leave reduces annual leave, the annual balance carries one
    day of `collective` usage per collective-leave working day of the year (from eligibility
    on), as far as the balance allows; removed days are given back."""
    leave_type = balance.leave_type
    policy = leave_type.policy
    if leave_type.code != defaults.ANNUAL:
        return 0
    target = ZERO
    if policy.collective_leave_reduces_annual:
        calendar.holidays_load_year(balance.year)
        since = eligible_from(balance.employee, leave_type)
        target = -Decimal(len(calendar.collective_leave_dates(policy=policy, year=balance.year, since=since)))
    current = balance.entries.filter(kind=EntryKind.COLLECTIVE).aggregate(total=Sum("days"))["total"] or ZERO
    delta = target - current
    if delta < 0:
        delta = max(delta, -balance.available)
    if delta == 0:
        return 0
    note = _("Collective leave (cuti bersama) %(year)s") % {"year": balance.year}
    _post(balance, kind=EntryKind.COLLECTIVE, days=delta, note=note)
    return 1


def _carry_over_expire(balance: LeaveBalance, *, as_of: dt.date) -> int:
    """Days carried into the year that are still unused when their validity ends expire
    (usage is taken from carried-over days first)."""
    leave_type = balance.leave_type
    if leave_type.carry_over_valid_months >= 12:
        return 0
    valid_until = add_months(dt.date(balance.year, 1, 1), leave_type.carry_over_valid_months) - dt.timedelta(days=1)
    key = f"carry_over_expiry:{balance.year}"
    if as_of <= valid_until or balance.entries.filter(key=key).exists():
        return 0
    carried = (
        balance.entries.filter(kind=EntryKind.CARRY_OVER, days__gt=0).aggregate(total=Sum("days"))["total"] or ZERO
    )
    expiring = min(max(carried - balance.used, ZERO), balance.available)
    if expiring <= 0:
        return 0
    note = _("Carried-over days expired on %(date)s") % {"date": valid_until.isoformat()}
    _post(balance, kind=EntryKind.EXPIRY, days=-expiring, key=key, note=note)
    return 1


def _balance_refresh(balance: LeaveBalance, *, as_of: dt.date) -> int:
    """Brings a locked balance up to date; idempotent. Returns how many entries it wrote. A
    later year's balance holds what its 1 January brings, so that leave running into next year
    can be requested in December."""
    as_of = max(as_of, dt.date(balance.year, 1, 1))
    through = min(as_of, dt.date(balance.year, 12, 31))
    written = _accrue(balance, through=through) if through.year == balance.year else 0
    written += _collective_sync(balance)
    written += _carry_over_expire(balance, as_of=as_of)
    return written


@transaction.atomic
def leave_balance_refresh(*, employee: User, leave_type: LeaveType, year: int, as_of: dt.date | None = None) -> int:
    """Accrues what is due by `as_of`, re-counts collective leave and expires carried-over days
    past their validity. A second run writes nothing."""
    balance = _balance_locked(employee=employee, leave_type=leave_type, year=year, refresh_new=False)
    return _balance_refresh(balance, as_of=as_of or _today())


def leave_balances_open(*, employee: User, year: int, as_of: dt.date | None = None) -> int:
    """Makes sure the employee has an up-to-date balance for each balance-limited type."""
    written = 0
    for leave_type in LeaveType.objects.filter(policy=_policy_of(employee), tracks_balance=True, is_active=True):
        written += leave_balance_refresh(employee=employee, leave_type=leave_type, year=year, as_of=as_of)
    return written


def _resolve_type(employee: User, leave_type: LeaveType | str) -> LeaveType:
    if isinstance(leave_type, LeaveType):
        return leave_type
    found = leave_type_by_code(employee=employee, code=leave_type)
    if found is None:
        raise ValidationError({"leave_type": _("Unknown leave type “%(code)s”.") % {"code": leave_type}})
    return found


def _check_ledger_input(*, employee: User, leave_type: LeaveType, year: int) -> None:
    if not leave_type.tracks_balance:
        raise ValidationError({"leave_type": _("%(type)s has no balance to allocate to.") % {"type": leave_type.name}})
    if leave_type.policy_id != _policy_of(employee).pk:
        raise ValidationError(
            {"leave_type": _("%(type)s is not part of this employee's leave policy.") % {"type": leave_type.name}}
        )
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})


@transaction.atomic
def leave_allocation_create(
    *, employee: User, leave_type: LeaveType | str, year: int, days: Decimal, note: str, actor
) -> LeaveLedgerEntry:
    """Grants extra days (HR, or a reward's extra day off). `leave_type` is a type or its code in
    the employee's policy (`annual` is cuti tahunan)."""
    leave_type = _resolve_type(employee, leave_type)
    days = Decimal(days)
    if days <= 0:
        raise ValidationError({"days": _("An allocation grants a positive number of days.")})
    if days != _half_days_down(days):
        raise ValidationError({"days": _("Allocate whole or half days.")})
    _check_ledger_input(employee=employee, leave_type=leave_type, year=year)
    balance = _balance_locked(employee=employee, leave_type=leave_type, year=year)
    entry = _post(balance, kind=EntryKind.ALLOCATION, days=days, note=note or _("Allocation"), actor=actor)
    audit_record(
        actor=actor,
        action="leave.allocation.create",
        target=balance,
        summary=f"{employee.username} {leave_type.code} {year}: +{days}",
        data={"days": str(days), "note": note, "entry": entry.pk},
    )
    return entry


@transaction.atomic
def leave_adjustment_create(
    *, employee: User, leave_type: LeaveType | str, year: int, days: Decimal, reason: str, actor
) -> LeaveLedgerEntry:
    """Corrects a balance up or down, with a reason; never below what is available."""
    leave_type = _resolve_type(employee, leave_type)
    days = Decimal(days)
    if not reason.strip():
        raise ValidationError({"reason": _("An adjustment needs a reason.")})
    if days == 0:
        raise ValidationError({"days": _("An adjustment changes the balance: use a number other than zero.")})
    _check_ledger_input(employee=employee, leave_type=leave_type, year=year)
    balance = _balance_locked(employee=employee, leave_type=leave_type, year=year)
    if balance.available + days < 0:
        raise Conflict(
            _("Only %(available)s days are available; the balance cannot go below zero.")
            % {"available": balance.available},
            code="insufficient_balance",
        )
    entry = _post(balance, kind=EntryKind.ADJUSTMENT, days=days, note=reason.strip(), actor=actor)
    audit_record(
        actor=actor,
        action="leave.adjustment.create",
        target=balance,
        summary=f"{employee.username} {leave_type.code} {year}: {days:+} ({reason.strip()})",
        data={"days": str(days), "reason": reason.strip(), "entry": entry.pk},
    )
    return entry


@transaction.atomic
def leave_year_end_close(*, employee: User, leave_type: LeaveType, year: int) -> int:
    """Closes a year's balance: up to the type's cap is carried into the next year, the rest of
    what is available expires. Days of requests still pending stay. Idempotent: once closed,
    nothing is left available to carry or expire."""
    balance = _balance_locked(employee=employee, leave_type=leave_type, year=year, as_of=dt.date(year, 12, 31))
    available = balance.available
    if available <= 0:
        return 0
    written = 0
    carry_key = f"carry_over_out:{year}"
    already_carried = not leave_type.carry_over_max_days or balance.entries.filter(key=carry_key).exists()
    carry = ZERO if already_carried else min(available, leave_type.carry_over_max_days)
    if carry > 0:
        note = _("Carried over to %(year)s") % {"year": year + 1}
        _post(balance, kind=EntryKind.CARRY_OVER, days=-carry, key=carry_key, note=note)
        following = _balance_locked(employee=employee, leave_type=leave_type, year=year + 1)
        note = _("Carried over from %(year)s") % {"year": year}
        _post(following, kind=EntryKind.CARRY_OVER, days=carry, key=f"carry_over_in:{year}", note=note)
        written += 2
    expiring = available - carry
    if expiring > 0:
        note = _("Unused days of %(year)s expired") % {"year": year}
        _post(balance, kind=EntryKind.EXPIRY, days=-expiring, note=note)
        written += 1
    return written


# --- Requests -------------------------------------------------------------------------------


def _check_attachment(attachment) -> None:
    if not attachment:
        return
    name = getattr(attachment, "name", "") or ""
    if name.rsplit(".", 1)[-1].lower() not in ATTACHMENT_SUFFIXES:
        raise ValidationError({"attachment": _("Attach a PDF, JPG or PNG file.")})
    if getattr(attachment, "size", 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"attachment": _("The attachment is larger than 5 MB.")})


def _validate_request(
    *,
    employee: User,
    leave_type: LeaveType,
    start_date: dt.date,
    end_date: dt.date,
    half_day: bool,
) -> calendar.DayCount:
    """Every check that needs no lock; raises ValidationError naming the reason."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("The leave ends before it starts.")})
    if start_date.year != end_date.year and leave_type.tracks_balance:
        raise ValidationError({"end_date": _("A request cannot run into the next year: make two requests.")})
    policy = _policy_of(employee)
    if leave_type.policy_id != policy.pk or not leave_type.is_active:
        raise ValidationError(
            {"leave_type": _("%(type)s is not part of your leave policy.") % {"type": leave_type.name}}
        )
    if leave_type.eligible_sex and employee.sex != leave_type.eligible_sex:
        raise ValidationError(
            {
                "leave_type": _("%(type)s is for %(who)s only.")
                % {"type": leave_type.name, "who": leave_type.get_eligible_sex_display()}
            }
        )
    if half_day and not leave_type.half_day_allowed:
        raise ValidationError({"half_day": _("%(type)s cannot be taken in half days.") % {"type": leave_type.name}})
    if half_day and start_date != end_date:
        raise ValidationError({"half_day": _("A half day is one date: make the start and the end the same day.")})
    for year in range(start_date.year, end_date.year + 1):
        calendar.holidays_load_year(year)
    count = calendar.count_days(policy=policy, leave_type=leave_type, start=start_date, end=end_date, half_day=half_day)
    if count.days <= 0:
        raise ValidationError(
            {"end_date": _("These dates hold no working day (weekend, public holiday or collective leave).")}
        )
    if leave_type.max_consecutive_days and count.days > leave_type.max_consecutive_days:
        raise ValidationError(
            {
                "end_date": _("%(type)s allows at most %(max)s days per request; these dates count %(days)s.")
                % {"type": leave_type.name, "max": leave_type.max_consecutive_days, "days": count.days}
            }
        )
    return count


def _not_eligible_error(employee: User, leave_type: LeaveType) -> ValidationError:
    eligible = eligible_from(employee, leave_type)
    return ValidationError(
        {
            "leave_type": _(
                "You are not eligible for %(type)s yet: it needs %(months)s months of service (from %(date)s)."
            )
            % {
                "type": leave_type.name,
                "months": leave_type.eligible_after_months,
                "date": eligible.isoformat() if eligible else "-",
            }
        }
    )


@transaction.atomic
def leave_request_create(
    *,
    employee: User,
    leave_type: LeaveType,
    start_date: dt.date,
    end_date: dt.date,
    half_day: bool = False,
    reason: str = "",
    attachment=None,
    actor: User | None = None,
) -> LeaveRequest:
    """Files a request. The days are counted here, never taken from the client; the balance
    (for balance-limited types) holds them as pending until the final approval."""
    actor = actor or employee
    if actor.pk != employee.pk and not is_hr(actor):
        raise NotAllowed(_("You can only request leave for yourself."))
    count = _validate_request(
        employee=employee, leave_type=leave_type, start_date=start_date, end_date=end_date, half_day=half_day
    )
    eligible = months_of_service(employee, start_date) >= leave_type.eligible_after_months
    if not eligible and not leave_type.tracks_balance:
        raise _not_eligible_error(employee, leave_type)
    if leave_type.needs_attachment(count.days) and not attachment:
        raise ValidationError(
            {
                "attachment": _("%(type)s of more than %(after)s days needs an attachment (such as a doctor's note).")
                % {"type": leave_type.name, "after": leave_type.attachment_after_days}
                if leave_type.attachment_after_days
                else _("%(type)s needs an attachment.") % {"type": leave_type.name}
            }
        )
    _check_attachment(attachment)

    # The employee row serialises this employee's requests: overlaps and occurrences are
    # checked against committed data only.
    User.objects.select_for_update().only("pk").get(pk=employee.pk)
    overlap = (
        LeaveRequest.objects.filter(
            employee=employee, status__in=OPEN_STATUSES, start_date__lte=end_date, end_date__gte=start_date
        )
        .select_related("leave_type")
        .first()
    )
    if overlap:
        raise Conflict(
            _("These dates overlap your %(status)s %(type)s request from %(start)s to %(end)s.")
            % {
                "status": overlap.get_status_display(),
                "type": overlap.leave_type.name,
                "start": overlap.start_date.isoformat(),
                "end": overlap.end_date.isoformat(),
            },
            code="overlap",
        )
    if leave_type.max_occurrences is not None:
        taken = LeaveRequest.objects.filter(employee=employee, leave_type=leave_type, status__in=OPEN_STATUSES).count()
        if taken >= leave_type.max_occurrences:
            raise ValidationError(
                {
                    "leave_type": _("%(type)s can be taken at most %(max)s times.")
                    % {"type": leave_type.name, "max": leave_type.max_occurrences}
                }
            )
    balance = None
    if leave_type.tracks_balance:
        balance = _balance_locked(employee=employee, leave_type=leave_type, year=start_date.year)
        if balance.available < count.days:
            if not eligible:
                raise _not_eligible_error(employee, leave_type)
            raise Conflict(
                _("Not enough %(type)s: %(available)s days available, these dates need %(days)s.")
                % {"type": leave_type.name, "available": balance.available, "days": count.days},
                code="insufficient_balance",
            )
        balance.pending += count.days
        balance.save(update_fields=["pending"])
    request = LeaveRequest.objects.create(
        employee=employee,
        leave_type=leave_type,
        start_date=start_date,
        end_date=end_date,
        half_day=half_day,
        working_days=count.days,
        reason=reason,
        attachment=attachment or "",
        status=Status.PENDING,
        stage=Stage.MANAGER,
    )
    LeaveDay.objects.bulk_create(
        [LeaveDay(request=request, employee=employee, date=day, days=count.day_value) for day in count.dates]
    )
    if actor.pk != employee.pk:
        audit_record(
            actor=actor,
            action="leave.request.create",
            target=request,
            summary=f"{employee.username} {leave_type.code} {start_date}–{end_date}",
        )
    _notify_on_commit(request, "submitted")
    return request


def _locked_request(request: LeaveRequest) -> LeaveRequest:
    return (
        LeaveRequest.objects.select_for_update(of=("self",))
        .select_related("employee", "leave_type", "employee__manager")
        .get(pk=request.pk)
    )


def can_decide(actor, request: LeaveRequest) -> bool:
    """Whether `actor` may approve or reject `request` at its current stage."""
    if request.status != Status.PENDING or actor.pk == request.employee_id:
        return False
    employee = request.employee
    if request.stage == Stage.HR:
        return is_hr(actor)
    if employee.manager_id == actor.pk or manages(actor, employee):
        return True
    manager = employee.manager
    return is_hr(actor) and (manager is None or not manager.is_active)


def _check_decider(actor, request: LeaveRequest) -> None:
    if request.status != Status.PENDING:
        raise Conflict(
            _("This request is already %(status)s.") % {"status": request.get_status_display()}, code="state"
        )
    if actor.pk == request.employee_id:
        raise NotAllowed(_("Nobody approves their own leave."))
    if not can_decide(actor, request):
        raise NotAllowed(
            _("This request waits for the employee's manager.")
            if request.stage == Stage.MANAGER
            else _("This request waits for HR.")
        )


@transaction.atomic
def leave_request_approve(*, request: LeaveRequest, actor: User) -> LeaveRequest:
    """The manager's approval, then HR's when the type asks for it. The final approval writes
    the usage entry; a balance that would go below zero refuses it."""
    request = _locked_request(request)
    _check_decider(actor, request)
    now = timezone.now()
    if request.stage == Stage.MANAGER and request.leave_type.requires_hr_approval and not is_hr(actor):
        request.stage = Stage.HR
        request.manager_approved_by, request.manager_approved_at = actor, now
        request.save(update_fields=["stage", "manager_approved_by", "manager_approved_at"])
        audit_record(actor=actor, action="leave.request.approve_manager", target=request, summary=str(request))
        _notify_on_commit(request, "forwarded")
        return request
    if request.stage == Stage.MANAGER:
        request.manager_approved_by, request.manager_approved_at = actor, now
    if request.leave_type.tracks_balance:
        balance = _balance_locked(employee=request.employee, leave_type=request.leave_type, year=request.year)
        if balance.balance - request.working_days < 0 or balance.pending < request.working_days:
            raise Conflict(
                _("Approving would take the %(type)s balance below zero (%(balance)s days left).")
                % {"type": request.leave_type.name, "balance": balance.balance},
                code="insufficient_balance",
            )
        _post(
            balance,
            kind=EntryKind.USAGE,
            days=-request.working_days,
            key=f"usage:{request.pk}",
            note=str(request),
            actor=actor,
            request=request,
            pending_change=-request.working_days,
        )
    request.status, request.stage = Status.APPROVED, Stage.DONE
    request.decided_by, request.decided_at = actor, now
    request.save(
        update_fields=["status", "stage", "decided_by", "decided_at", "manager_approved_by", "manager_approved_at"]
    )
    audit_record(actor=actor, action="leave.request.approve", target=request, summary=str(request))
    _notify_on_commit(request, "approved")
    return request


def _release_pending(request: LeaveRequest) -> None:
    if request.leave_type.tracks_balance:
        balance = _balance_locked(employee=request.employee, leave_type=request.leave_type, year=request.year)
        balance.pending -= request.working_days
        balance.save(update_fields=["pending"])


@transaction.atomic
def leave_request_reject(*, request: LeaveRequest, actor: User, reason: str) -> LeaveRequest:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the request is rejected.")})
    request = _locked_request(request)
    _check_decider(actor, request)
    _release_pending(request)
    request.status, request.stage = Status.REJECTED, Stage.DONE
    request.decided_by, request.decided_at = actor, timezone.now()
    request.rejection_reason = reason.strip()[:500]
    request.save(update_fields=["status", "stage", "decided_by", "decided_at", "rejection_reason"])
    audit_record(
        actor=actor, action="leave.request.reject", target=request, summary=str(request), data={"reason": reason}
    )
    _notify_on_commit(request, "rejected")
    return request


@transaction.atomic
def leave_request_cancel(*, request: LeaveRequest, actor: User, today: dt.date | None = None) -> LeaveRequest:
    """The requester (or HR) withdraws a request before it starts; an approved one gets its days
    back through a reversal entry."""
    request = _locked_request(request)
    if actor.pk != request.employee_id and not is_hr(actor):
        raise NotAllowed(_("Only the requester or HR can cancel a request."))
    if request.status not in OPEN_STATUSES:
        raise Conflict(
            _("This request is already %(status)s.") % {"status": request.get_status_display()}, code="state"
        )
    if (today or _today()) >= request.start_date:
        raise Conflict(_("This leave has already started; it can no longer be cancelled."), code="started")
    was_approved = request.status == Status.APPROVED
    if was_approved and request.leave_type.tracks_balance:
        balance = _balance_locked(employee=request.employee, leave_type=request.leave_type, year=request.year)
        _post(
            balance,
            kind=EntryKind.REVERSAL,
            days=request.working_days,
            key=f"reversal:{request.pk}",
            note=str(request),
            actor=actor,
            request=request,
        )
    elif not was_approved:
        _release_pending(request)
    request.status, request.stage = Status.CANCELLED, Stage.DONE
    request.cancelled_by, request.cancelled_at = actor, timezone.now()
    request.save(update_fields=["status", "stage", "cancelled_by", "cancelled_at"])
    if actor.pk != request.employee_id:
        audit_record(actor=actor, action="leave.request.cancel", target=request, summary=str(request))
    _notify_on_commit(request, "cancelled")
    return request


# --- Jobs -----------------------------------------------------------------------------------


def leave_accrual_run(*, as_of: dt.date | None = None) -> dict:
    """The monthly job: every active employee's balances for the year of `as_of` brought up to
    date (one transaction per employee and type, so a retry resumes where it stopped)."""
    as_of = as_of or _today()
    calendar.holidays_load_year(as_of.year)
    people = employees = entries = 0
    for employee in User.objects.filter(is_active=True).order_by("pk").iterator(chunk_size=500):
        written = leave_balances_open(employee=employee, year=as_of.year, as_of=as_of)
        people += 1
        employees += bool(written)
        entries += written
    return {"people": people, "changed": employees, "entries": entries}


def leave_daily_run(*, today: dt.date | None = None) -> dict:
    """The daily job: this year's and next year's public holidays loaded (so that the pages,
    which only read, count days off), and a balance opened for each active employee who has
    none this year (a newcomer, before the monthly accrual). A second run writes nothing."""
    today = today or _today()
    loaded = [year for year in (today.year, today.year + 1) if calendar.holidays_load_year(year)]
    with_balance = LeaveBalance.objects.filter(year=today.year).values("employee_id")
    opened = 0
    newcomers = User.objects.filter(is_active=True).exclude(pk__in=with_balance).order_by("pk")
    for employee in newcomers.iterator(chunk_size=500):
        opened += bool(leave_balances_open(employee=employee, year=today.year, as_of=today))
    return {"holiday_years": loaded, "opened": opened}


def leave_year_end_run(*, year: int) -> dict:
    """The year-end job for `year`: carry-over and expiry on every balance with days left."""
    open_balances = (
        LeaveBalance.objects.filter(year=year, leave_type__tracks_balance=True)
        .select_related("employee", "leave_type")
        .order_by("pk")
    )
    closed = entries = 0
    for balance in open_balances.iterator(chunk_size=500):
        if balance.available <= 0:
            continue
        written = leave_year_end_close(employee=balance.employee, leave_type=balance.leave_type, year=year)
        closed += bool(written)
        entries += written
    return {"closed": closed, "entries": entries}


def leave_collective_sync_run(*, year: int) -> int:
    """After HR changes the calendar or a policy: collective leave re-counted on every annual
    balance of the year under a policy where it reduces annual leave, and given back where it no
    longer does."""
    written = 0
    balances = (
        LeaveBalance.objects.filter(year=year, leave_type__code=defaults.ANNUAL)
        .filter(Q(leave_type__policy__collective_leave_reduces_annual=True) | Q(entries__kind=EntryKind.COLLECTIVE))
        .values_list("pk", flat=True)
        .distinct()
    )
    for pk in list(balances):
        with transaction.atomic():
            balance = (
                LeaveBalance.objects.select_for_update().select_related("employee", "leave_type__policy").get(pk=pk)
            )
            written += _collective_sync(balance)
    return written


# --- Notifications --------------------------------------------------------------------------


def _notify_on_commit(request: LeaveRequest, event: str) -> None:
    enqueue_on_commit("tasks.leave.leave_request_notify_task", request.pk, event)


def leave_request_notify(*, request_id: int, event: str) -> int:
    """Sends the e-mails about one event of a request, each recipient once (a retried job skips
    who already got it). Returns how many were sent."""
    from leave.models import LeaveNotification
    from leave.notifications import message_for, recipients_for

    request = (
        LeaveRequest.objects.select_related("employee", "employee__manager", "leave_type").filter(pk=request_id).first()
    )
    if request is None:
        return 0
    sent = 0
    for recipient in recipients_for(request, event):
        with transaction.atomic():
            _record, created = LeaveNotification.objects.get_or_create(
                request=request, event=event, recipient=recipient
            )
            if not created:
                continue
            message_for(request, event, recipient).send()
            sent += 1
    return sent
