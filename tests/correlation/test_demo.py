"""The demo: `seed_demo` leaves finished reports built from every app's demo data (pulse, leave,
rewards, service quality), and running it again adds none."""

import pytest
from django.core.management import call_command
from django.utils import translation

from correlation import interpretation
from correlation.models import CorrelationReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_the_demo_reports_are_finished_find_the_planted_lag_and_are_not_repeated(django_capture_on_commit_callbacks):
    # given the demo organisation (its jobs run in-process, as in `make run`)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    reports = list(CorrelationReport.objects.all())
    # then the standard report is finished, over real pulse, SKM, bonus, recognition and leave data
    standard = next(report for report in reports if report.is_standard)
    assert {report.status for report in reports} == {ReportStatus.SUCCEEDED}
    assert standard.notes == []
    families = set(standard.results.values_list("family", flat=True))
    assert families == {"satisfaction_external", "drivers_dimensions", "levers"}
    # the demo's service follows its staff's satisfaction a month later: the confirmatory test
    # of which came first finds that, and the summary leads with it
    leads = {r.lag: r for r in standard.results.filter(family="satisfaction_external", variant="cross_lagged")}
    assert leads[1].coefficient > 0 and leads[1].q_value < 0.05
    assert leads[-1].q_value >= 0.05
    with translation.override("en"):
        first = interpretation.summarise(standard, list(standard.results.all()))[0]
    assert first.startswith("Within the same units over time: When a unit's staff were more satisfied than usual")
    assert "its external scores were better one month later" in first
    assert standard.points.exists()

    # when the demo is loaded again, no report is added
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    assert CorrelationReport.objects.count() == len(reports)
