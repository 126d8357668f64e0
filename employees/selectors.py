"""Reads about people and departments."""

from django.db.models import QuerySet

from employees.models import Department, OrgImport, User
from employees.permissions import employees_visible_to


def employee_count() -> int:
    return User.objects.filter(is_active=True).count()


def department_list() -> QuerySet[Department]:
    return Department.objects.all()


def employee_list(*, viewer) -> QuerySet[User]:
    """The employees `viewer` may read, with what the API shows in the same query."""
    return employees_visible_to(viewer).select_related("department").order_by("id")


def headcount_by_department() -> dict[int, int]:
    """Active people per department (own members, not the subtree): one GROUP BY."""
    from django.db.models import Count

    rows = User.objects.filter(is_active=True, department__isnull=False).values("department_id")
    return {row["department_id"]: row["n"] for row in rows.annotate(n=Count("id"))}


def org_import_list() -> QuerySet:
    """Imports newest first, without the kept file (it can be megabytes)."""
    return OrgImport.objects.defer("content").select_related("created_by", "applied_by")
