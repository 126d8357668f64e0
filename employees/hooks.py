from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import NavItem, Panel
from employees.models import User
from employees.permissions import is_hr, is_manager


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Home"), reverse("home"), order=0), NavItem(_("My profile"), reverse("employees:profile"), 90)]
    if is_hr(user) or is_manager(user):
        items.append(NavItem(_("People"), reverse("employees:directory"), order=80))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), order=95))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = [Panel(_("About me"), "employees/panel_me.html", {"person": user}, order=0)]
    if is_manager(user):
        team = User.objects.filter(manager=user, is_active=True).select_related("department").order_by("first_name")
        panels.append(Panel(_("My team"), "employees/panel_team.html", {"team": list(team)}, order=5))
    return panels
