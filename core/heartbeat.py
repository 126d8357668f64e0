"""The workers' heartbeat: proof for /healthz that beat and a worker are alive.

Beat sends `tasks.system.heartbeat_task` every five minutes (on the `default` queue) and each
worker records one as it starts, so a site just started is not reported down while it waits
for the first beat. With a broker configured, /healthz reports the worker out of reach when the
last heartbeat is older than `HEARTBEAT_FRESH`: no worker took the job, or beat stopped sending it.
"""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "prima:worker-heartbeat"
# Beat sends one every 5 minutes: two missed heartbeats, and a minute for a busy queue.
HEARTBEAT_FRESH = dt.timedelta(minutes=11)


def worker_heartbeat_record(*, now: dt.datetime | None = None) -> str:
    """Records that a worker is alive now; returns the time recorded (ISO 8601)."""
    at = (now or timezone.now()).isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, at, timeout=None)
    return at


def worker_heartbeat_fresh(*, now: dt.datetime | None = None) -> bool:
    """Whether a worker recorded a heartbeat within `HEARTBEAT_FRESH`."""
    recorded = cache.get(HEARTBEAT_CACHE_KEY)
    if recorded is None:
        return False
    return (now or timezone.now()) - dt.datetime.fromisoformat(recorded) <= HEARTBEAT_FRESH
