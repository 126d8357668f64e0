from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.extensions import SECTION_INSIGHTS, NavItem, Panel
from correlation.api import READERS
from employees.permissions import has_role, is_leadership


def nav_items(user) -> list[NavItem]:
    if not has_role(user, READERS):
        return []
    return [NavItem(_("Correlation reports"), reverse("correlation:list"), order=70, section=SECTION_INSIGHTS)]


def home_panels(request) -> list[Panel]:
    """Leadership: the summary of the latest standard report (or the latest report)."""
    if not is_leadership(request.user):
        return []
    from correlation import interpretation
    from correlation.selectors import latest_succeeded_report

    report = latest_succeeded_report()
    context = {"report": report}
    if report is not None:
        context["summary"] = interpretation.summarise(report, list(report.results.all()))[:1]
        context["external_label"] = interpretation.headline_label(report)
    return [Panel(_("Satisfaction and service quality"), "correlation/panel_latest.html", context, order=20)]
