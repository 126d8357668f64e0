from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_ACCOUNT, SECTION_HR, SECTION_ME, SECTION_TEAM, NavItem, Panel
from employees.models import User
from employees.permissions import is_hr, is_manager
from employees.selectors import can_search


def _org_import_url() -> str | None:
    """The organisation import's page, where this installation has one."""
    try:
        return reverse("employees:org-imports")
    except NoReverseMatch:
        return None


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("My profile"), reverse("employees:profile"), 90, section=SECTION_ME)]
    if can_search(user):
        items.append(NavItem(_("Search"), reverse("employees:search"), order=2))
    if is_hr(user):
        items.append(NavItem(_("People"), reverse("employees:directory"), order=60, section=SECTION_HR))
        org_import = _org_import_url()
        if org_import:
            items.append(NavItem(_("People and organisation import"), org_import, order=61, section=SECTION_HR))
    elif is_manager(user):
        items.append(NavItem(_("People"), reverse("employees:directory"), order=30, section=SECTION_TEAM))
    if user.is_staff:
        items.append(NavItem(_("Administration"), reverse("admin:index"), order=95, section=SECTION_ACCOUNT))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = [Panel(_("About me"), "employees/panel_me.html", {"person": user}, order=0)]
    if is_manager(user):
        team = User.objects.filter(manager=user, is_active=True).select_related("department").order_by("first_name")
        panels.append(Panel(_("My team"), "employees/panel_team.html", {"team": list(team)}, order=5))
    return panels
