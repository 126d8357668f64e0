"""A report's job: its steps are idempotent, a failure ends as `failed` with a readable error,
transient database errors are retried, and the standard report runs monthly."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from correlation import services
from correlation.errors import TRANSIENT_ERRORS
from correlation.models import CorrelationReport, CorrelationResult, ReportStatus
from tasks.correlation import (
    correlation_report_aggregate_task,
    correlation_report_finish_task,
    correlation_report_statistics_task,
    correlation_standard_report_task,
)
from tasks.schedule import BEAT_SCHEDULE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skm_source")]


def _result_rows(report):
    return list(report.results.order_by("id").values_list("family", "variant", "lag", "n", "pearson_r", "q_value"))


def test_a_report_records_its_timings_and_the_data_it_read(org, request_report):
    report = request_report(org.hana)
    assert report.status == ReportStatus.SUCCEEDED
    assert report.started_at <= report.finished_at
    assert set(report.timings) == {"aggregate", "statistics", "total"}
    assert report.latest_input_period == dt.date(2025, 1, 1)
    assert len(report.input_fingerprint) == 64


def test_the_same_parameters_on_the_same_data_give_the_same_report(org, request_report):
    first = request_report(org.hana, max_lag=2)
    second = request_report(org.lina, max_lag=2)
    assert first.pk != second.pk
    assert first.input_fingerprint == second.input_fingerprint
    assert _result_rows(first) == _result_rows(second)


def test_a_redelivered_step_does_not_duplicate_results(org, request_report):
    # given a finished report
    report = request_report(org.hana)
    rows = _result_rows(report)
    # when every step is delivered again
    for task in (correlation_report_aggregate_task, correlation_report_statistics_task, correlation_report_finish_task):
        task(report.pk)
    # then nothing changed
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert _result_rows(report) == rows


def test_only_the_statistics_step_reads_the_stored_series(org, pending_report):
    # given a pending report
    report = pending_report(period_to=dt.date(2025, 6, 1), max_lag=1)
    # when its three steps run
    reads = {}
    for step, task in (
        ("aggregate", correlation_report_aggregate_task),
        ("statistics", correlation_report_statistics_task),
        ("finish", correlation_report_finish_task),
    ):
        with CaptureQueriesContext(connection) as queries:
            task(report.pk)
        reads[step] = sum(
            1
            for query in queries.captured_queries
            if query["sql"].startswith("SELECT") and '"correlation_correlationreport"."series"' in query["sql"]
        )
    # then the series (several MB at full scale) is loaded once, by the statistics step
    assert reads == {"aggregate": 0, "statistics": 1, "finish": 0}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED


def test_the_statistics_step_run_twice_replaces_its_results(pending_report):
    report = pending_report(period_to=dt.date(2025, 6, 1), max_lag=1)
    correlation_report_aggregate_task(report.pk)
    correlation_report_statistics_task(report.pk)
    count = CorrelationResult.objects.filter(report=report).count()
    correlation_report_statistics_task(report.pk)  # a worker died before acknowledging
    assert CorrelationResult.objects.filter(report=report).count() == count > 0
    correlation_report_finish_task(report.pk)
    report.refresh_from_db()
    assert (report.status, report.progress) == (ReportStatus.SUCCEEDED, 100)


def test_the_statistics_step_writes_its_progress_at_most_once_per_interval(pending_report):
    report = pending_report(period_to=dt.date(2025, 6, 1), max_lag=0)
    correlation_report_aggregate_task(report.pk)
    span = services.PROGRESS_AFTER_STATISTICS - services.PROGRESS_AFTER_AGGREGATE
    # within the interval nothing is written
    quiet = services._progress_written_every(report.pk, span, seconds=3600)
    for done in (0.25, 0.5, 1.0):
        quiet(done)
    report.refresh_from_db()
    assert report.progress == services.PROGRESS_AFTER_AGGREGATE
    # past it, each call writes how far the step is
    written = services._progress_written_every(report.pk, span, seconds=0)
    written(0.5)
    report.refresh_from_db()
    assert report.progress == services.PROGRESS_AFTER_AGGREGATE + int(span * 0.5 * 0.9)


def test_a_failing_step_ends_the_report_as_failed_with_a_readable_error(pending_report):
    report = pending_report(period_to=dt.date(2025, 6, 1), max_lag=0)
    correlation_report_aggregate_task(report.pk)
    # given stored series that cannot be read (a period that is not YYYY-MM)
    CorrelationReport.objects.filter(pk=report.pk).update(series={"periods": ["June"], "metrics": {}})
    # when the rest of the chain runs
    correlation_report_statistics_task(report.pk)
    correlation_report_finish_task(report.pk)
    # then
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("The report could not be computed (ValidationError")
    assert not report.results.exists()


def test_transient_database_errors_are_retried_with_backoff_and_acknowledged_late():
    for task in (correlation_report_aggregate_task, correlation_report_statistics_task, correlation_report_finish_task):
        assert task.autoretry_for == TRANSIENT_ERRORS
        assert OperationalError in task.autoretry_for
        assert task.retry_backoff and task.max_retries >= 3
        assert task.acks_late


def test_when_retries_run_out_the_report_fails_with_a_readable_error(pending_report):
    report = pending_report(period_to=dt.date(2025, 6, 1), max_lag=0)
    correlation_report_aggregate_task.on_failure(
        OperationalError("server closed the connection"), "x", (report.pk,), {}, None
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "database could not be reached" in report.error


def test_the_standard_report_is_scheduled_monthly():
    entry = BEAT_SCHEDULE["correlation-standard-report"]
    assert entry["task"] == "tasks.correlation.correlation_standard_report_task"
    schedule = entry["schedule"]
    assert schedule.day_of_month == {2}


def test_the_standard_report_covers_the_last_twelve_complete_months_once(
    org, settings, django_capture_on_commit_callbacks
):
    # given today is in February 2026
    parameters = services.standard_parameters(today=dt.date(2026, 2, 14))
    assert (parameters["period_from"], parameters["period_to"]) == (dt.date(2025, 2, 1), dt.date(2026, 1, 1))
    assert (parameters["external_source"], parameters["external_dimension"]) == ("skm", "ikm")
    # when the monthly job runs twice
    with django_capture_on_commit_callbacks(execute=True):
        first = services.correlation_report_standard(today=dt.date(2026, 2, 14))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.correlation_report_standard(today=dt.date(2026, 2, 20))
    # then there is one standard report, finished, credited to the schedule and to no person
    assert first.pk == again.pk
    assert first.requested_by is None
    assert CorrelationReport.objects.filter(is_standard=True).count() == 1
    first.refresh_from_db()
    assert first.status == ReportStatus.SUCCEEDED


def test_the_standard_report_task_returns_the_report(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report_id = correlation_standard_report_task()
    assert CorrelationReport.objects.get(pk=report_id).is_standard


def _aggregate_queries(report_id) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        correlation_report_aggregate_task(report_id)
    return len(queries)


def test_reading_the_inputs_costs_the_same_queries_whatever_the_number_of_units_and_periods(
    synthetic_organisation, pending_report
):
    # The aggregate step reads one GROUP BY series per input: its cost in queries does not grow
    # with units, periods or answers (only the rows those series return do, units × periods).
    import numpy as np

    small = synthetic_organisation(units=2, months=2)
    small.load(np.full((2, 2), 70.0), np.full((2, 2), 80.0))
    few = _aggregate_queries(pending_report(period_from=small.period_from, period_to=small.period_to).pk)

    large = synthetic_organisation(units=14, months=12, first=small.first.shift(-12), prefix="SV")
    large.load(np.full((14, 12), 71.0), np.full((14, 12), 81.0))
    many = _aggregate_queries(pending_report(period_from=large.period_from, period_to=large.period_to).pk)
    assert many == few


def test_latest_data_is_never_after_the_reports_last_month(org, request_report):
    # given scores in January 2025 and, after the report's range, in March 2025
    from service_quality.services import external_score_create

    external_score_create(department=org.cs, period=dt.date(2025, 3, 1), source="skm", dimension="ikm",
                          value=Decimal("70"), respondents=40, actor=org.hana)  # fmt: skip
    # when a report covers December 2024 to February 2025
    report = request_report(org.hana, period_from=dt.date(2024, 12, 1), period_to=dt.date(2025, 2, 1))
    # then its latest data is January, the last month it read
    assert report.latest_input_period == dt.date(2025, 1, 1)


def test_latest_period_leaves_out_rows_after_the_limit():
    from correlation.inputs import Inputs

    read = Inputs(external=[{"period": dt.date(2026, 12, 1)}], leave_days=[{"period": dt.date(2026, 11, 1)}])
    assert read.latest_period() == dt.date(2026, 12, 1)
    assert read.latest_period(until=dt.date(2026, 11, 1)) == dt.date(2026, 11, 1)


def test_the_standard_report_of_an_organisation_with_only_custom_measures_names_one_when_they_disagree(org):
    from service_quality.models import ExternalScore
    from tests.correlation.measures import custom_measures

    # given only custom measures, one of them lower-is-better
    ExternalScore.objects.all().delete()
    custom_measures(org, period=dt.date(2025, 6, 1), value="40", directions={"complaints": "lower", "kiosk_rating": ""})
    # then the standard report names one measure rather than mixing the two (which is refused)
    parameters = services.standard_parameters(today=dt.date(2026, 2, 14))
    assert (parameters["external_source"], parameters["external_dimension"]) == ("custom", "complaints")
    report = services.correlation_report_request(actor=None, is_standard=True, **parameters)
    assert report.external_higher_is_better is False


def test_a_report_s_points_go_with_the_report_and_with_their_unit(synthetic_organisation, request_report, org):
    # Points carry no database key checks (they cost as much as the writing): the deletions
    # cascade in Django, and no point is left behind.
    import numpy as np

    from correlation.models import CorrelationPoint
    from service_quality.models import ExternalScore, InternalScore

    organisation = synthetic_organisation(units=3, months=4)
    organisation.load(np.arange(12.0).reshape(3, 4) + 60, np.arange(12.0).reshape(3, 4) + 70)
    parameters = {"period_from": organisation.period_from, "period_to": organisation.period_to}
    kept, dropped = request_report(org.hana, **parameters), request_report(org.hana, **parameters)
    assert kept.points.count() == dropped.points.count() == 12

    dropped.delete()
    assert not CorrelationPoint.objects.filter(report_id=dropped.pk).exists()
    closed_unit = organisation.units[0]  # (its scores go first: they protect it)
    ExternalScore.objects.filter(department=closed_unit).delete()
    InternalScore.objects.filter(department=closed_unit).delete()
    closed_unit.delete()
    assert not CorrelationPoint.objects.filter(department_id=closed_unit.pk).exists()
    assert kept.points.count() == 8
