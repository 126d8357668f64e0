from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_HR, SECTION_INSIGHTS, SECTION_TEAM, InboxItem, NavItem, Panel, inbox_item_of
from employees.permissions import is_hr, is_leadership, is_manager
from service_quality import selectors

# The inbox kind of what this app puts in a person's inbox (core.extensions.InboxItem).
INBOX_IMPORTS = "score_imports"


def nav_items(user) -> list[NavItem]:
    items = []
    if is_hr(user) or is_leadership(user):
        items.append(NavItem(_("Service quality"), reverse("service_quality:overview"), 40, section=SECTION_INSIGHTS))
    if is_hr(user):
        items.append(
            NavItem(_("Score imports"), reverse("service_quality:imports"), 82, SECTION_HR, inbox_kind=INBOX_IMPORTS)
        )
        items.append(NavItem(_("SKM collections"), reverse("service_quality:collections"), 83, SECTION_HR))
    elif is_manager(user):
        items.append(NavItem(_("SKM collections"), reverse("service_quality:collections"), 45, SECTION_TEAM))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = []
    if is_leadership(user) or is_hr(user):
        # Bounded whatever the number of units: grades and the lowest few; every unit's card,
        # with its element means, is on the overview page the panel links to.
        context = {"summary": selectors.ikm_summary()}
        panels.append(Panel(_("IKM per service unit"), "service_quality/panel_ikm.html", context, order=30))
    if is_hr(user):
        panels.append(
            Panel(
                _("Recent score imports"),
                "service_quality/panel_imports.html",
                {"imports": selectors.recent_imports()},
                order=31,
            )
        )
    return panels


def inbox_items(user) -> list[InboxItem]:
    """HR: checked score imports waiting to be confirmed or dropped."""
    if not is_hr(user):
        return []
    return [
        inbox_item_of(
            selectors.imports_awaiting_confirmation(),
            kind=INBOX_IMPORTS,
            title=_("Score imports to confirm"),
            list_url=reverse("service_quality:imports"),
            one_url=lambda pk: reverse("service_quality:import_detail", args=[pk]),
            order=40,
        )
    ]
