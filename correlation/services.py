"""Correlation reports: every write.

A report is requested (`correlation_report_request`), then computed by a Celery chain of three
steps, each idempotent so that a re-delivered job changes nothing twice:

1. `aggregate`: reads the inputs (GROUP BY in the owning apps), rolls them up to the report's
   granularity and stores the series on the report;
2. `statistics`: runs every test and replaces the report's results and points in one
   transaction;
3. `finish`: marks the report succeeded.

A step that meets a transient database error raises it, so that Celery retries it with
backoff; any other error ends the report as `failed` with a readable message.
"""

import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable

from celery import Signature, chain
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.bulk import insert_rows
from core.jobs import enqueue_on_commit, job
from core.periods import Period
from correlation import analysis, inputs, series
from correlation.errors import TRANSIENT_ERRORS
from correlation.models import (
    MAX_LAG,
    CorrelationPoint,
    CorrelationReport,
    CorrelationResult,
    Granularity,
    ReportStatus,
)

logger = logging.getLogger(__name__)

# The standard report: the last twelve complete months, by month, lags up to two months.
STANDARD_MONTHS = 12
STANDARD_MAX_LAG = 2

# The longest range a report may cover: its matrices are units × periods for every metric.
MAX_MONTHS = 120
PROGRESS_AFTER_AGGREGATE = 30
PROGRESS_AFTER_STATISTICS = 95
PROGRESS_INTERVAL = 0.5  # seconds


def _validate(
    *, period_from: dt.date, period_to: dt.date, granularity: str, max_lag: int, source: str, dimension: str
) -> None:
    errors: dict[str, list[str]] = {}
    if period_from > period_to:
        errors["period_from"] = [_("The first period must not be after the last.")]
    elif Period.of(period_from).shift(MAX_MONTHS) <= Period.of(period_to):
        errors["period_to"] = [_("A report covers at most %(years)d years.") % {"years": MAX_MONTHS // 12}]
    if granularity not in Granularity.values:
        errors["granularity"] = [_("Choose month, quarter or year.")]
    if not (0 <= max_lag <= MAX_LAG):
        errors["max_lag"] = [_("The largest lag must be between 0 and %(max)d.") % {"max": MAX_LAG}]
    pairs = inputs.external_sources_and_dimensions()
    sources = sorted({s for s, _d in pairs})
    if source not in sources:
        errors["external_source"] = [
            _("Unknown source “%(source)s”; known: %(known)s.") % {"source": source, "known": ", ".join(sources) or "—"}
        ]
    elif dimension:
        dimensions = sorted(d for s, d in pairs if s == source)
        if dimension not in dimensions:
            errors["external_dimension"] = [
                _("Unknown dimension “%(dimension)s” for %(source)s; known: %(known)s.")
                % {"dimension": dimension, "source": source, "known": ", ".join(dimensions)}
            ]
    if not errors and inputs.external_higher_is_better(source=source, dimension=dimension) is None:
        errors["external_dimension"] = [
            _("The %(source)s measures point different ways (some are lower-is-better); choose one dimension.")
            % {"source": source}
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def correlation_report_request(
    *,
    actor,
    period_from: dt.date,
    period_to: dt.date,
    granularity: str,
    max_lag: int,
    external_source: str,
    external_dimension: str = "",
    shrink_units: bool = False,
    is_standard: bool = False,
) -> CorrelationReport:
    """A new report, pending; its job starts when this transaction commits. Which external scores
    are better comes from the measure, as it was described when its scores came in."""
    period_from, period_to = Period.of(period_from).first_day, Period.of(period_to).first_day
    _validate(
        period_from=period_from,
        period_to=period_to,
        granularity=granularity,
        max_lag=max_lag,
        source=external_source,
        dimension=external_dimension,
    )
    report = CorrelationReport.objects.create(
        period_from=period_from,
        period_to=period_to,
        granularity=granularity,
        max_lag=max_lag,
        external_source=external_source,
        external_dimension=external_dimension,
        external_higher_is_better=inputs.external_higher_is_better(
            source=external_source, dimension=external_dimension
        ),
        shrink_units=shrink_units,
        is_standard=is_standard,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    correlation_report_start(report_id=report.pk)
    return report


# A report's job: three steps, each on the `reports` queue, chained.
REPORT_STEP_JOBS = (
    "tasks.correlation.correlation_report_aggregate_task",
    "tasks.correlation.correlation_report_statistics_task",
    "tasks.correlation.correlation_report_finish_task",
)


def correlation_report_job(report_id: int) -> Signature:
    """aggregate → statistics → finish of report `report_id`, as one chain."""
    return chain(*(job(name, report_id) for name in REPORT_STEP_JOBS))


def correlation_report_start(*, report_id: int) -> None:
    """Sends the report's job once the current transaction commits (again: it is idempotent)."""
    enqueue_on_commit(correlation_report_job(report_id))


def standard_parameters(*, today: dt.date) -> dict:
    """The standard report's parameters on `today`: the last twelve complete months, the SKM
    index where SKM scores exist, else the first source that has scores (every dimension)."""
    period_to = Period.of(today).shift(-1)
    pairs = inputs.external_sources_and_dimensions()
    if ("skm", "ikm") in pairs:
        source, dimension = "skm", "ikm"
    elif pairs:
        source, dimension = pairs[0][0], ""
        if inputs.external_higher_is_better(source=source, dimension="") is None:
            dimension = pairs[0][1]  # the source's measures point different ways: its first one
    else:
        source, dimension = "", ""
    return {
        "period_from": period_to.shift(-(STANDARD_MONTHS - 1)).first_day,
        "period_to": period_to.first_day,
        "granularity": Granularity.MONTH,
        "max_lag": STANDARD_MAX_LAG,
        "external_source": source,
        "external_dimension": dimension,
    }


def correlation_report_request_once(*, actor, is_standard: bool = False, **parameters) -> CorrelationReport:
    """The report with these parameters that is pending, running or done; a new one only when
    there is none (or only failed ones)."""
    existing = (
        CorrelationReport.objects.filter(is_standard=is_standard, **parameters)
        .exclude(status=ReportStatus.FAILED)
        .order_by("-created_at", "-id")
        .first()
    )
    if existing is not None:
        return existing
    return correlation_report_request(actor=actor, is_standard=is_standard, **parameters)


def correlation_report_standard(*, today: dt.date) -> CorrelationReport | None:
    """The standard monthly report, once per set of parameters (None when no external scores
    exist at all). The schedule asks for it, never a person: it is credited to nobody."""
    parameters = standard_parameters(today=today)
    if not parameters["external_source"]:
        return None
    return correlation_report_request_once(actor=None, is_standard=True, **parameters)


def _locked() -> QuerySet[CorrelationReport]:
    """Reports to lock, without their series: several MB of JSON at full scale, which only the
    statistics step reads."""
    return CorrelationReport.objects.select_for_update().defer("series")


def _set_progress(report_id: int, progress: int) -> None:
    CorrelationReport.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(progress=progress)


def _progress_written_every(report_id: int, span: int, *, seconds: float) -> Callable[[float], None]:
    """The statistics step's progress, written at most once every `seconds`: a report computed
    in a fraction of a second writes none, a long one keeps its page's bar moving."""
    last = time.monotonic()

    def written(done: float) -> None:
        nonlocal last
        if time.monotonic() - last >= seconds:
            last = time.monotonic()
            _set_progress(report_id, PROGRESS_AFTER_AGGREGATE + int(span * done * 0.9))

    return written


def _record_timing(report: CorrelationReport, step: str, started: float) -> dict:
    return {**report.timings, step: round(time.perf_counter() - started, 4)}


def _fingerprint(report: CorrelationReport, aggregated: dict) -> str:
    parameters = [
        str(report.period_from),
        str(report.period_to),
        report.granularity,
        report.max_lag,
        report.external_source,
        report.external_dimension,
        report.external_higher_is_better,
        report.shrink_units,
    ]
    payload = json.dumps({"parameters": parameters, "series": aggregated}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def correlation_report_aggregate(*, report_id: int) -> None:
    started = time.perf_counter()
    with transaction.atomic():
        report = _locked().get(pk=report_id)
        if report.is_finished:
            return
        report.status = ReportStatus.RUNNING
        report.started_at = report.started_at or timezone.now()
        report.progress = 5
        report.save(update_fields=["status", "started_at", "progress"])
    first, last = report.coverage
    read = inputs.read(
        period_from=first, period_to=last, external_source=report.external_source, shrink=report.shrink_units
    )
    aggregated = series.aggregate(
        read,
        granularity=report.granularity_choice,
        period_from=first,
        period_to=last,
        external_source=report.external_source,
        external_dimension=report.external_dimension,
    )
    with transaction.atomic():
        report = _locked().get(pk=report_id)
        if report.is_finished:
            return
        report.series = aggregated
        report.notes = sorted(set(read.notes))
        report.latest_input_period = read.latest_period(until=report.period_to)
        report.input_fingerprint = _fingerprint(report, aggregated)
        report.progress = PROGRESS_AFTER_AGGREGATE
        report.timings = _record_timing(report, "aggregate", started)
        report.save(
            update_fields=["series", "notes", "latest_input_period", "input_fingerprint", "progress", "timings"]
        )


def correlation_report_statistics(*, report_id: int) -> None:
    started = time.perf_counter()
    report = CorrelationReport.objects.get(pk=report_id)
    if report.status != ReportStatus.RUNNING or not report.input_fingerprint:
        return
    panel = analysis.Panel(report.series)
    floors = analysis.Floors.from_settings()
    span = PROGRESS_AFTER_STATISTICS - PROGRESS_AFTER_AGGREGATE
    rows = analysis.run(
        panel,
        max_lag=report.max_lag,
        external_source=report.external_source,
        external_dimension=report.external_dimension,
        floors=floors,
        on_progress=_progress_written_every(report_id, span, seconds=PROGRESS_INTERVAL),
    )
    headline = {"external_source": report.external_source, "external_dimension": report.external_dimension}
    points = analysis.headline_points(panel, **headline)
    disclosure = analysis.disclosure(panel, floors=floors, **headline)
    with transaction.atomic():
        report = _locked().get(pk=report_id)
        if report.status != ReportStatus.RUNNING:
            return
        # Delete and replace: a step run twice leaves one set of results.
        report.results.all().delete()
        report.points.all().delete()
        fields = list(rows[0]) if rows else []
        insert_rows(
            CorrelationResult, ["report", *fields], ((report.pk, *(row[name] for name in fields)) for row in rows)
        )
        insert_rows(
            CorrelationPoint,
            ["report", "department", "period", "internal", "external"],
            ((report.pk, department_id, period, x, y) for department_id, period, x, y in points),
        )
        report.disclosure = disclosure
        report.progress = PROGRESS_AFTER_STATISTICS
        report.timings = _record_timing(report, "statistics", started)
        report.save(update_fields=["disclosure", "progress", "timings"])


@transaction.atomic
def correlation_report_finish(*, report_id: int) -> None:
    report = _locked().get(pk=report_id)
    if report.status != ReportStatus.RUNNING or report.progress < PROGRESS_AFTER_STATISTICS:
        return
    report.status = ReportStatus.SUCCEEDED
    report.progress = 100
    report.finished_at = timezone.now()
    report.timings = {**report.timings, "total": round((report.finished_at - report.started_at).total_seconds(), 4)}
    report.save(update_fields=["status", "progress", "finished_at", "timings"])


@transaction.atomic
def correlation_report_fail(*, report_id: int, error: str) -> None:
    """Ends the report as failed with `error` (a report already finished stays as it is)."""
    report = _locked().filter(pk=report_id).first()
    if report is None or report.is_finished:
        return
    report.status = ReportStatus.FAILED
    report.error = error
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])


def readable_error(error: BaseException) -> str:
    if isinstance(error, TRANSIENT_ERRORS):
        return _(
            "The database could not be reached while the report was computed, even after several tries. "
            "Run the report again later."
        )
    return _(
        "The report could not be computed (%(kind)s: %(detail)s). Run it again; if it fails again, "
        "the administrators will find the details in the worker's log."
    ) % {"kind": type(error).__name__, "detail": str(error)[:300]}


_STEP_FUNCTIONS = {
    "aggregate": correlation_report_aggregate,
    "statistics": correlation_report_statistics,
    "finish": correlation_report_finish,
}


def correlation_report_run_step(*, report_id: int, step: str) -> None:
    """Runs one step. Transient database errors are raised (for a retry); anything else ends
    the report as failed, so that the rest of the chain finds nothing to do."""
    try:
        _STEP_FUNCTIONS[step](report_id=report_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # every other failure becomes the report's error
        logger.exception("correlation report %s failed in step %s", report_id, step)
        correlation_report_fail(report_id=report_id, error=readable_error(error))
