"""Rewards and bonuses: data and invariants.

Times default to now rather than being forced to it (`auto_now_add`), so that the demo can
lay out a year of history; the services never set them.

- Recognitions: one colleague thanks another for a service-quality dimension, optionally with
  points from the giver's monthly allowance.
- Points: a ledger (`PointsEntry`); a person's balance is the sum of their entries. Writes that
  could overdraw lock the person's `PointsAccount` row first.
- Rewards: HR's catalogue of what points buy; a `Redemption` spends points.
- Bonuses: money, in IDR, against a department's yearly `BonusBudget`, through an approval
  workflow whose every step is a `BonusTransition` (append-only).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dimensions import ServiceDimension
from core.money import MoneyField
from core.periods import PeriodField


class RecognitionReason(models.TextChoices):
    """What a recognition is for: the six service-quality dimensions, teamwork, improvement."""

    TIMELINESS = ServiceDimension.TIMELINESS.value, ServiceDimension.TIMELINESS.label
    ACCURACY = ServiceDimension.ACCURACY.value, ServiceDimension.ACCURACY.label
    RESPONSIBILITY = ServiceDimension.RESPONSIBILITY.value, ServiceDimension.RESPONSIBILITY.label
    COURTESY = ServiceDimension.COURTESY.value, ServiceDimension.COURTESY.label
    ACCESSIBILITY = ServiceDimension.ACCESSIBILITY.value, ServiceDimension.ACCESSIBILITY.label
    COMFORT = ServiceDimension.COMFORT.value, ServiceDimension.COMFORT.label
    TEAMWORK = "teamwork", _("teamwork")
    IMPROVEMENT = "continuous_improvement", _("continuous improvement")


class Recognition(models.Model):
    """A thank-you, shown on the recognition wall. `department` and `period` are the
    recipient's department and the month at the time it was given, kept so that counts per
    unit and month stay true after people move."""

    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT, related_name="recognitions_given"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT, related_name="recognitions_received"
    )
    department = models.ForeignKey(
        "employees.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dimension = models.CharField(_("for"), max_length=32, choices=RecognitionReason.choices)
    message = models.TextField(_("message"), max_length=1000)
    points = models.PositiveIntegerField(_("points"), default=0)
    period = PeriodField(_("month"), db_index=True)
    created_at = models.DateTimeField(_("given at"), default=timezone.now, editable=False, db_index=True)
    notified_at = models.DateTimeField(_("recipient notified at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.CheckConstraint(condition=~Q(giver=F("recipient")), name="recognition_not_to_self"),
            models.CheckConstraint(
                condition=Q(dimension__in=RecognitionReason.values), name="recognition_reason_valid"
            ),
        ]
        indexes = [models.Index(fields=["department", "period"]), models.Index(fields=["giver", "period"])]

    def __str__(self) -> str:
        return f"{self.giver} → {self.recipient}: {self.get_dimension_display()}"


class PointsAccount(models.Model):
    """One row per person, locked (SELECT … FOR UPDATE) by every write that spends points or
    allowance, so that two requests at once cannot both pass the balance check."""

    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="points_account"
    )

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")

    def __str__(self) -> str:
        return str(self.employee)


class PointsEntryKind(models.TextChoices):
    RECOGNITION = "recognition", _("recognition received")
    REDEMPTION = "redemption", _("redemption")
    ADJUSTMENT = "adjustment", _("adjustment")


class PointsEntry(models.Model):
    """A line of the points ledger: positive when earned, negative when spent."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="points_entries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=PointsEntryKind.choices)
    points = models.IntegerField(_("points"))
    recognition = models.OneToOneField(
        Recognition, null=True, blank=True, on_delete=models.PROTECT, related_name="points_entry"
    )
    redemption = models.OneToOneField(
        "Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="points_entry"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        constraints = [models.CheckConstraint(condition=~Q(points=0), name="points_entry_not_zero")]

    def __str__(self) -> str:
        return f"{self.employee}: {self.points:+d}"


class RewardKind(models.TextChoices):
    VOUCHER = "voucher", _("voucher")
    DAY_OFF = "day_off", _("extra day off")


class Reward(models.Model):
    """An item of HR's catalogue. An extra day off adds `leave_days` of annual leave."""

    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=RewardKind.choices)
    points_cost = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1)])
    leave_days = models.DecimalField(
        _("days of leave"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["points_cost", "name"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(condition=Q(points_cost__gte=1), name="reward_costs_points"),
            models.CheckConstraint(
                condition=~Q(kind=RewardKind.DAY_OFF) | Q(leave_days__gt=0), name="reward_day_off_has_days"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """Points spent on a reward. A day off is granted at once (a leave allocation); a voucher
    is handed over by HR, who then marks it fulfilled."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="redemptions"
    )
    reward = models.ForeignKey(Reward, verbose_name=_("reward"), on_delete=models.PROTECT, related_name="redemptions")
    points = models.PositiveIntegerField(_("points"))
    created_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")

    def __str__(self) -> str:
        return f"{self.employee}: {self.reward}"


class BonusBudget(models.Model):
    """What a department may spend on bonuses in a year. Approving a bonus locks this row."""

    department = models.ForeignKey(
        "employees.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="bonus_budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    amount = MoneyField(_("amount (IDR)"), validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["-year", "department__name"]
        verbose_name = _("bonus budget")
        verbose_name_plural = _("bonus budgets")
        constraints = [
            models.UniqueConstraint(fields=["department", "year"], name="bonus_budget_one_per_department_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="bonus_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.year}"


class BonusKind(models.TextChoices):
    PERFORMANCE = "performance", _("performance")
    SPOT = "spot", _("spot")
    THR = "thr", _("THR (religious-holiday allowance)")
    RETENTION = "retention", _("retention")


class BonusStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    PAID = "paid", _("paid")


# The workflow: draft → submitted → approved | rejected; approved → paid.
BONUS_TRANSITIONS: dict[str, frozenset[str]] = {
    BonusStatus.DRAFT: frozenset({BonusStatus.SUBMITTED}),
    BonusStatus.SUBMITTED: frozenset({BonusStatus.APPROVED, BonusStatus.REJECTED}),
    BonusStatus.APPROVED: frozenset({BonusStatus.PAID}),
    BonusStatus.REJECTED: frozenset(),
    BonusStatus.PAID: frozenset(),
}
# Bonuses that use up budget.
COMMITTED_STATUSES = (BonusStatus.APPROVED, BonusStatus.PAID)


class Bonus(models.Model):
    """Money for one person. `department` is the person's department when the bonus was
    created: the budget it is charged to."""

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="bonuses"
    )
    department = models.ForeignKey(
        "employees.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="bonuses"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BonusKind.choices)
    amount = MoneyField(_("amount (IDR)"))
    period = PeriodField(_("period"), db_index=True)
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=BonusStatus.choices, default=BonusStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "-id"]
        verbose_name = _("bonus")
        verbose_name_plural = _("bonuses")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bonus_amount_positive"),
            models.CheckConstraint(condition=Q(status__in=BonusStatus.values), name="bonus_status_valid"),
            models.CheckConstraint(condition=Q(kind__in=BonusKind.values), name="bonus_kind_valid"),
            # Separation of duties, enforced by the database too: no one decides on a bonus they created.
            models.CheckConstraint(condition=~Q(decided_by=F("created_by")), name="bonus_decider_is_not_creator"),
            models.CheckConstraint(condition=~Q(decided_by=F("employee")), name="bonus_decider_is_not_employee"),
            models.CheckConstraint(condition=~Q(created_by=F("employee")), name="bonus_creator_is_not_employee"),
            # One THR per person and month (a rejected one may be proposed again).
            models.UniqueConstraint(
                fields=["employee", "period"],
                condition=Q(kind="thr") & ~Q(status="rejected"),
                name="bonus_one_thr_per_person_and_period",
            ),
        ]
        indexes = [models.Index(fields=["department", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.employee} {self.get_kind_display()} {self.period:%Y-%m}"

    @property
    def last_transition(self) -> "BonusTransition | None":
        """The latest step; a query unless the transitions were prefetched."""
        steps = list(self.transitions.all())
        return steps[-1] if steps else None


class BonusTransition(models.Model):
    """One step of a bonus's workflow. Only ever inserted (on PostgreSQL a trigger refuses
    UPDATE and DELETE); `from_status` is empty for the creation."""

    bonus = models.ForeignKey(Bonus, verbose_name=_("bonus"), on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(_("from"), max_length=16, choices=BonusStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=BonusStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, editable=False)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("bonus transition")
        verbose_name_plural = _("bonus transitions")

    def __str__(self) -> str:
        return f"{self.bonus_id}: {self.from_status or '∅'} → {self.to_status}"
