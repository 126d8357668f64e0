"""Reads about leave: policies, balances, requests, the team calendar, series for reports."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from core.columns import fetch, month_numbers
from core.periods import add_months, whole_months_between
from core.subqueries import ids_for_in
from employees.models import User
from employees.permissions import is_hr, managed_department_ids
from leave.models import (
    OPEN_STATUSES,
    ZERO,
    EmployeeLeavePolicy,
    LeaveBalance,
    LeaveDay,
    LeaveLedgerEntry,
    LeavePolicy,
    LeaveRequest,
    LeaveType,
    Stage,
    Status,
)


def default_policy() -> LeavePolicy | None:
    """The organisation's default policy (the migrations install the shipped ones; None only on
    a database emptied since, until a service installs them again)."""
    return LeavePolicy.objects.order_by("-is_default", "pk").first()


def policy_for(employee) -> LeavePolicy | None:
    """The employee's own policy if HR assigned one, else the organisation's default."""
    assignment = EmployeeLeavePolicy.objects.filter(employee_id=employee.pk).select_related("policy").first()
    return assignment.policy if assignment else default_policy()


def leave_types_for(employee) -> QuerySet[LeaveType]:
    return LeaveType.objects.filter(policy=policy_for(employee), is_active=True).order_by("order", "name")


def leave_type_by_code(*, employee, code: str) -> LeaveType | None:
    """A type of the employee's policy by its code (`annual` is cuti tahunan)."""
    return LeaveType.objects.filter(policy=policy_for(employee), code=code).first()


def months_of_service(employee, on: dt.date) -> int:
    """Whole months from the hire date to `on` (an unknown hire date counts as long service)."""
    hired = employee.hire_date
    if hired is None:
        return 10_000
    return whole_months_between(hired, on)


def eligible_from(employee, leave_type: LeaveType) -> dt.date | None:
    """The date the employee becomes eligible for the type (None: always was)."""
    if employee.hire_date is None:
        return None
    return add_months(employee.hire_date, leave_type.eligible_after_months)


def balances_for(*, employee, year: int) -> list[dict]:
    """One row per active type of the employee's policy: `entitled, used, pending, available`.
    Balance-limited types read their balance row (the ledger's cached sums); other types show
    the days used in approved requests and no entitlement. Three queries."""
    types = list(leave_types_for(employee))
    rows = {
        row.leave_type_id: row
        for row in LeaveBalance.objects.filter(employee_id=employee.pk, year=year, leave_type__in=types)
    }
    taken: dict[tuple[int, str], Decimal] = {}
    taken_rows = (
        LeaveRequest.objects.filter(
            employee_id=employee.pk, start_date__year=year, status__in=OPEN_STATUSES, leave_type__in=types
        )
        .values_list("leave_type_id", "status")
        .annotate(days=Sum("working_days"))
        .order_by()
    )
    for type_id, status, days in taken_rows:
        taken[(type_id, status)] = days
    result = []
    for leave_type in types:
        if leave_type.tracks_balance:
            row = rows.get(leave_type.pk)
            entitled, used, pending = (row.entitled, row.used, row.pending) if row else (ZERO, ZERO, ZERO)
            available = entitled - used - pending
        else:
            entitled, available = None, None
            used = taken.get((leave_type.pk, Status.APPROVED), ZERO)
            pending = taken.get((leave_type.pk, Status.PENDING), ZERO)
        result.append(
            {
                "leave_type": leave_type.pk,
                "code": leave_type.code,
                "name": leave_type.name,
                "tracks_balance": leave_type.tracks_balance,
                "entitled": entitled,
                "used": used,
                "pending": pending,
                "available": available,
            }
        )
    return result


def ledger_for(*, employee, year: int | None = None) -> QuerySet[LeaveLedgerEntry]:
    entries = LeaveLedgerEntry.objects.filter(balance__employee_id=employee.pk)
    if year is not None:
        entries = entries.filter(balance__year=year)
    return entries.select_related("balance__leave_type", "created_by", "request").order_by("-created_at", "-id")


def ledger_mismatches() -> list[dict]:
    """Balances whose cached totals differ from their ledger's sums (should be none)."""
    sums = {
        row["balance_id"]: row["total"]
        for row in LeaveLedgerEntry.objects.values("balance_id").annotate(total=Sum("days")).order_by()
    }
    problems = []
    for balance in LeaveBalance.objects.all().only("id", "entitled", "used"):
        total = sums.get(balance.pk, ZERO)
        if total != balance.entitled - balance.used:
            problems.append({"balance": balance.pk, "cached": balance.entitled - balance.used, "ledger": total})
    return problems


def _approver_filter(user) -> Q:
    """Requests `user` decides at their current stage (never their own)."""
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    at_manager = Q(employee__manager_id=user.pk)
    departments = managed_department_ids(user)
    if departments:
        at_manager |= Q(employee__department_id__in=departments)
    if is_hr(user):
        at_manager |= Q(employee__manager__isnull=True) | Q(employee__manager__is_active=False)
    waiting = Q(stage=Stage.MANAGER) & at_manager
    if is_hr(user):
        waiting |= Q(stage=Stage.HR)
    return Q(status=Status.PENDING) & waiting & ~Q(employee_id=user.pk)


def requests_visible_to(user) -> QuerySet[LeaveRequest]:
    """HR: every request; others: their own and those of the people they approve for."""
    requests = LeaveRequest.objects.select_related("employee", "leave_type", "employee__department")
    if is_hr(user):
        return requests
    scope = Q(employee_id=user.pk) | Q(employee__manager_id=user.pk)
    departments = managed_department_ids(user)
    if departments:
        scope |= Q(employee__department_id__in=departments)
    return requests.filter(scope)


def approvals_waiting_for(user) -> QuerySet[LeaveRequest]:
    return (
        LeaveRequest.objects.filter(_approver_filter(user))
        .select_related("employee", "employee__department", "leave_type")
        .order_by("start_date", "id")
    )


def team_for(viewer) -> QuerySet[User]:
    """Whose absences the viewer sees on the team calendar: HR everyone; a manager their scope
    and direct reports; anyone else their own department."""
    people = User.objects.filter(is_active=True)
    if is_hr(viewer):
        return people
    scope = Q(pk=viewer.pk) | Q(manager_id=viewer.pk)
    departments = managed_department_ids(viewer)
    if departments:
        scope |= Q(department_id__in=departments)
    elif viewer.department_id:
        scope |= Q(department_id=viewer.department_id)
    return people.filter(scope)


def absences(*, people: QuerySet[User], start: dt.date, end: dt.date, department_id: int | None = None) -> QuerySet:
    """Approved and pending leave days of `people` between two dates."""
    days = LeaveDay.objects.filter(
        employee__in=people, date__range=(start, end), request__status__in=OPEN_STATUSES
    ).select_related("employee", "request__leave_type")
    if department_id:
        days = days.filter(employee__department_id=department_id)
    return days.order_by("employee__first_name", "employee__last_name", "employee_id", "date")


def _days_taken(*, period_from: dt.date, period_to: dt.date, department_ids) -> QuerySet:
    last = (dt.date(period_to.year + (period_to.month == 12), period_to.month % 12 + 1, 1)) - dt.timedelta(days=1)
    days = LeaveDay.objects.filter(
        request__status=Status.APPROVED, date__gte=period_from, date__lte=last, employee__department__isnull=False
    )
    if department_ids is not None:
        days = days.filter(employee__department_id__in=ids_for_in(department_ids))
    return days


def leave_days_taken_columns(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> dict[str, np.ndarray]:
    """Every approved leave day of the months `period_from`..`period_to` as columns, for reports
    that total them per unit and month: `department_id` (the employee's), `month` (year × 12 +
    month − 1) and `days` (1 or 0.5). Read packed (`core.columns.fetch`), not grouped: the
    database's sort for a GROUP BY cost more than the report's sum."""
    columns = fetch(
        _days_taken(period_from=period_from, period_to=period_to, department_ids=department_ids)
        .order_by()
        .values("date", "days", unit=F("employee__department_id")),
        {"unit": "int8", "date": "date", "days": "float8"},
    )
    return {"department_id": columns["unit"], "month": month_numbers(columns["date"]), "days": columns["days"]}


def leave_days_taken_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """Approved leave days by the employee's department and the month each day falls in:
    `[{"department_id", "period", "days"}]` (days Decimal; periods first-of-month dates,
    inclusive). One GROUP BY query."""
    days = _days_taken(period_from=period_from, period_to=period_to, department_ids=department_ids)
    rows = (
        days.annotate(period=TruncMonth("date"))
        .values("employee__department_id", "period")
        .annotate(total=Sum("days"))
        .order_by("employee__department_id", "period")
    )
    return [
        {
            "department_id": row["employee__department_id"],
            "period": _as_date(row["period"]),
            "days": Decimal(row["total"]),
        }
        for row in rows
    ]


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def can_view_leave_of(viewer, employee) -> bool:
    """Balances and ledgers: the person, their managers (line or department scope), HR."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    if viewer.pk == employee.pk or is_hr(viewer) or employee.manager_id == viewer.pk:
        return True
    return employee.department_id is not None and employee.department_id in managed_department_ids(viewer)
