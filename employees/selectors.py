"""Reads about people and departments."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from employees.models import Department, OrgImport, User
from employees.permissions import employees_visible_to, is_hr, is_manager, managed_department_ids

# What one search shows of each kind; a longer list is narrowed by typing more.
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2


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


def colleagues() -> QuerySet[User]:
    """The people of the organisation, to choose one (recognition): active, with an employee
    number, never an administrator's or other system account; each once, with their department."""
    return (
        User.objects.filter(is_active=True, is_superuser=False, employee_number__isnull=False)
        .exclude(employee_number="")
        .select_related("department")
        .order_by("first_name", "last_name", "department__name", "id")
    )


# People to choose from, by what a form chooses them for: any signed-in person recognises a
# colleague, a manager or HR proposes a bonus to someone they may read, HR assigns leave.
def _choosable(kind: str, viewer) -> QuerySet[User] | None:
    active = User.objects.filter(is_active=True).select_related("department")
    if kind == "colleagues":
        return colleagues().exclude(pk=viewer.pk)
    if kind == "readable":
        return employees_visible_to(viewer, active).exclude(pk=viewer.pk)
    if kind == "everyone" and is_hr(viewer):
        return active
    return None


PERSON_CHOICE_KINDS = ("colleagues", "readable", "everyone")


def person_label(person: User) -> str:
    """A person as a list of people names them: two of one name differ by department and number."""
    department = person.department.name if person.department_id else "—"
    return f"{person.get_full_name() or person.username} · {department} · {person.employee_number or '—'}"


def person_choices(*, kind: str, viewer, query: str, limit: int = SEARCH_LIMIT) -> list[dict] | None:
    """The people of `kind` that `viewer` may choose whose name, username, employee number or
    department holds every word of `query`, at most `limit`, by name (one query); None for a
    kind `viewer` may not choose from. A query shorter than `SEARCH_MIN_LENGTH` finds nobody."""
    people = _choosable(kind, viewer)
    if people is None:
        return None
    query = " ".join(query.split())
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    for word in query.split():
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(employee_number__icontains=word)
            | Q(department__name__icontains=word)
        )
    found = people.order_by("first_name", "last_name", "id")[:limit]
    return [{"id": person.pk, "label": person_label(person)} for person in found]


def org_import_list() -> QuerySet:
    """Imports newest first, without the kept file (it can be megabytes)."""
    return OrgImport.objects.defer("content").select_related("created_by", "applied_by")


def can_search(user) -> bool:
    """Search of people and departments: HR (and administrators) and managers."""
    return is_hr(user) or is_manager(user)


def departments_visible_to(user) -> QuerySet[Department]:
    """Departments `user` may look into: HR all, a manager their own subtree, others none."""
    if is_hr(user):
        return Department.objects.all()
    if is_manager(user):
        return Department.objects.filter(id__in=managed_department_ids(user))
    return Department.objects.none()


@dataclass
class SearchResults:
    query: str
    people: list[User]
    departments: list[Department]
    more_people: bool
    more_departments: bool


def search(*, viewer, query: str, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Active people (by name, username or employee number) and departments (by name or code)
    within what `viewer` may see, at most `limit` of each, by name. Every word typed must
    match a person. A query shorter than `SEARCH_MIN_LENGTH` finds nothing. Two queries."""
    query = " ".join(query.split())
    if len(query) < SEARCH_MIN_LENGTH or not can_search(viewer):
        return SearchResults(query, [], [], False, False)
    people_filter = Q()
    for word in query.split():
        people_filter &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(employee_number__icontains=word)
        )
    people = list(
        employees_visible_to(viewer, User.objects.filter(is_active=True))
        .filter(people_filter)
        .select_related("department")
        .order_by("first_name", "last_name", "id")[: limit + 1]
    )
    departments = list(
        departments_visible_to(viewer)
        .filter(Q(name__icontains=query) | Q(code__icontains=query))
        .select_related("parent")
        .order_by("name", "id")[: limit + 1]
    )
    return SearchResults(
        query,
        people[:limit],
        departments[:limit],
        more_people=len(people) > limit,
        more_departments=len(departments) > limit,
    )
