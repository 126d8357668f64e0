from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_HR, SECTION_ME, SECTION_TEAM, InboxItem, NavItem, Panel, inbox_item_of
from employees.permissions import is_hr, is_manager
from leave import selectors

# The inbox kind of what this app puts in a person's inbox (core.extensions.InboxItem).
INBOX_LEAVE = "leave_requests"


def nav_items(user) -> list[NavItem]:
    items = [
        NavItem(_("Leave"), reverse("leave:mine"), order=20, section=SECTION_ME),
        NavItem(_("Who is away"), reverse("leave:team"), 22, section=SECTION_TEAM),
    ]
    if is_hr(user) or is_manager(user) or user.reports.exists():
        approvals = reverse("leave:approvals")
        items.append(NavItem(_("Leave approvals"), approvals, order=21, section=SECTION_TEAM, inbox_kind=INBOX_LEAVE))
    if is_hr(user):
        items.append(NavItem(_("Leave settings"), reverse("leave:manage_types"), order=70, section=SECTION_HR))
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


def inbox_items(user) -> list[InboxItem]:
    """Leave requests waiting for the person's decision (decided on the approvals page)."""
    waiting = selectors.approvals_waiting_for(user)
    title = _("Leave requests to decide")
    return [inbox_item_of(waiting, kind=INBOX_LEAVE, title=title, list_url=reverse("leave:approvals"), order=10)]
