from core import extensions
from employees.models import Role
from employees.permissions import role_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_role": None}
    role = role_of(user)
    return {"nav_items": extensions.nav_items(user), "current_role": role, "current_role_label": Role(role).label}
