"""A real primary and streaming replica of its own, on loopback, for the routing tests
(`bench.replica_pair`: `initdb`, Prima's migrations and a few people, then `pg_basebackup -R`
with a replication slot). Prima itself runs as a separate web process (`runserver`) pointed at
both, as in production.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from bench.replica_pair import Pair, free_port, postgres_bindir
from bench.replica_pair import replica_pair as pair_of_clusters
from tests.services import services_required

ROOT = Path(__file__).resolve().parents[2]
LOG_DIR = ROOT / ".pytest-logs"
PASSWORD = "replica-test-pw-7421"

SEED = f"""
from employees.models import Department, User
from rest_framework.authtoken.models import Token

hq = Department.objects.create(name="Kantor Pusat", code="HQ")
Department.objects.create(name="Layanan Pelanggan", code="CS", parent=hq, is_service_unit=True)
for username, role in (("hana", "hr"), ("lina", "leadership")):
    user = User.objects.create_user(username=username, password={PASSWORD!r}, role=role, department=hq)
    print("token", username, Token.objects.create(user=user).key)
"""


def _settings_free_env(**extra: str) -> dict[str, str]:
    """The environment of a process of Prima's started by the tests: no broker (jobs run in
    process), nothing of the test run's own database."""
    dropped = {"DATABASE_URL", "DATABASE_REPLICA_URL", "CELERY_BROKER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    return {**env, "DEBUG": "1", "LOG_LEVEL": "INFO", **extra}


def _manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@pytest.fixture(scope="module")
def replica_pair():
    bindir = postgres_bindir()
    if bindir is None:
        message = "PostgreSQL's server programs (initdb, pg_basebackup) are not installed"
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
        pytest.skip(message)
    tokens: dict[str, str] = {}

    def fill(url: str) -> None:
        env = _settings_free_env(DATABASE_URL=url)
        _manage("migrate", "--noinput", env=env)
        seeded = _manage("shell", "-c", SEED, env=env).splitlines()
        tokens.update({line.split()[1]: line.split()[2] for line in seeded if line.startswith("token ")})

    with pair_of_clusters(fill, bindir=bindir) as pair:
        pair.tokens = tokens
        yield pair


class PrimaServer:
    """Prima's web process against the pair, with its own log (the fallback's log line)."""

    def __init__(self, pair: Pair, name: str, **settings: str):
        self.pair = pair
        self.port = free_port()
        LOG_DIR.mkdir(exist_ok=True)
        self.log_path = LOG_DIR / f"replica-{name}.log"
        self.log_path.write_text("")
        self.env = _settings_free_env(
            DATABASE_URL=pair.primary.url(),
            DATABASE_REPLICA_URL=pair.replica.url(),
            DATABASE_REPLICA_CHECK_SECONDS="0",
            **settings,
        )
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Prima's web process exited early; see {self.log_path}")
            try:
                requests.get(f"{self.base}/healthz", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"Prima's web process did not answer within {timeout:.0f}s; see {self.log_path}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def log(self) -> str:
        return self.log_path.read_text()

    def session(self, username: str) -> requests.Session:
        """A signed-in browser session (through the sign-in form) that also carries the
        person's API token."""
        browser = requests.Session()
        browser.get(f"{self.base}/accounts/login/", timeout=30)
        answer = browser.post(
            f"{self.base}/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
            headers={"Referer": f"{self.base}/accounts/login/"},
            timeout=30,
        )
        assert "sessionid" in browser.cookies, answer.text[:500]
        browser.api_headers = {"Authorization": f"Token {self.pair.tokens[username]}"}
        return browser


@pytest.fixture(scope="module")
def prima_server(replica_pair):
    """Prima with a generous lag bound, so that a paused replica still takes heavy reads."""
    server = PrimaServer(
        replica_pair, "routing", DATABASE_REPLICA_MAX_LAG_SECONDS="3600", DATABASE_REPLICA_PIN_SECONDS="300"
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def server_factory(replica_pair):
    started: list[PrimaServer] = []

    def start(name: str, **settings: str) -> PrimaServer:
        server = PrimaServer(replica_pair, name, **settings)
        server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def pair(replica_pair):
    """The pair, left streaming and caught up after each test whatever it did."""
    yield replica_pair
    if not replica_pair.replica.is_running():
        replica_pair.replica.start()
    replica_pair.resume_replay()
    replica_pair.wait_until_caught_up()
