"""The service-quality jobs and their place in the beat schedule."""

from tasks import service_quality
from tasks.schedule import BEAT_SCHEDULE


def test_the_cleanup_runs_daily_and_the_jobs_have_their_names():
    assert (
        BEAT_SCHEDULE["service-quality-import-cleanup"]["task"]
        == service_quality.service_quality_import_cleanup_task.name
    )
    assert service_quality.service_quality_import_task.name == "tasks.service_quality.service_quality_import_task"
