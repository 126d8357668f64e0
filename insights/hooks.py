"""The dashboard in the navigation, and its headline on leadership's and HR's home pages."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_INSIGHTS, NavItem, Panel
from core.periods import Period
from insights import selectors


def nav_items(user) -> list[NavItem]:
    if not selectors.can_read_insights(user):
        return []
    return [NavItem(_("Dashboard"), reverse("insights:dashboard"), order=5, section=SECTION_INSIGHTS)]


def home_panels(request) -> list[Panel]:
    """The latest month's internal satisfaction, eNPS and response rate (one query)."""
    if not selectors.can_read_insights(request.user):
        return []
    this_month = Period.of(timezone.localdate())
    trend = selectors.satisfaction_trend(period_from=this_month.shift(-2).first_day, period_to=this_month.first_day)
    return [
        Panel(_("Internal satisfaction"), "insights/panel_dashboard.html", {"latest": trend[-1] if trend else None}, 3)
    ]
