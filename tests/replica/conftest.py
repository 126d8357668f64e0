"""A real primary and streaming replica of its own, on loopback, for the routing tests.

The pair is small and self-contained: `initdb` makes a primary in a temporary directory on a
free port, Prima's migrations and a few people go into it, and `pg_basebackup -R` with a
replication slot makes the replica, started on another free port. Prima itself runs as a
separate web process (`runserver`) pointed at both, as in production. PostgreSQL refuses to run
as root, so under root its programs run as the `postgres` user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
import requests

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


def _postgres_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_basebackup").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    as_postgres: bool
    log: Path = field(init=False)

    def __post_init__(self):
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=180)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-w", "-t", "60", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop")

    def is_running(self) -> bool:
        return Path(self.datadir, "postmaster.pid").exists()

    def url(self, dbname: str = "prima") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def connect(self, dbname: str = "prima") -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, autocommit=True)

    def query(self, sql: str, params=()):
        with self.connect() as conn:
            return conn.execute(sql, params).fetchone()


@dataclass
class Pair:
    primary: Cluster
    replica: Cluster
    tokens: dict[str, str]

    def wait_until_caught_up(self, timeout: float = 60.0) -> None:
        """Until the replica has replayed everything the primary has written."""
        target = self.primary.query("SELECT pg_current_wal_insert_lsn()::text")[0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = self.replica.query("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0]
            if replayed:
                return
            time.sleep(0.1)
        raise AssertionError(f"the replica did not catch up within {timeout:.0f}s")

    def pause_replay(self) -> None:
        self.replica.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        if self.replica.is_running():
            self.replica.query("SELECT pg_wal_replay_resume()")


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
    bindir = _postgres_bindir()
    if bindir is None:
        message = "PostgreSQL's server programs (initdb, pg_basebackup) are not installed"
        if services_required():
            pytest.fail(f"REQUIRE_SERVICES=1 but {message}", pytrace=False)
        pytest.skip(message)
    as_postgres = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="prima-replica-"))
    if as_postgres:
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)
    primary = Cluster(bindir, workdir / "primary", _free_port(), as_postgres)
    replica = Cluster(bindir, workdir / "replica", _free_port(), as_postgres)
    try:
        primary.run("initdb", "-D", str(primary.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        settings_lines = [
            f"port = {primary.port}",
            "listen_addresses = '127.0.0.1'",
            f"unix_socket_directories = '{workdir}'",
            "wal_level = replica",
            "max_wal_senders = 4",
            "max_replication_slots = 4",
            "hot_standby = on",
            "fsync = off",
            "full_page_writes = off",
            "shared_buffers = 32MB",
        ]
        with (primary.datadir / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings_lines) + "\n")
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute("CREATE DATABASE prima")
        env = _settings_free_env(DATABASE_URL=primary.url())
        _manage("migrate", "--noinput", env=env)
        seeded = _manage("shell", "-c", SEED, env=env).splitlines()
        tokens = {line.split()[1]: line.split()[2] for line in seeded if line.startswith("token ")}
        primary.run(
            "pg_basebackup",
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(replica.datadir),
            "-R",
            "-C",
            "-S",
            "prima_test_replica",
            "-X",
            "stream",
            "--no-sync",
            "--checkpoint=fast",
        )
        with (replica.datadir / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        pair = Pair(primary, replica, tokens)
        assert replica.query("SELECT pg_is_in_recovery()")[0] is True
        pair.wait_until_caught_up()
        yield pair
    finally:
        for cluster in (replica, primary):
            if cluster.is_running():
                with contextlib.suppress(subprocess.CalledProcessError):
                    cluster.run("pg_ctl", "-D", str(cluster.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)


class PrimaServer:
    """Prima's web process against the pair, with its own log (the fallback's log line)."""

    def __init__(self, pair: Pair, name: str, **settings: str):
        self.pair = pair
        self.port = _free_port()
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
