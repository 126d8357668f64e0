"""Handing work to a Celery job by name, so that services never import `tasks/` (the arrows run
one way: tasks → services)."""

import importlib

from django.db import transaction


def enqueue_on_commit(task_path: str, *args) -> None:
    """Queues the job `task_path` ("tasks.<area>.<name>_task") with `args` once the current
    transaction commits (at once outside one); with eager Celery it runs then, in-process."""
    module_name, _, task_name = task_path.rpartition(".")
    task = getattr(importlib.import_module(module_name), task_name)
    transaction.on_commit(lambda: task.delay(*args))
