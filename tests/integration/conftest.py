"""A real Celery worker, started as its own process against the test database and Redis.

The workers of a test consume queues of their own (Prima's named queues behind a prefix unique
to the test), so that no other worker on the machine takes these jobs, and connect to the test
database that pytest-django created.
"""

import itertools
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / ".pytest-logs"
_worker_numbers = itertools.count(1)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class WorkerProcess:
    """A worker on every queue of the test's prefix, or only on `queues`."""

    def __init__(self, prefix: str, queues: tuple[str, ...] = ()):
        self.prefix = prefix
        self.queues = queues
        label = f"{prefix}{'-'.join(queues) or 'all'}-{next(_worker_numbers)}"
        self.name = f"prima-test-{label}@localhost"
        self.process: subprocess.Popen | None = None
        LOG_DIR.mkdir(exist_ok=True)
        self.log_path = LOG_DIR / f"worker-{label}.log"

    def start(self, timeout: float = 60.0) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_QUEUE_PREFIX": self.prefix,
            "DB_CONN_MAX_AGE": "0",
        }
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "-n",
                self.name,
                *(["-Q", ",".join(f"{self.prefix}{name}" for name in self.queues)] if self.queues else []),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the Celery worker exited early; see {self.log_path}")
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError(f"the Celery worker did not answer within {timeout:.0f}s; see {self.log_path}")

    def kill(self) -> None:
        """Ends the worker at once, as a crash would (SIGKILL: no warm shutdown)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def celery_worker_queue(settings):
    """Jobs sent by this test go to queues no other worker consumes: Prima's queues behind a
    prefix of the test's own."""
    prefix = f"test-{uuid.uuid4().hex[:10]}."
    settings.PRIMA_QUEUE_PREFIX = prefix
    previous = celery_app.conf.task_default_queue, celery_app.conf.task_always_eager
    celery_app.conf.task_default_queue = f"{prefix}default"
    celery_app.conf.task_always_eager = False
    yield prefix
    celery_app.conf.task_default_queue, celery_app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker(transactional_db, celery_worker_queue):
    """A real worker process for one test; committed data is visible to it."""
    worker = WorkerProcess(celery_worker_queue)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker_factory(transactional_db, celery_worker_queue):
    """Starts (and later stops) any number of workers on this test's queues (all of them, or
    those named: `start("reports")`)."""
    started: list[WorkerProcess] = []

    def start(*queues: str) -> WorkerProcess:
        worker = WorkerProcess(celery_worker_queue, queues)
        worker.start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
