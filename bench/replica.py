"""Dashboard and results throughput with 16 requests in flight: primary only, then primary +
replica, in one run (`python -m bench.replica`).

A primary and its streaming replica of their own (`bench.replica_pair`) hold the demo
organisation (`seed_demo`). gunicorn with production settings serves it twice, first with only
`DATABASE_URL`, then with `DATABASE_REPLICA_URL` too; each time 16 clients signed in as
leadership ask for the dashboard and the pulse results page in turn for a fixed time. The rows
the replica returned during each phase show where the reads went.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import time

import numpy as np

from bench._common import ROOT, machine, save_results
from bench.api import Call, Server, _send
from bench.replica_pair import Pair, postgres_bindir, replica_pair

IN_FLIGHT = 16
PATHS = ("/insights/", "/pulse/results/")


def _fill(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    env.pop("DATABASE_REPLICA_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)


def _leader_cookies(count: int) -> list[str]:
    from bench.api import _session_cookie
    from employees.models import User

    leader = User.objects.get(username="leadership")
    return [_session_cookie(leader) for _ in range(count)]


def _rows_read(cluster) -> int:
    return int(cluster.query("SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = 'prima'")[0])


async def _load(port: int, cookies: list[str], seconds: float) -> list[tuple[int, float]]:
    outcomes: list[tuple[int, float]] = []
    stop_at = time.monotonic() + seconds

    async def client(index: int) -> None:
        turn = index
        while time.monotonic() < stop_at:
            path = PATHS[turn % len(PATHS)]
            turn += 1
            outcome = await _send(
                "127.0.0.1", port, Call("GET", path, {"Cookie": cookies[index], "Accept": "text/html"})
            )
            outcomes.append((outcome.status, outcome.seconds))

    await asyncio.gather(*(client(index) for index in range(IN_FLIGHT)))
    return outcomes


def _phase(pair: Pair, *, replica: bool, workers: int, seconds: float, cookies: list[str]) -> dict:
    if replica:
        os.environ["DATABASE_REPLICA_URL"] = pair.replica.url()
    else:
        os.environ.pop("DATABASE_REPLICA_URL", None)
    server = Server(workers=workers, queue="prima-bench-replica.", broker="")
    server.start()
    try:
        asyncio.run(_load(server.port, cookies, 3))  # warm-up: connections, caches
        replica_rows = _rows_read(pair.replica)
        primary_rows = _rows_read(pair.primary)
        outcomes = asyncio.run(_load(server.port, cookies, seconds))
        replica_rows = _rows_read(pair.replica) - replica_rows
        primary_rows = _rows_read(pair.primary) - primary_rows
    finally:
        server.stop()
        os.environ.pop("DATABASE_REPLICA_URL", None)
    ok = [elapsed for status, elapsed in outcomes if status == 200]
    return {
        "requests": len(outcomes),
        "errors": len(outcomes) - len(ok),
        "per_second": round(len(ok) / seconds, 2),
        "p50_ms": round(float(np.percentile(ok, 50)) * 1000, 1) if ok else None,
        "p95_ms": round(float(np.percentile(ok, 95)) * 1000, 1) if ok else None,
        "rows_read_primary": primary_rows,
        "rows_read_replica": replica_rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replica", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=30, help="measured time per phase")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args(argv)
    bindir = postgres_bindir()
    if bindir is None:
        raise SystemExit("bench.replica needs PostgreSQL's server programs (initdb, pg_basebackup).")
    with replica_pair(_fill, bindir=bindir) as pair:
        os.environ["DATABASE_URL"] = pair.primary.url()
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
        import django

        django.setup()
        cookies = _leader_cookies(IN_FLIGHT)
        pair.wait_until_caught_up()
        phases = {}
        for label, replica in (("primary only", False), ("primary + replica", True)):
            phases[label] = _phase(pair, replica=replica, workers=args.workers, seconds=args.seconds, cookies=cookies)
            figures = phases[label]
            print(
                f"{label:<18} {figures['per_second']:7.2f} req/s  p50 {figures['p50_ms']} ms"
                f"  p95 {figures['p95_ms']} ms  errors {figures['errors']}"
                f"  rows read: primary {figures['rows_read_primary']:,}"
                f" replica {figures['rows_read_replica']:,}",
                flush=True,
            )
        result = {
            "in_flight": IN_FLIGHT,
            "paths": list(PATHS),
            "seconds": args.seconds,
            "workers": args.workers,
            "organisation": "seed_demo",
            "phases": phases,
            "machine": machine(),
        }
        save_results("replica", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
