"""gunicorn's hooks for Prima's web service: `gunicorn -c config/gunicorn.py config.wsgi:application`.

Each gunicorn worker is a process of its own, so request figures (`core.metrics`) are kept in
prometheus_client's multiprocess mode: every worker writes its figures to files in one directory
and a scrape, answered by any worker, sums them all. The directory is `PROMETHEUS_MULTIPROC_DIR`
when it is set (emptied here at start: figures of an earlier run would be counted again), or a
new temporary directory. It is set in the environment before the workers start, since
prometheus_client reads it when it is first imported.
"""

import os
import tempfile
from pathlib import Path


def metrics_directory() -> Path:
    """The directory the workers share, empty; created when missing."""
    named = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    directory = Path(named) if named else Path(tempfile.mkdtemp(prefix="prima-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
    return directory


def on_starting(server) -> None:
    server.log.info("request metrics summed over workers in %s", metrics_directory())


def child_exit(server, worker) -> None:
    """A worker that ended leaves its counters (they still count) but not its live gauges."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
