"""Long jobs that record their state on a row (a correlation report, a score import, …): signs of
life while they run, and the sweep that finds those whose job was lost.

A worker that dies hands its job back to the queue within a minute (`config.celery`). What that
cannot cover — a job whose message was lost with the broker, or that stopped without a word —
leaves its row `running` for ever. Each app declares its job rows here (`job_kind_register`, from
its `AppConfig.ready`), its jobs beat while they run (`job_heartbeat`), and the beat job
`tasks.system.stuck_jobs_sweep_task` starts a row again whose job has not beaten for
`PRIMA_JOB_STUCK_MINUTES`, at most `STUCK_JOB_RESTARTS` times, then fails it with the reason.
`core` imports no app: the apps bring their models and their own start and fail functions.

Signs of life live in the cache (Redis in production), not on the row: a job that holds its row
locked inside a long transaction could not update it, and nobody else could read the update.
"""

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from celery import Signature, current_app
from django.conf import settings
from django.core.cache import cache, caches
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# A running job beats this often; its sign of life lasts PRIMA_JOB_STUCK_MINUTES.
HEARTBEAT_SECONDS = 30
# How many times the sweep starts a lost job again before it fails it.
STUCK_JOB_RESTARTS = 2
# The restarts are counted for this long (a row stuck again a week later starts afresh).
RESTART_COUNT_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class JobKind:
    """A kind of job row: `running` rows of `model` (status in `status_field`) that started
    (`started_field`) before the bound and show no sign of life are stuck. `restart(pk)` sends
    the job again (it must be idempotent); `fail(pk, reason)` ends the row with the reason."""

    label: str
    model: type[models.Model]
    restart: Callable[[int], None]
    fail: Callable[[int, str], None]
    status_field: str = "status"
    running: str = "running"
    started_field: str = "started_at"


_KINDS: dict[str, JobKind] = {}


def job_kind_register(kind: JobKind) -> None:
    """Declares a kind of job row to the sweep (again with the same label: replaced)."""
    _KINDS[kind.label] = kind


def job_kinds() -> list[JobKind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.label)


def _alive_key(label: str, pk: int) -> str:
    return f"prima:job:{label}:{pk}:alive"


def _restarts_key(label: str, pk: int) -> str:
    return f"prima:job:{label}:{pk}:restarts"


def _stuck_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.PRIMA_JOB_STUCK_MINUTES)


def job_alive(label: str, pk: int) -> None:
    """Records a sign of life of the job of row `pk`, lasting PRIMA_JOB_STUCK_MINUTES."""
    cache.set(_alive_key(label, pk), timezone.now().isoformat(), timeout=int(_stuck_after().total_seconds()))


@contextlib.contextmanager
def job_heartbeat(label: str, pk: int, *, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Beats for the job of row `pk` while the block runs: at once, then every `every` seconds
    from a thread, so that a step busy in one long computation or transaction still beats."""
    job_alive(label, pk)
    stopping = threading.Event()

    def beat() -> None:
        try:
            while not stopping.wait(every):
                try:
                    job_alive(label, pk)
                except Exception:  # a missed beat is retried; the sweep allows many
                    logger.warning("no heartbeat for %s %s", label, pk, exc_info=True)
        finally:
            caches.close_all()  # this thread's own cache connections

    thread = threading.Thread(target=beat, name=f"heartbeat-{label}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stopping.set()
        thread.join(timeout=every)


def stuck_jobs_sweep(*, now: dt.datetime | None = None) -> dict[str, dict[str, list[int]]]:
    """Starts again, or fails, every registered row left running by a lost job. Returns
    `{label: {"restarted": [ids], "failed": [ids]}}` for the kinds where something was done."""
    now = now or timezone.now()
    bound = now - _stuck_after()
    done: dict[str, dict[str, list[int]]] = {}
    for kind in job_kinds():
        running = kind.model._default_manager.filter(
            **{kind.status_field: kind.running, f"{kind.started_field}__lt": bound}
        )
        for pk in running.values_list("pk", flat=True):
            if cache.get(_alive_key(kind.label, pk)) is not None:
                continue
            restarts = cache.get(_restarts_key(kind.label, pk), 0)
            outcome = done.setdefault(kind.label, {"restarted": [], "failed": []})
            if restarts < STUCK_JOB_RESTARTS:
                cache.set(_restarts_key(kind.label, pk), restarts + 1, timeout=RESTART_COUNT_SECONDS)
                # The new job has the whole bound to start and beat before it is looked at again.
                job_alive(kind.label, pk)
                logger.warning("%s %s: no sign of life since %s; started again", kind.label, pk, bound)
                kind.restart(pk)
                outcome["restarted"].append(pk)
            else:
                reason = _(
                    "The job stopped answering and was started again %(times)s times without finishing; "
                    "it was given up. Start it again; if it stops again, the administrators will find "
                    "the details in the worker's log."
                ) % {"times": restarts}
                logger.error("%s %s: lost %s times; failed", kind.label, pk, restarts + 1)
                kind.fail(pk, reason)
                cache.delete(_restarts_key(kind.label, pk))
                outcome["failed"].append(pk)
    return done


def job(name: str, *args) -> Signature:
    """The job `name` ("tasks.<area>.<name>_task") with `args`, found by name, so that a service
    never imports `tasks/` (the arrows run one way: tasks → services). Signatures chain with `|`.
    A name no job answers to fails here, in eager mode and with a broker alike."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()  # `tasks/` is imported by the worker, not by the web process
        if name not in app.tasks:
            raise LookupError(f"There is no job named {name!r}.")
    return app.signature(name, args=args, immutable=True)


def enqueue_on_commit(work: str | Signature, *args, countdown: int | None = None) -> None:
    """Queues `work` — a job's name with its `args`, or a signature from `job()` (a chain) — once
    the current transaction commits (at once outside one), on the job's queue (`config.queues`).
    With eager Celery it runs then, in-process. The one way a service starts a job."""
    signature = job(work, *args) if isinstance(work, str) else work
    options = {} if countdown is None else {"countdown": countdown}
    transaction.on_commit(lambda: signature.apply_async(**options))
