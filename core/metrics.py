"""Prometheus metrics: requests, database queries, jobs and queues (README: "Metrics").

- Requests: latency per view and status, and database queries per request, measured by
  `RequestMetricsMiddleware` in the web process (prometheus_client's own registry; gunicorn
  started with `-c config/gunicorn.py` sets `PROMETHEUS_MULTIPROC_DIR` for its workers, so that
  a scrape sums them all).
- Jobs: duration and failures per queue and job. Workers run on other processes and machines,
  so each finished job adds its figures to Redis (a few commands in one round trip) and the
  scrape reads them back; nothing has to share a disk.
- Queues: how many jobs wait in each queue, read from the broker at scrape.
"""

import time

from django.conf import settings
from django.db import connections
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

REQUEST_SECONDS = Histogram(
    "prima_http_request_duration_seconds",
    "Time to answer a request, by view and status.",
    ["method", "view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUEST_QUERIES = Histogram(
    "prima_http_request_db_queries",
    "Database queries made to answer one request, by view.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
DB_QUERIES = Counter("prima_db_queries", "Database queries made by web requests, by database alias.", ["alias"])

JOB_BUCKETS = (0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600)
JOB_KEY = "prima:metrics:jobs"
# kombu's Redis transport keeps a queue's jobs of each priority step in a list of its own.
PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


class RequestMetricsMiddleware:
    """Times each request and counts its database queries."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counts: dict[str, int] = {}
        wrappers = [(alias, _QueryCounter(alias, counts)) for alias in connections]
        started = time.perf_counter()
        managers = [connections[alias].execute_wrapper(wrapper) for alias, wrapper in wrappers]
        for manager in managers:
            manager.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for manager in reversed(managers):
                manager.__exit__(None, None, None)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "unmatched"
        REQUEST_SECONDS.labels(request.method, view, str(response.status_code)).observe(elapsed)
        REQUEST_QUERIES.labels(view).observe(sum(counts.values()))
        for alias, count in counts.items():
            DB_QUERIES.labels(alias).inc(count)
        return response


class _QueryCounter:
    def __init__(self, alias: str, counts: dict[str, int]):
        self.alias, self.counts = alias, counts

    def __call__(self, execute, sql, params, many, context):
        self.counts[self.alias] = self.counts.get(self.alias, 0) + 1
        return execute(sql, params, many, context)


def _redis():
    url = settings.REDIS_URL or settings.CELERY_BROKER_URL
    if not url:
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


_local_jobs: dict[str, float] = {}  # eager mode (no Redis): this process's jobs


def job_finished(*, queue: str, task: str, seconds: float, failed: bool) -> None:
    """Adds one finished job to the shared figures."""
    base = f"{queue}|{task}"
    fields = {f"{base}|count": 1, f"{base}|sum": seconds, f"{base}|failures": int(failed)}
    for bound in JOB_BUCKETS:
        if seconds <= bound:
            fields[f"{base}|le|{bound}"] = 1
    client = _redis()
    if client is None:
        for field, amount in fields.items():
            _local_jobs[field] = _local_jobs.get(field, 0) + amount
        return
    with client.pipeline(transaction=False) as pipe:
        for field, amount in fields.items():
            pipe.hincrbyfloat(JOB_KEY, field, amount)
        pipe.execute()


def _job_figures() -> dict[str, float]:
    client = _redis()
    if client is None:
        return dict(_local_jobs)
    return {field.decode(): float(value) for field, value in client.hgetall(JOB_KEY).items()}


class SharedFiguresCollector:
    """Jobs and queue lengths, read at scrape."""

    def collect(self):
        figures = _job_figures()
        durations = HistogramMetricFamily(
            "prima_job_duration_seconds", "Time jobs took, by queue and job.", labels=["queue", "task"]
        )
        failures = CounterMetricFamily(
            "prima_job_failures", "Jobs that failed, by queue and job.", labels=["queue", "task"]
        )
        for base in sorted({field.rsplit("|", 1)[0] for field in figures if field.endswith("|count")}):
            queue, task = base.split("|", 1)
            buckets = [(str(bound), figures.get(f"{base}|le|{bound}", 0)) for bound in JOB_BUCKETS]
            buckets.append(("+Inf", figures[f"{base}|count"]))
            durations.add_metric([queue, task], buckets, figures.get(f"{base}|sum", 0))
            failures.add_metric([queue, task], figures.get(f"{base}|failures", 0))
        yield durations
        yield failures
        lengths = GaugeMetricFamily("prima_queue_length", "Jobs waiting in each queue.", labels=["queue"])
        client = _redis() if settings.CELERY_BROKER_URL else None
        if client is not None:
            from config.queues import QUEUES, queue

            with client.pipeline(transaction=False) as pipe:
                for name in QUEUES:
                    for suffix in PRIORITY_SUFFIXES:
                        pipe.llen(queue(name).name + suffix)
                counts = pipe.execute()
            steps = len(PRIORITY_SUFFIXES)
            for index, name in enumerate(QUEUES):
                lengths.add_metric([name], sum(counts[index * steps : (index + 1) * steps]))
        yield lengths


def exposition() -> bytes:
    """The text a scrape reads: this process's (or, with PROMETHEUS_MULTIPROC_DIR, every web
    process's) request figures, and the shared job and queue figures."""
    import os

    from prometheus_client import REGISTRY

    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    shared = CollectorRegistry()
    shared.register(SharedFiguresCollector())
    return text + generate_latest(shared)
