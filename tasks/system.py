"""Jobs about Prima itself: liveness and a round trip through the whole stack."""

from celery import shared_task

from core.heartbeat import worker_heartbeat_record


@shared_task
def ping_task() -> str:
    return "pong"


@shared_task
def heartbeat_task() -> str:
    """Records when a worker last ran a job, for /healthz."""
    return worker_heartbeat_record()


@shared_task
def employee_count_task() -> int:
    """Reads the database from the worker: the round trip the integration tests use."""
    from employees.selectors import employee_count

    return employee_count()


@shared_task
def idempotency_purge_task() -> int:
    from core.idempotency import idempotency_records_purge

    return idempotency_records_purge()


@shared_task
def stuck_jobs_sweep_task() -> dict:
    """Beat: starts again (or, after two tries, fails with the reason) every report or import
    left running by a job that shows no sign of life."""
    from core.jobs import stuck_jobs_sweep

    return stuck_jobs_sweep()
