from django.urls import reverse

from employees.models import Role
from employees.permissions import role_of
from employees.selectors import can_search


def role(request):
    """The signed-in person's role, for the header and for pages that show more to some roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"current_role": None}
    current = role_of(user)
    return {"current_role": current, "current_role_label": Role(current).label}


def search(request):
    """The header's search box, for those who may search people and departments."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_search(user):
        return {}
    return {"search_url": reverse("employees:search")}
