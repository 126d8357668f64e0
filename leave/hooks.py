from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.extensions import NavItem, Panel
from employees.permissions import is_hr, is_manager
from leave import selectors


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Leave"), reverse("leave:mine"), order=20), NavItem(_("Who is away"), reverse("leave:team"), 22)]
    if is_hr(user) or is_manager(user) or user.reports.exists():
        items.append(NavItem(_("Leave approvals"), reverse("leave:approvals"), order=21))
    if is_hr(user):
        items.append(NavItem(_("Leave settings"), reverse("leave:manage_types"), order=80))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    year = timezone.localdate().year
    balances = [row for row in selectors.balances_for(employee=user, year=year) if row["tracks_balance"]]
    panels = [Panel(_("My leave"), "leave/panel_balances.html", {"balances": balances, "year": year}, order=10)]
    waiting = selectors.approvals_waiting_for(user)
    if is_hr(user) or is_manager(user) or waiting.exists():
        panels.append(
            Panel(
                _("Leave requests waiting for you"),
                "leave/panel_approvals.html",
                {"waiting": list(waiting[:5]), "count": waiting.count()},
                order=11,
            )
        )
    return panels
