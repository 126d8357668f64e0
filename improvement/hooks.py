"""Improvement links in the navigation and panels on the home page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_TEAM, InboxItem, NavItem, Panel, inbox_item_of
from employees.permissions import is_hr, is_manager
from improvement import selectors
from improvement.models import OPEN_STATUSES

# The inbox kind of what this app puts in a person's inbox (core.extensions.InboxItem).
INBOX_ACTIONS = "improvement_actions"

PANEL_ROWS = 6


def nav_items(user) -> list[NavItem]:
    return [
        NavItem(_("Action plans"), reverse("improvement:board"), 45, SECTION_TEAM, inbox_kind=INBOX_ACTIONS),
        NavItem(_("Training"), reverse("improvement:trainings"), order=46, section=SECTION_TEAM),
    ]


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = []
    if is_manager(user) or is_hr(user):
        due = list(selectors.actions_due(viewer=user)[:PANEL_ROWS])
        context = {"actions": due, "today": timezone.localdate()}
        panels.append(Panel(_("Actions due"), "improvement/panel_due.html", context, order=46))
    elif user.department_id:
        team = list(
            selectors.action_list(viewer=user).filter(department_id=user.department_id, status__in=OPEN_STATUSES)[
                :PANEL_ROWS
            ]
        )
        panels.append(Panel(_("My team's actions"), "improvement/panel_team.html", {"actions": team}, order=46))
    return panels


def inbox_items(user) -> list[InboxItem]:
    """Open improvement actions the person owns or plans for, overdue or due within a week."""
    return [
        inbox_item_of(
            selectors.actions_waiting_for(user),
            kind=INBOX_ACTIONS,
            title=_("Improvement actions due"),
            list_url=reverse("improvement:board"),
            one_url=lambda pk: reverse("improvement:action_detail", args=[pk]),
            order=30,
        )
    ]
