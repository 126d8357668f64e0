from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import NavItem, Panel
from employees.permissions import is_hr, is_leadership
from service_quality import selectors


def nav_items(user) -> list[NavItem]:
    items = []
    if is_hr(user) or is_leadership(user):
        items.append(NavItem(_("Service quality"), reverse("service_quality:overview"), order=40))
    if is_hr(user):
        items.append(NavItem(_("Score imports"), reverse("service_quality:imports"), order=82))
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
