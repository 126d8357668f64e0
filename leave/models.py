"""Leave: policies and their types, the holiday calendar, ledger balances, requests.

A balance is the sum of its ledger entries. `LeaveBalance` is one row per employee, leave type
and year: the row every write locks, and a cache of the ledger's totals that the database checks
(never below zero, available never below zero). Entries are only ever inserted; PostgreSQL
refuses UPDATE and DELETE on them.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.template.defaultfilters import floatformat
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from leave import defaults

DAYS = {"max_digits": 7, "decimal_places": 2}
ZERO = Decimal("0")


class Regime(models.TextChoices):
    PRIVATE = defaults.PRIVATE, _("Private sector (UU 13/2003)")
    CIVIL_SERVICE = defaults.CIVIL_SERVICE, _("Civil service (PP 11/2017)")


class LeavePolicy(models.Model):
    """A set of leave types and a work week. One policy is the organisation's default; an
    employee may be assigned another (`EmployeeLeavePolicy`)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    regime = models.CharField(_("regime"), max_length=16, choices=Regime.choices)
    work_week = models.CharField(
        _("work week"),
        max_length=7,
        default="12345",
        validators=[
            RegexValidator(r"^(?!.*(.).*\1)[1-7]{1,7}$", _("Use the digits 1 (Monday) to 7 (Sunday) once each."))
        ],
        help_text=_("Working weekdays as digits, 1 = Monday … 7 = Sunday; 12345 is Monday to Friday."),
    )
    collective_leave_reduces_annual = models.BooleanField(
        _("collective leave reduces annual leave"),
        default=True,
        help_text=_("Cuti bersama is taken from annual leave (private sector), or not (civil service)."),
    )
    is_default = models.BooleanField(_("organisation default"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("leave policy")
        verbose_name_plural = _("leave policies")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="leave_one_default_policy"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def workdays(self) -> frozenset[int]:
        """ISO weekdays (1 = Monday) that are working days."""
        return frozenset(int(digit) for digit in self.work_week)

    @property
    def work_week_display(self) -> str:
        """The working weekdays by name in the reader's language: "Monday–Friday" for a run of
        days, else a list ("Monday, Wednesday, Friday")."""
        days = sorted(self.workdays)
        names = [str(WEEKDAYS[day - 1]) for day in days]
        if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
            return f"{names[0]}–{names[-1]}"
        return ", ".join(names)


class EmployeeLeavePolicy(models.Model):
    """An employee whose leave follows another policy than the organisation's default."""

    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="leave_policy"
    )
    policy = models.ForeignKey(LeavePolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("employee leave policy")
        verbose_name_plural = _("employee leave policies")

    def __str__(self) -> str:
        return f"{self.employee} → {self.policy}"


class DayUnit(models.TextChoices):
    WORKING = defaults.WORKING, _("working days")
    CALENDAR = defaults.CALENDAR, _("calendar days")


class Accrual(models.TextChoices):
    YEARLY = defaults.YEARLY, _("yearly, up front")
    MONTHLY = defaults.MONTHLY, _("monthly, pro rata from the hire date")


class EligibleSex(models.TextChoices):
    ANY = "", _("anyone")
    FEMALE = defaults.FEMALE, _("women")
    MALE = defaults.MALE, _("men")


class LeaveType(models.Model):
    policy = models.ForeignKey(LeavePolicy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="types")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    legal_basis = models.CharField(_("legal basis"), max_length=160, blank=True)
    paid = models.BooleanField(_("paid"), default=True)
    day_unit = models.CharField(_("counted in"), max_length=8, choices=DayUnit.choices, default=DayUnit.WORKING)
    tracks_balance = models.BooleanField(
        _("limited by a balance"),
        default=False,
        help_text=_("Requests draw on a yearly balance (annual leave); other types are limited per request."),
    )
    annual_days = models.DecimalField(
        _("yearly entitlement (days)"), default=ZERO, validators=[MinValueValidator(ZERO)], **DAYS
    )
    eligible_after_months = models.PositiveSmallIntegerField(_("eligible after (months of service)"), default=0)
    accrual = models.CharField(_("accrual"), max_length=8, choices=Accrual.choices, default=Accrual.YEARLY)
    carry_over_max_days = models.DecimalField(
        _("carry-over cap (days)"), default=ZERO, validators=[MinValueValidator(ZERO)], **DAYS
    )
    carry_over_valid_months = models.PositiveSmallIntegerField(
        _("carried-over days valid for (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("Days carried into a year expire at the end of this month of that year."),
    )
    half_day_allowed = models.BooleanField(_("half days allowed"), default=False)
    attachment_after_days = models.PositiveSmallIntegerField(
        _("attachment required beyond (days)"),
        null=True,
        blank=True,
        help_text=_("0: always; empty: never. A doctor's note for sick leave, for example."),
    )
    requires_hr_approval = models.BooleanField(_("HR approves after the manager"), default=False)
    max_consecutive_days = models.PositiveSmallIntegerField(_("maximum days per request"), null=True, blank=True)
    max_occurrences = models.PositiveSmallIntegerField(
        _("maximum requests in a career"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    eligible_sex = models.CharField(
        _("for"), max_length=8, choices=EligibleSex.choices, default=EligibleSex.ANY, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=50)

    class Meta:
        ordering = ["policy", "order", "name"]
        verbose_name = _("leave type")
        verbose_name_plural = _("leave types")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="leave_type_code_unique_in_policy"),
            models.CheckConstraint(condition=Q(annual_days__gte=0), name="leave_type_annual_days_not_negative"),
            models.CheckConstraint(condition=Q(carry_over_max_days__gte=0), name="leave_type_carry_over_not_negative"),
            models.CheckConstraint(
                condition=Q(carry_over_valid_months__gte=1, carry_over_valid_months__lte=12),
                name="leave_type_carry_over_months_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def needs_attachment(self, days: Decimal) -> bool:
        return self.attachment_after_days is not None and days > self.attachment_after_days


class HolidaySource(models.TextChoices):
    PACKAGE = "package", _("public holiday list")
    DECREE = "decree", _("joint decree (SKB)")
    HR = "hr", _("HR")


class Holiday(models.Model):
    """A day off for everyone (a public holiday or cuti bersama), or, with `is_day_off` off, a
    listed holiday that HR has turned back into a working day. A year's public holidays are
    copied from the `holidays` package once (`HolidayYear`); from then on HR owns the rows."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    is_collective_leave = models.BooleanField(_("collective leave (cuti bersama)"), default=False)
    is_day_off = models.BooleanField(_("day off"), default=True)
    source = models.CharField(_("source"), max_length=8, choices=HolidaySource.choices, default=HolidaySource.HR)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class HolidayYear(models.Model):
    """A year whose public holidays and collective-leave days have been loaded."""

    year = models.PositiveSmallIntegerField(unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("holiday year")
        verbose_name_plural = _("holiday years")

    def __str__(self) -> str:
        return str(self.year)


class LeaveBalance(models.Model):
    """One employee's balance of one balance-limited type in one year. The totals are the
    ledger's sums, updated in the same transaction as each entry while the row is locked:

    - `entitled`: allocations, accruals, carry-overs, expiries and adjustments;
    - `used`: approved leave and collective leave (usage minus reversals);
    - `pending`: days of requests waiting for approval (not yet in the ledger).

    balance = entitled − used = the ledger's sum; available = balance − pending."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="leave_balances"
    )
    leave_type = models.ForeignKey(LeaveType, verbose_name=_("leave type"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    entitled = models.DecimalField(_("entitled"), default=ZERO, **DAYS)
    used = models.DecimalField(_("used"), default=ZERO, **DAYS)
    pending = models.DecimalField(_("pending"), default=ZERO, **DAYS)

    class Meta:
        ordering = ["year", "leave_type__order"]
        verbose_name = _("leave balance")
        verbose_name_plural = _("leave balances")
        constraints = [
            models.UniqueConstraint(fields=["employee", "leave_type", "year"], name="leave_balance_unique"),
            models.CheckConstraint(condition=Q(pending__gte=0), name="leave_balance_pending_not_negative"),
            models.CheckConstraint(condition=Q(entitled__gte=F("used")), name="leave_balance_not_negative"),
            models.CheckConstraint(
                condition=Q(entitled__gte=F("used") + F("pending")), name="leave_balance_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.leave_type.code} {self.year}: {self.balance}"

    @property
    def balance(self) -> Decimal:
        return self.entitled - self.used

    @property
    def available(self) -> Decimal:
        return self.entitled - self.used - self.pending


class EntryKind(models.TextChoices):
    ALLOCATION = "allocation", _("allocation")
    ACCRUAL = "accrual", _("accrual")
    USAGE = "usage", _("leave taken")
    REVERSAL = "reversal", _("reversal")
    CARRY_OVER = "carry_over", _("carry-over")
    EXPIRY = "expiry", _("expiry")
    COLLECTIVE = "collective", _("collective leave")
    ADJUSTMENT = "adjustment", _("adjustment")


# Kinds that count as `used` on the balance; the others count as `entitled`.
USED_KINDS = frozenset({EntryKind.USAGE, EntryKind.REVERSAL, EntryKind.COLLECTIVE})


class LeaveLedgerEntry(models.Model):
    """One movement of a balance, in days (positive adds, negative takes). `key` makes the
    entries of jobs and approvals unique per balance, so that running them twice writes once."""

    balance = models.ForeignKey(
        LeaveBalance, verbose_name=_("balance"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    days = models.DecimalField(_("days"), **DAYS)
    key = models.CharField(_("key"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    request = models.ForeignKey(
        "LeaveRequest", verbose_name=_("request"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["balance", "key"], condition=~Q(key=""), name="leave_entry_key_unique"),
            models.CheckConstraint(condition=~Q(days=0), name="leave_entry_not_zero"),
            models.CheckConstraint(
                condition=~Q(kind__in=["allocation", "accrual", "reversal"]) | Q(days__gt=0),
                name="leave_entry_credit_positive",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["usage", "expiry"]) | Q(days__lt=0), name="leave_entry_debit_negative"
            ),
            models.CheckConstraint(condition=~Q(kind="adjustment") | ~Q(note=""), name="leave_adjustment_has_reason"),
            models.CheckConstraint(
                condition=~Q(kind__in=["usage", "reversal"]) | Q(request__isnull=False),
                name="leave_usage_has_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.days:+}"


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    CANCELLED = "cancelled", _("cancelled")


class Stage(models.TextChoices):
    MANAGER = "manager", _("waiting for the manager")
    HR = "hr", _("waiting for HR")
    DONE = "done", _("decided")


OPEN_STATUSES = (Status.PENDING, Status.APPROVED)


def _attachment_path(instance, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"leave/attachments/{uuid.uuid4().hex}.{suffix}"


class LeaveRequest(models.Model):
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="leave_requests"
    )
    leave_type = models.ForeignKey(LeaveType, verbose_name=_("leave type"), on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"))
    half_day = models.BooleanField(_("half day"), default=False)
    working_days = models.DecimalField(_("days"), **DAYS)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, blank=True, max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.MANAGER)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    manager_approved_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=500, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("leave request")
        verbose_name_plural = _("leave requests")
        indexes = [models.Index(fields=["employee", "start_date"]), models.Index(fields=["status", "stage"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="leave_request_ends_after_start"),
            models.CheckConstraint(condition=Q(working_days__gt=0), name="leave_request_has_days"),
            models.CheckConstraint(
                condition=Q(half_day=False) | Q(start_date=F("end_date")), name="leave_request_half_day_is_one_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="leave_request_rejection_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", stage__in=["manager", "hr"]) | (~Q(status="pending") & Q(stage="done")),
                name="leave_request_stage_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee} {self.leave_type.code} {self.start_date}–{self.end_date}"

    @property
    def year(self) -> int:
        return self.start_date.year

    @property
    def length_label(self) -> str:
        """ "1 working day", "2.5 working days", in the reader's language and number format."""
        days = self.working_days
        count = int(days) if days == days.to_integral_value() else 2  # a half day reads as plural
        number = floatformat(days, -1)
        if self.leave_type.day_unit == DayUnit.CALENDAR:
            return ngettext("%(days)s calendar day", "%(days)s calendar days", count) % {"days": number}
        return ngettext("%(days)s working day", "%(days)s working days", count) % {"days": number}


class LeaveDay(models.Model):
    """One day a request counts (1, or 0.5 for a half day): what the team calendar and the
    days-taken series read, grouped in SQL."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="days")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    days = models.DecimalField(max_digits=3, decimal_places=1)

    class Meta:
        verbose_name = _("leave day")
        verbose_name_plural = _("leave days")
        indexes = [models.Index(fields=["date"]), models.Index(fields=["employee", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["request", "date"], name="leave_day_unique"),
            models.CheckConstraint(condition=Q(days__gt=0, days__lte=1), name="leave_day_between_half_and_one"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.days}"


class LeaveNotification(models.Model):
    """An e-mail sent about a request, so that a retried job does not send it twice."""

    request = models.ForeignKey(LeaveRequest, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "event", "recipient"], name="leave_notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}"
