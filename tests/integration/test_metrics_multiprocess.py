"""/metrics under gunicorn with two workers: whichever worker answers the scrape, the request
figures are the sum of both (prometheus_client's multiprocess mode, `config/gunicorn.py`)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.core.test_metrics import value
from tests.integration.conftest import LOG_DIR, ROOT, _database_url

pytestmark = pytest.mark.integration

TOKEN = "scrape-token-for-the-multiprocess-test-5d1e"
IN_FLIGHT = 6
MOST_REQUESTS = 600


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, **headers) -> bytes:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as answer:
        return answer.read()


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    """gunicorn with two sync workers on a free loopback port, against the test database."""
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "PRIMA_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DB_CONN_MAX_AGE": "0",
    }
    LOG_DIR.mkdir(exist_ok=True)
    log = (LOG_DIR / f"gunicorn-{port}.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log.name}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not listen within 60s; see {log.name}") from None
            time.sleep(0.2)
    yield base, metrics_dir
    process.terminate()
    process.wait(timeout=30)


def _processes_with_figures(metrics_dir) -> set[str]:
    """The processes that have recorded a request: each writes files named after its pid."""
    return {match.group(1) for path in metrics_dir.glob("*.db") if (match := re.search(r"_(\d+)\.db$", path.name))}


def test_a_scrape_sums_the_requests_of_both_workers(gunicorn):
    base, metrics_dir = gunicorn
    # given requests to the sign-in page, several in flight, until both workers have answered some
    sent = 0
    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        while len(_processes_with_figures(metrics_dir)) < 2 and sent < MOST_REQUESTS:
            list(pool.map(lambda _n: _get(f"{base}/accounts/login/"), range(IN_FLIGHT)))
            sent += IN_FLIGHT
    assert len(_processes_with_figures(metrics_dir)) == 2, "one worker answered every request"
    # when Prometheus scrapes, answered by one of the workers
    body = _get(f"{base}/metrics", Authorization=f"Bearer {TOKEN}")
    # then every request to the sign-in page is counted, whichever worker answered it
    assert value(body, "prima_http_request_duration_seconds_count", view="login") == sent
    assert value(body, "prima_http_request_db_queries_count", view="login") == sent
