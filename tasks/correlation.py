"""Correlation reports: the three steps of a report's job, and the monthly standard report."""

from celery import Task, shared_task
from django.utils import timezone

from core.jobs import job_heartbeat
from correlation.apps import JOB_LABEL
from correlation.errors import TRANSIENT_ERRORS


class ReportStepTask(Task):
    """A step of a report's job: acknowledged late (a worker that dies hands it to another),
    retried with exponential backoff on transient database errors; when the retries run out
    the report ends as failed."""

    acks_late = True
    reject_on_worker_lost = True
    max_retries = 5
    retry_backoff = 2
    retry_backoff_max = 120
    retry_jitter = True
    autoretry_for = TRANSIENT_ERRORS

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        from correlation.services import correlation_report_fail, readable_error

        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is not None:
            correlation_report_fail(report_id=report_id, error=readable_error(exc))


@shared_task(base=ReportStepTask)
def correlation_report_aggregate_task(report_id: int) -> int:
    from correlation.services import correlation_report_run_step

    with job_heartbeat(JOB_LABEL, report_id):
        correlation_report_run_step(report_id=report_id, step="aggregate")
    return report_id


@shared_task(base=ReportStepTask)
def correlation_report_statistics_task(report_id: int) -> int:
    from correlation.services import correlation_report_run_step

    with job_heartbeat(JOB_LABEL, report_id):
        correlation_report_run_step(report_id=report_id, step="statistics")
    return report_id


@shared_task(base=ReportStepTask)
def correlation_report_finish_task(report_id: int) -> int:
    from correlation.services import correlation_report_run_step

    with job_heartbeat(JOB_LABEL, report_id):
        correlation_report_run_step(report_id=report_id, step="finish")
    return report_id


@shared_task(acks_late=True)
def correlation_standard_report_task() -> int | None:
    """The standard report of the last twelve complete months (once per set of parameters)."""
    from correlation.services import correlation_report_standard

    report = correlation_report_standard(today=timezone.localdate())
    return report.pk if report else None
