from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import (
    SECTION_ACCOUNT,
    SECTION_HR,
    SECTION_ME,
    SECTION_TEAM,
    InboxItem,
    NavItem,
    Panel,
    inbox_item_of,
)
from employees.models import ImportStatus, User
from employees.permissions import is_hr, is_manager
from employees.selectors import can_search, org_import_list

# The inbox's kind for organisation files checked and waiting for HR to apply them.
INBOX_ORG_IMPORTS = "org_imports"


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
            items.append(
                NavItem(
                    _("People and organisation import"),
                    org_import,
                    order=61,
                    section=SECTION_HR,
                    inbox_kind=INBOX_ORG_IMPORTS,
                )
            )
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


def inbox_items(user) -> list[InboxItem]:
    """HR: organisation files checked and waiting to be applied."""
    if not is_hr(user) or _org_import_url() is None:
        return []
    return [
        inbox_item_of(
            org_import_list().filter(status=ImportStatus.CHECKED),
            kind=INBOX_ORG_IMPORTS,
            title=_("Organisation imports to apply"),
            list_url=reverse("employees:org-imports"),
            one_url=lambda pk: reverse("employees:org-import", args=[pk]),
            order=38,
        )
    ]
