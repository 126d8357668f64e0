"""Pulse links in the navigation and panels on the home page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import (
    SECTION_HR,
    SECTION_INSIGHTS,
    SECTION_ME,
    SECTION_TEAM,
    InboxItem,
    NavItem,
    Panel,
    inbox_item_of,
)
from employees.permissions import is_hr, is_manager
from pulse_surveys import selectors

# The inbox kind of what this app puts in a person's inbox (core.extensions.InboxItem).
INBOX_PULSE = "pulse_rounds"


def nav_items(user) -> list[NavItem]:
    items = [NavItem(_("Pulse"), reverse("pulse_surveys:mine"), order=10, section=SECTION_ME, inbox_kind=INBOX_PULSE)]
    if is_hr(user):
        items.append(NavItem(_("Surveys"), reverse("pulse_surveys:manage"), order=11, section=SECTION_HR))
    if selectors.can_see_all_results(user):
        items.append(NavItem(_("Survey results"), reverse("pulse_surveys:results"), order=12, section=SECTION_INSIGHTS))
        items.append(NavItem(_("Heatmap"), reverse("pulse_surveys:heatmap"), order=13, section=SECTION_INSIGHTS))
    elif selectors.can_see_results(user):
        items.append(NavItem(_("Survey results"), reverse("pulse_surveys:results"), order=12, section=SECTION_TEAM))
    return items


def home_panels(request) -> list[Panel]:
    user = request.user
    panels = []
    waiting = [r for r in selectors.open_rounds_for(user) if not r.answered]
    panels.append(Panel(_("My open pulses"), "pulse_surveys/panel_open.html", {"rounds": waiting}, order=10))
    if is_hr(user):
        participation = [(r, selectors.round_participation(r)) for r in selectors.open_rounds_all()]
        panels.append(
            Panel(_("Pulse participation"), "pulse_surveys/panel_participation.html", {"rounds": participation}, 11)
        )
    if is_manager(user) and user.department_id:
        latest = selectors.latest_closed_round()
        result = None
        if latest is not None:
            result, _breakdown = selectors.round_result(pulse_round=latest, department=user.department)
        panels.append(
            Panel(_("My team's pulse"), "pulse_surveys/panel_team.html", {"round": latest, "result": result}, 12)
        )
    return panels


def inbox_items(user) -> list[InboxItem]:
    """Open pulse rounds the person has not answered; the answer form itself when only one."""
    return [
        inbox_item_of(
            selectors.rounds_to_answer(user),
            kind=INBOX_PULSE,
            title=_("Pulse surveys to answer"),
            list_url=reverse("pulse_surveys:mine"),
            one_url=lambda pk: reverse("pulse_surveys:answer", args=[pk]),
            order=5,
        )
    ]
