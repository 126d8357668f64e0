"""The Celery application. Jobs live in `tasks/` (one module per area); beat entries in
`tasks/schedule.py`."""

import os
import pkgutil

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prima")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_modules() -> list[str]:
    import tasks

    return [f"tasks.{module.name}" for module in pkgutil.iter_modules(tasks.__path__) if module.name != "schedule"]


app.conf.include = _task_modules()


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from tasks.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
