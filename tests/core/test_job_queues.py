"""Every job has its queue, declared in one place (`config.queues`)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.celery import app
from config.queues import QUEUES, TASK_QUEUES, queue, route_task


def prima_tasks() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.startswith("tasks.")}


def test_every_job_is_routed_to_a_queue_of_its_own_choosing():
    assert prima_tasks() == set(TASK_QUEUES)
    assert set(TASK_QUEUES.values()) == set(QUEUES)


@pytest.mark.parametrize(
    ("task", "expected"),
    [
        ("tasks.correlation.correlation_report_aggregate_task", "reports"),
        ("tasks.employees.org_import_apply_task", "imports"),
        ("tasks.rewards.recognition_notify_task", "mail"),
        ("tasks.system.stuck_jobs_sweep_task", "maintenance"),
        ("tasks.leave.leave_accrual_task", "default"),
    ],
)
def test_a_job_is_sent_to_its_queue_under_the_site_prefix(settings, task, expected):
    settings.PRIMA_QUEUE_PREFIX = "ministry."
    routed = route_task(task, (), {}, {})["queue"]
    assert routed.name == routed.routing_key == f"ministry.{expected}"


def test_the_workers_are_told_of_every_queue():
    assert [q.name for q in app.conf.task_queues] == list(QUEUES)
    assert app.conf.task_default_queue == "default"
    assert app.conf.task_create_missing_queues is False


def test_an_unknown_queue_name_is_refused_naming_it():
    with pytest.raises(ImproperlyConfigured, match="'reprots'"):
        queue("reprots")
