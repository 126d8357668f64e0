from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_HR, SECTION_ME, SECTION_TEAM, InboxItem, NavItem, Panel, inbox_item_of
from employees.permissions import is_hr, is_manager
from rewards import selectors
from rewards.models import Bonus, BonusStatus

# The inbox kind of what this app puts in a person's inbox (core.extensions.InboxItem).
INBOX_BONUS = "bonuses"


def nav_items(user) -> list[NavItem]:
    items = [
        NavItem(_("Rewards"), reverse("rewards:mine"), order=40, section=SECTION_ME),
        NavItem(_("Recognition"), reverse("rewards:wall"), 41, section=SECTION_ME),
    ]
    if is_hr(user):
        items.append(NavItem(_("Bonuses"), reverse("rewards:board"), order=72, section=SECTION_HR))
        items.append(NavItem(_("Bonus approvals"), reverse("rewards:queue"), 73, SECTION_HR, inbox_kind=INBOX_BONUS))
    elif is_manager(user):
        items.append(NavItem(_("Bonuses"), reverse("rewards:proposals"), order=42, section=SECTION_TEAM))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    today = timezone.localdate()
    recent = selectors.recognition_list().filter(recipient=user)[:3]
    panels = [
        Panel(
            _("Recognition"),
            "rewards/panel_points.html",
            {"points": selectors.points_summary(employee=user, today=today), "recent": list(recent)},
            order=40,
        )
    ]
    if is_hr(user):
        waiting = selectors.approval_queue(viewer=user)
        panels.append(
            Panel(
                _("Bonuses waiting for approval"),
                "rewards/panel_queue.html",
                {
                    "count": waiting.count(),
                    "decidable": selectors.bonuses_to_decide(viewer=user).count(),
                    "year_budgets": list(selectors.budget_list().filter(year=today.year)),
                },
                order=41,
            )
        )
    elif is_manager(user):
        proposals = Bonus.objects.filter(created_by=user).select_related("employee").order_by("-created_at", "-id")
        panels.append(
            Panel(
                _("My bonus proposals"),
                "rewards/panel_proposals.html",
                {
                    "proposals": list(proposals[:5]),
                    "drafts": proposals.filter(status=BonusStatus.DRAFT).count(),
                },
                order=41,
            )
        )
    return panels


def inbox_items(user) -> list[InboxItem]:
    """HR: submitted bonuses they may approve or reject."""
    if not is_hr(user):
        return []
    waiting = selectors.bonuses_to_decide(viewer=user)
    title = _("Bonuses to approve")
    return [inbox_item_of(waiting, kind=INBOX_BONUS, title=title, list_url=reverse("rewards:queue"), order=20)]
