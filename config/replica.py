"""Heavy reads on a streaming replica (`DATABASE_REPLICA_URL`), everything else on the primary.

Which reads are heavy is decided in the code, not guessed: the dashboards, heatmaps, pulse
results, correlation inputs and exports wrap their reads in `heavy_reads()` (a context
manager and a decorator). Inside it, reads go to the `replica` alias when all of these hold:

- a replica is configured (without `DATABASE_REPLICA_URL` there is one database, as before);
- the person has not written in the last `DATABASE_REPLICA_PIN_SECONDS` (they read their own
  writes from the primary; `ReplicaPinMiddleware` marks them after any successful write);
- no transaction is open on the primary (its reads must see its own uncommitted rows);
- the replica answers, is still in recovery, and its replay is at most
  `DATABASE_REPLICA_MAX_LAG_SECONDS` behind (checked at most every
  `DATABASE_REPLICA_CHECK_SECONDS` per process).

Otherwise the reads stay on the primary; a replica that stops being usable is logged once
(and once again when it is usable again), never shown to anyone as an error.
"""

import contextlib
import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache, caches
from django.db import DatabaseError, connections

logger = logging.getLogger("prima.replica")

PRIMARY = "default"
REPLICA = "replica"
PIN_KEY = "prima:replica-pin:{user_id}"

_read_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar("prima_read_alias", default=None)
_request_user: contextvars.ContextVar[object | None] = contextvars.ContextVar("prima_request_user", default=None)

# How far the replica's replay is behind: nothing when it has replayed all it received,
# otherwise the age of the last transaction it replayed.
LAG_QUERY = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class _Health:
    """The last verdict on the replica, per process, renewed when it is older than the check
    interval. `usable` starts unknown (None) so that the first verdict is logged only if bad."""

    def __init__(self):
        self.lock = threading.Lock()
        self.usable: bool | None = None
        self.checked_at = float("-inf")

    def reset(self) -> None:
        with self.lock:
            self.usable, self.checked_at = None, float("-inf")

    def verdict(self) -> bool:
        interval = settings.DATABASE_REPLICA_CHECK_SECONDS
        with self.lock:
            if self.usable is not None and time.monotonic() - self.checked_at < interval:
                return self.usable
            reason = _problem()
            usable = reason is None
            if not usable and self.usable is not False:
                logger.warning("read replica unusable (%s): heavy reads go to the primary", reason)
            elif usable and self.usable is False:
                logger.info("read replica usable again: heavy reads go to it")
            self.usable, self.checked_at = usable, time.monotonic()
            return usable


health = _Health()


def _problem() -> str | None:
    """Why the replica cannot take reads now, or None."""
    connection = connections[REPLICA]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_QUERY)
            in_recovery, lag = cursor.fetchone()
    except DatabaseError as error:
        with contextlib.suppress(DatabaseError):
            connection.close()
        first_line = (str(error).strip().splitlines() or [""])[0]
        return f"{type(error).__name__}: {first_line}"
    if not in_recovery:
        return "it is not in recovery, so it is no replica of the primary"
    bound = settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    if float(lag) > bound:
        return f"replay is {float(lag):.1f}s behind, more than {bound}s"
    return None


def _pinned() -> bool:
    user = _request_user.get()
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    return user_id is not None and bool(cache.get(PIN_KEY.format(user_id=user_id)))


def _choose() -> str:
    if not replica_configured() or connections[PRIMARY].in_atomic_block or _pinned():
        return PRIMARY
    return REPLICA if health.verdict() else PRIMARY


class heavy_reads(contextlib.ContextDecorator):  # read as a phrase: `with heavy_reads():`
    """Marks the reads inside as heavy: they may go to the replica (see the module's doc).
    The choice is made once on entry and holds for the whole block; nested blocks keep it.
    As a decorator (`@heavy_reads()`) it covers a view, an API action or a selector."""

    def _recreate_cm(self):
        return type(self)()  # a decorated function may run in several threads at once

    def __enter__(self):
        current = _read_alias.get()
        self._token = _read_alias.set(current or _choose())
        return self

    def __exit__(self, *exc):
        _read_alias.reset(self._token)
        return False


def current_read_alias() -> str:
    return _read_alias.get() or PRIMARY


class ReplicaRouter:
    """Writes, migrations and ordinary reads on the primary; heavy reads where `heavy_reads()`
    chose."""

    def db_for_read(self, model, **hints):
        return current_read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def read_at_once(calls: Sequence[Callable[[], object]]) -> list[object]:
    """The results of `calls`, read-only functions, in their order, run on up to
    `DATABASE_READ_STREAMS` connections at once: this thread's, and one of its own for each extra
    thread, opened for these calls and closed after them (so nothing is left open when the
    calls return; opening one costs a few milliseconds). Each thread takes the next call when it
    is done with one, so give the slowest first. Each call reads the alias `heavy_reads()` chose
    here. Run one after another, on this thread's connection, inside a transaction or with
    autocommit off (the other connections would not see its rows), on other engines than
    PostgreSQL, or with one stream;
    a thread that cannot open its connection (the server at its limit of connections) leaves
    its share to the others. The first error any call raises is raised here, once every thread
    has stopped."""
    alias = current_read_alias()
    streams = min(settings.DATABASE_READ_STREAMS, len(calls))
    if (
        streams < 2
        or connections[alias].vendor != "postgresql"
        or connections[alias].in_atomic_block
        or connections[PRIMARY].in_atomic_block
        or not connections[alias].get_autocommit()
    ):
        return [call() for call in calls]
    pending: queue.SimpleQueue = queue.SimpleQueue()
    for item in enumerate(calls):
        pending.put(item)
    results: list[object] = [None] * len(calls)
    errors: list[BaseException] = []

    def take_calls() -> None:
        while not errors:
            try:
                index, call = pending.get_nowait()
            except queue.Empty:
                return
            try:
                results[index] = call()
            except BaseException as error:  # noqa: BLE001 - raised again by the caller's thread
                errors.append(error)

    def on_own_connection() -> None:
        try:
            connections[alias].ensure_connection()
        except DatabaseError as error:
            logger.warning("no extra connection for reads at once (%s): fewer streams", error)
        else:
            take_calls()
        finally:
            connections.close_all()
            caches.close_all()

    threads = [
        threading.Thread(target=contextvars.copy_context().run, args=(on_own_connection,), name=f"prima-read-{n}")
        for n in range(1, streams)
    ]
    for thread in threads:
        thread.start()
    try:
        take_calls()
    except BaseException as error:  # an interruption (a time limit): the threads take no further call
        errors.append(error)
        raise
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return results


def pin_to_primary(user) -> None:
    """The person reads from the primary for the next `DATABASE_REPLICA_PIN_SECONDS`."""
    if replica_configured() and getattr(user, "is_authenticated", False):
        cache.set(PIN_KEY.format(user_id=user.pk), 1, timeout=settings.DATABASE_REPLICA_PIN_SECONDS)


class ReplicaPinMiddleware:
    """Knows who is asking (for `heavy_reads()`), and pins a person who has just written:
    any successful request that is not GET, HEAD, OPTIONS or TRACE, by a signed-in person
    (browser session) or an API token."""

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writes = request.method not in self.SAFE_METHODS
        # A sign-in writes only the session, which no heavy read shows: it pins nobody.
        was_signed_in = writes and request.user.is_authenticated
        token = _request_user.set(_LazyUser(request))
        try:
            response = self.get_response(request)
        finally:
            _request_user.reset(token)
        if writes and response.status_code < 400 and (was_signed_in or SESSION_KEY not in request.session):
            pin_to_primary(getattr(request, "user", None))
        return response


class _LazyUser:
    """The request's user, looked up only if a heavy read asks (API views set it late)."""

    def __init__(self, request):
        self.request = request

    @property
    def is_authenticated(self) -> bool:
        user = getattr(self.request, "user", None)
        return bool(user is not None and user.is_authenticated)

    @property
    def pk(self):
        return self.request.user.pk
