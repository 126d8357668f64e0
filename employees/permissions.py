"""Who may see and do what: the one permission module every API and page uses.

Roles: employee, manager, hr, leadership (one per person); superusers are administrators and
may do what HR may. A manager's scope is the subtree of their own department plus their direct
reports. Objects outside a person's scope are answered with 404, never revealed by a 403.
"""

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from rest_framework.permissions import SAFE_METHODS, BasePermission

from employees.models import Department, Role, User

ANYONE = frozenset(Role.values)


def role_of(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.HR
    return user.role


def is_hr(user) -> bool:
    return role_of(user) == Role.HR


def is_leadership(user) -> bool:
    return role_of(user) == Role.LEADERSHIP


def is_manager(user) -> bool:
    return role_of(user) == Role.MANAGER


def has_role(user, roles: Iterable[str]) -> bool:
    role = role_of(user)
    return role is not None and role in roles


def subtree_ids(department: Department | None) -> frozenset[int]:
    """Ids of a department and everything below it (one query)."""
    if department is None:
        return frozenset()
    return frozenset(Department.objects.filter(path__startswith=department.path).values_list("id", flat=True))


def managed_department_ids(user) -> frozenset[int]:
    """The departments a manager answers for: their own department's subtree. Cached on the
    user object for the request."""
    if not is_manager(user):
        return frozenset()
    cached = getattr(user, "_prima_managed_ids", None)
    if cached is None:
        cached = subtree_ids(user.department)
        user._prima_managed_ids = cached
    return cached


def manages(manager, employee: User) -> bool:
    """True when `manager` is a manager whose scope holds `employee` (never themselves)."""
    if not is_manager(manager) or employee.pk == manager.pk:
        return False
    return employee.manager_id == manager.pk or employee.department_id in managed_department_ids(manager)


def employees_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Employees whose records `user` may read: HR all, a manager their scope and themselves."""
    queryset = User.objects.all() if queryset is None else queryset
    if is_hr(user):
        return queryset
    if is_manager(user):
        return queryset.filter(
            Q(department_id__in=managed_department_ids(user)) | Q(manager_id=user.pk) | Q(pk=user.pk)
        )
    return queryset.filter(pk=user.pk) if getattr(user, "is_authenticated", False) else queryset.none()


def can_see_wage(viewer, employee: User) -> bool:
    """Wages: HR and the person themselves only."""
    return is_hr(viewer) or (getattr(viewer, "pk", None) is not None and viewer.pk == employee.pk)


class RolePermission(BasePermission):
    """Allows reads to `read_roles` and writes to `write_roles` (both sets of role names)."""

    read_roles: frozenset[str] = ANYONE
    write_roles: frozenset[str] = frozenset({Role.HR})

    def has_permission(self, request, view) -> bool:
        roles = self.read_roles if request.method in SAFE_METHODS else self.write_roles
        return has_role(request.user, roles)


def allow(*, read: Iterable[str] = ANYONE, write: Iterable[str] = (Role.HR,)) -> type[RolePermission]:
    """A permission class: `permission_classes = [allow(read=ANYONE, write={Role.HR})]`."""
    return type(
        "AllowRoles",
        (RolePermission,),
        {"read_roles": frozenset(read), "write_roles": frozenset(write)},
    )
