"""Jobs about external service quality: large imports, and tidying old import files."""

from celery import shared_task

from core.jobs import job_heartbeat
from service_quality.apps import JOB_LABEL


@shared_task
def service_quality_import_task(score_import_id: int) -> str:
    """Checks and imports a queued file (all or nothing); safe to run again."""
    from service_quality.services import score_import_run

    with job_heartbeat(JOB_LABEL, score_import_id):
        return score_import_run(score_import_id=score_import_id).status


@shared_task
def service_quality_import_cleanup_task() -> dict[str, int]:
    """Drops unconfirmed uploads and clears the content of old imports."""
    from service_quality.services import score_import_discard_stale

    return score_import_discard_stale()


@shared_task(acks_late=True)
def skm_series_refresh_task(department_id: int, period: str) -> int:
    """Rewrites a unit's month of the `skm` series from its collected answers (after answers
    arrive; several answers within a few seconds share one run). Idempotent."""
    import datetime as dt

    from service_quality.collecting import collected_series_refresh

    return collected_series_refresh(department_id=department_id, period=dt.date.fromisoformat(period))
