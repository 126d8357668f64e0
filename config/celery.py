"""The Celery application. Jobs live in `tasks/` (one module per area); beat entries in
`tasks/schedule.py`."""

import logging
import os
import pkgutil
import threading
import time

from celery import Celery, bootsteps, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("prima")
app.config_from_object("django.conf:settings", namespace="CELERY")


def _task_modules() -> list[str]:
    import tasks

    return [f"tasks.{module.name}" for module in pkgutil.iter_modules(tasks.__path__) if module.name != "schedule"]


app.conf.include = _task_modules()

logger = logging.getLogger(__name__)


class LeaseRenewal(bootsteps.StartStopStep):
    """Keeps the lease of every job this worker holds, so that a short visibility timeout is
    safe for long jobs.

    Redis hands an unacknowledged job to another worker once its delivery is older than the
    visibility timeout (a minute). A thread of the consuming process moves the delivery time of
    each job the worker still holds (running, prefetched, or waiting for a retry) to now, four
    times per timeout; a worker that dies stops doing so, and its jobs go back to the queue a
    minute later. `ZADD XX` only touches deliveries still waiting for their acknowledgement."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent, **kwargs):
        super().__init__(parent, **kwargs)
        self.stopping: threading.Event | None = None

    def start(self, consumer):
        channel = consumer.task_consumer.channel
        qos = getattr(channel, "qos", None)
        if not hasattr(qos, "unacked_index_key"):
            return  # not the Redis transport: nothing to renew
        timeout = consumer.app.conf.broker_transport_options.get("visibility_timeout", 3600)
        self.stopping = threading.Event()
        thread = threading.Thread(
            target=self._renew, args=(channel, qos, timeout / 4, self.stopping), name="lease-renewal", daemon=True
        )
        thread.start()

    def stop(self, consumer):
        if self.stopping is not None:
            self.stopping.set()

    shutdown = stop

    @staticmethod
    def _renew(channel, qos, interval: float, stopping: threading.Event) -> None:
        while not stopping.wait(interval):
            try:
                tags = tuple(qos._delivered)
            except RuntimeError:  # changed while copied; the next turn comes soon
                continue
            if not tags:
                continue
            try:
                with channel.conn_or_acquire() as client:
                    now = time.time()
                    client.zadd(qos.unacked_index_key, dict.fromkeys(tags, now), xx=True)
            except Exception:  # a lost broker is retried on the next turn
                logger.warning("could not renew the lease of %d job(s)", len(tags), exc_info=True)


app.steps["consumer"].add(LeaseRenewal)


@app.on_after_finalize.connect
def _install_beat_schedule(sender, **kwargs):
    from tasks.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE


@signals.worker_ready.connect
def _first_heartbeat(**kwargs):
    """A worker that starts is alive for /healthz at once, not only from beat's next heartbeat."""
    from core.heartbeat import worker_heartbeat_record

    try:
        worker_heartbeat_record()
    except Exception:  # a cache out of reach stops no worker; beat's heartbeat follows
        logger.warning("could not record the worker's first heartbeat", exc_info=True)


_job_started: dict[str, float] = {}


@signals.task_prerun.connect
def _time_job(task_id=None, **kwargs):
    _job_started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _record_job(task_id=None, task=None, state=None, **kwargs):
    """Each finished job's duration and outcome, per queue, for the metrics endpoint. A retry
    is not yet an outcome; the figures never stop a job."""
    started = _job_started.pop(task_id, None)
    if started is None or task is None or state == "RETRY":
        return
    from config.queues import TASK_QUEUES
    from core.metrics import job_finished

    try:
        job_finished(
            queue=TASK_QUEUES.get(task.name, "default"),
            task=task.name,
            seconds=time.perf_counter() - started,
            failed=state == "FAILURE",
        )
    except Exception:
        logger.warning("could not record the metrics of job %s", task.name, exc_info=True)
