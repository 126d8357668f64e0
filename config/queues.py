"""Which queue each job runs on, in one place.

A long correlation report or a 50,000-row import must never delay a reminder e-mail, so jobs
go to named queues and each queue can have workers of its own (README: "Job queues"):

- `reports`: correlation reports and the materialising of a closed round's results;
- `imports`: organisation and service-quality imports and what they recompute;
- `mail`: every job that sends e-mail;
- `maintenance`: housekeeping (purges, the stuck-job sweep);
- `default`: everything else (scheduling, leave accrual, health).

A worker started without `-Q` takes every queue; `-Q reports` (or `-Q mail,default`) only
those. `CELERY_QUEUE_PREFIX` puts a prefix before every name, so that two Prima sites can share
one Redis. A worker asked for a queue Prima does not have stops at start, naming it.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

QUEUES = ("default", "reports", "imports", "mail", "maintenance")

TASK_QUEUES = {
    "tasks.correlation.correlation_report_aggregate_task": "reports",
    "tasks.correlation.correlation_report_statistics_task": "reports",
    "tasks.correlation.correlation_report_finish_task": "reports",
    "tasks.correlation.correlation_standard_report_task": "reports",
    "tasks.surveys.survey_round_close_task": "reports",
    "tasks.surveys.survey_ikm_impact_refresh_task": "reports",
    "tasks.surveys.survey_driver_analyses_backfill_task": "reports",
    "tasks.employees.org_import_apply_task": "imports",
    "tasks.service_quality.service_quality_import_task": "imports",
    "tasks.service_quality.skm_series_refresh_task": "imports",
    "tasks.leave.leave_request_notify_task": "mail",
    "tasks.rewards.recognition_notify_task": "mail",
    "tasks.rewards.bonus_approval_reminder_task": "mail",
    "tasks.surveys.survey_reminders_task": "mail",
    "tasks.surveys.survey_reminder_send_task": "mail",
    "tasks.improvement.action_reminders_task": "mail",
    "tasks.system.idempotency_purge_task": "maintenance",
    "tasks.system.stuck_jobs_sweep_task": "maintenance",
    "tasks.service_quality.service_quality_import_cleanup_task": "maintenance",
    "tasks.system.ping_task": "default",
    "tasks.system.heartbeat_task": "default",
    "tasks.system.employee_count_task": "default",
    "tasks.surveys.survey_rounds_open_due_task": "default",
    "tasks.surveys.survey_rounds_close_expired_task": "default",
    "tasks.leave.leave_accrual_task": "default",
    "tasks.leave.leave_year_end_task": "default",
    "tasks.leave.leave_daily_task": "default",
    "tasks.leave.leave_collective_sync_task": "default",
}

_PREFIX = re.compile(r"[A-Za-z0-9_.:-]*")


def checked_prefix(prefix: str) -> str:
    if not _PREFIX.fullmatch(prefix):
        raise ImproperlyConfigured(f"CELERY_QUEUE_PREFIX may hold only letters, digits and . _ : -; got {prefix!r}.")
    return prefix


def queue(name: str, *, prefix: str | None = None) -> Queue:
    """The queue `name` (one of QUEUES) under the site's prefix."""
    if name not in QUEUES:
        raise ImproperlyConfigured(f"There is no job queue named {name!r}; the queues are {', '.join(QUEUES)}.")
    full = f"{settings.PRIMA_QUEUE_PREFIX if prefix is None else prefix}{name}"
    return Queue(full, Exchange(full), routing_key=full)


def all_queues(prefix: str) -> tuple[Queue, ...]:
    return tuple(queue(name, prefix=prefix) for name in QUEUES)


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery's router: a job goes to its queue, read at send time (so that a test may change
    the prefix); a job not listed here goes to `default`."""
    return {"queue": queue(TASK_QUEUES.get(name, "default"))}
