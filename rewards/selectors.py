"""Reads about recognitions, points, budgets and bonuses. Totals are computed in SQL."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.money import MONEY_MAX_DIGITS
from core.periods import Period
from core.subqueries import ids_for_in
from employees.models import User
from employees.permissions import is_hr
from rewards import thr
from rewards.models import (
    COMMITTED_STATUSES,
    Bonus,
    BonusBudget,
    BonusStatus,
    BonusTransition,
    PointsEntry,
    Recognition,
    Redemption,
    Reward,
)

DEFAULT_MONTHLY_ALLOWANCE = 100
_MONEY = DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=2)


def monthly_allowance() -> int:
    """Points each person may give away in a calendar month (setting
    `PRIMA_RECOGNITION_MONTHLY_POINTS`, default 100)."""
    return int(getattr(settings, "PRIMA_RECOGNITION_MONTHLY_POINTS", DEFAULT_MONTHLY_ALLOWANCE))


# --- Recognitions and points.


def recognition_list() -> QuerySet[Recognition]:
    """Recognitions are meant to be seen: everyone signed in reads the wall."""
    return Recognition.objects.select_related("giver", "recipient", "department")


def recognition_leaderboard(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None, limit: int = 10
) -> list[dict]:
    """The most recognised people in the months given: `[{recipient_id, first_name, last_name,
    username, department_id, count, points}]`, one GROUP BY."""
    rows = Recognition.objects.filter(period__gte=period_from, period__lte=period_to)
    if department_ids is not None:
        rows = rows.filter(department_id__in=ids_for_in(department_ids))
    return list(
        rows.values(
            "recipient_id",
            "recipient__first_name",
            "recipient__last_name",
            "recipient__username",
            "recipient__department__name",
        )
        .annotate(count=Count("id"), points=Coalesce(Sum("points"), 0))
        .order_by("-count", "-points", "recipient__first_name", "recipient_id")[:limit]
    )


def recognition_count_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """`[{department_id, period, count}]`: recognitions by the recipient's department and the
    month they were given (for the correlation engine)."""
    rows = Recognition.objects.filter(period__gte=period_from, period__lte=period_to, department__isnull=False)
    if department_ids is not None:
        rows = rows.filter(department_id__in=ids_for_in(department_ids))
    return list(rows.values("department_id", "period").annotate(count=Count("id")).order_by("department_id", "period"))


def allowance_used(*, giver: User, period: dt.date) -> int:
    """Points `giver` has given away in the month starting `period`."""
    used = Recognition.objects.filter(giver=giver, period=period).aggregate(total=Sum("points"))["total"]
    return used or 0


def points_balance(*, employee: User) -> int:
    """The sum of the person's points ledger."""
    return PointsEntry.objects.filter(employee=employee).aggregate(total=Sum("points"))["total"] or 0


@dataclass(frozen=True)
class PointsSummary:
    balance: int
    allowance: int
    allowance_used: int

    @property
    def allowance_remaining(self) -> int:
        return max(self.allowance - self.allowance_used, 0)


def points_summary(*, employee: User, today: dt.date) -> PointsSummary:
    return PointsSummary(
        balance=points_balance(employee=employee),
        allowance=monthly_allowance(),
        allowance_used=allowance_used(giver=employee, period=Period.of(today).first_day),
    )


def points_ledger(*, employee: User) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(employee=employee).select_related("recognition__giver", "redemption__reward")


def reward_list(*, viewer) -> QuerySet[Reward]:
    """HR sees the whole catalogue; others what can be redeemed now."""
    rewards = Reward.objects.all()
    return rewards if is_hr(viewer) else rewards.filter(is_active=True)


def redemption_list(*, viewer) -> QuerySet[Redemption]:
    redemptions = Redemption.objects.select_related("employee", "reward")
    if is_hr(viewer):
        return redemptions
    if not getattr(viewer, "is_authenticated", False):
        return redemptions.none()
    return redemptions.filter(employee=viewer)


# --- Budgets and bonuses.


def _year_range(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 1)


def budget_committed(*, department_id: int, year: int) -> Decimal:
    """Approved and paid bonuses charged to a department's budget for a year."""
    first, last = _year_range(year)
    total = Bonus.objects.filter(
        department_id=department_id, period__gte=first, period__lte=last, status__in=COMMITTED_STATUSES
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def budget_list() -> QuerySet[BonusBudget]:
    """Budgets with `committed` (approved and paid bonuses of that department and year) and
    `remaining`, both computed by the database in the same query."""
    committed = (
        Bonus.objects.filter(
            department_id=OuterRef("department_id"), period__year=OuterRef("year"), status__in=COMMITTED_STATUSES
        )
        .order_by()
        .values("department_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    pending = (
        Bonus.objects.filter(
            department_id=OuterRef("department_id"), period__year=OuterRef("year"), status=BonusStatus.SUBMITTED
        )
        .order_by()
        .values("department_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    zero = Value(Decimal("0.00"), output_field=_MONEY)
    return (
        BonusBudget.objects.select_related("department")
        .annotate(
            committed=Coalesce(Subquery(committed, output_field=_MONEY), zero, output_field=_MONEY),
            pending=Coalesce(Subquery(pending, output_field=_MONEY), zero, output_field=_MONEY),
        )
        .order_by("-year", "department__name")
    )


def bonus_visibility_filter(viewer) -> Q:
    """Who reads which bonus (and so its amount). HR: all. Everyone else: their own bonuses
    once proposed (not a proposer's draft), and the bonuses they themselves created. A
    manager therefore sees the proposals they made for their team, but not bonuses that HR
    gives the team directly: an amount belongs to HR and the person paid."""
    if is_hr(viewer):
        return Q()
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    return (Q(employee_id=viewer.pk) & ~Q(status=BonusStatus.DRAFT)) | Q(created_by_id=viewer.pk)


def bonus_list(*, viewer) -> QuerySet[Bonus]:
    return (
        Bonus.objects.filter(bonus_visibility_filter(viewer))
        .select_related("employee", "department", "created_by", "decided_by")
        .prefetch_related(Prefetch("transitions", queryset=BonusTransition.objects.select_related("actor")))
    )


def approval_queue(*, viewer) -> QuerySet[Bonus]:
    """Submitted bonuses, oldest first (HR only)."""
    if not is_hr(viewer):
        return Bonus.objects.none()
    return (
        Bonus.objects.filter(status=BonusStatus.SUBMITTED)
        .select_related("employee", "department", "created_by")
        .order_by("created_at", "id")
    )


def bonuses_to_decide(*, viewer) -> QuerySet[Bonus]:
    """Submitted bonuses `viewer` may approve or reject: never one they proposed or receive."""
    return approval_queue(viewer=viewer).exclude(created_by=viewer).exclude(employee=viewer)


def bonus_amount_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """`[{department_id, period, amount}]`: approved and paid bonuses by the department they
    were charged to and their bonus period (Decimal IDR)."""
    rows = Bonus.objects.filter(period__gte=period_from, period__lte=period_to, status__in=COMMITTED_STATUSES)
    if department_ids is not None:
        rows = rows.filter(department_id__in=ids_for_in(department_ids))
    return list(
        rows.values("department_id", "period")
        .annotate(amount=Sum("amount", output_field=_MONEY))
        .order_by("department_id", "period")
    )


def bonus_export_rows(*, status: Iterable[str], period: dt.date | None = None, department_ids=None) -> QuerySet[Bonus]:
    """Bonuses for the payroll file, in a stable order."""
    rows = Bonus.objects.filter(status__in=list(status)).select_related("employee", "department", "decided_by")
    if period is not None:
        rows = rows.filter(period=period)
    if department_ids is not None:
        rows = rows.filter(department_id__in=ids_for_in(department_ids))
    return rows.order_by("period", "department__code", "employee__employee_number", "id")


# --- THR.


@dataclass(frozen=True)
class ThrLine:
    employee: User
    months_of_service: int
    amount: Decimal

    @property
    def eligible(self) -> bool:
        return self.amount > 0


def thr_preview(*, holiday_date: dt.date, department_ids: Iterable[int] | None = None) -> list[ThrLine]:
    """What THR every active employee with a hire date and a wage is owed on `holiday_date`
    (Permenaker 6/2016; see `rewards.thr`), including those owed nothing. One query."""
    people = User.objects.filter(
        is_active=True, hire_date__isnull=False, monthly_wage__isnull=False, department__isnull=False
    ).select_related("department")
    if department_ids is not None:
        people = people.filter(department_id__in=ids_for_in(department_ids))
    lines = []
    for person in people.order_by("department__name", "last_name", "first_name", "id"):
        months = thr.months_of_service(hire_date=person.hire_date, holiday_date=holiday_date)
        lines.append(ThrLine(person, months, thr.thr_amount(monthly_wage=person.monthly_wage, months=months)))
    return lines
