from django.urls import reverse

from employees.selectors import can_search


def search(request):
    """The header's search box, for those who may search people and departments."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_search(user):
        return {}
    return {"search_url": reverse("employees:search")}
