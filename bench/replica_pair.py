"""A PostgreSQL primary and a streaming replica of their own, on loopback, in a temporary
directory: for the replica tests (`tests/replica/`) and the replica benchmark (`bench.replica`).

`initdb` makes the primary on a free port; the caller fills it (migrations, people); then
`pg_basebackup -R` with a replication slot makes the replica, started on another free port.
PostgreSQL refuses to run as root, so under root its programs run as the `postgres` user.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PRIMARY_SETTINGS = [
    "listen_addresses = '127.0.0.1'",
    "wal_level = replica",
    "max_wal_senders = 4",
    "max_replication_slots = 4",
    "hot_standby = on",
    "fsync = off",
    "full_page_writes = off",
    "shared_buffers = 32MB",
]


def postgres_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists() and Path(candidate, "pg_basebackup").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def free_port() -> int:
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
    tokens: dict[str, str] = field(default_factory=dict)  # what the caller seeded, by username

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


@contextlib.contextmanager
def replica_pair(fill: Callable[[str], None], *, bindir: Path) -> Iterator[Pair]:
    """A running primary, filled by `fill(primary_url)`, and its caught-up replica; both are
    stopped and their directory removed afterwards."""
    as_postgres = os.geteuid() == 0
    workdir = Path(tempfile.mkdtemp(prefix="prima-replica-"))
    if as_postgres:
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)
    primary = Cluster(bindir, workdir / "primary", free_port(), as_postgres)
    replica = Cluster(bindir, workdir / "replica", free_port(), as_postgres)
    try:
        primary.run("initdb", "-D", str(primary.datadir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        with (primary.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n".join([f"port = {primary.port}", f"unix_socket_directories = '{workdir}'", *PRIMARY_SETTINGS])
            )
            conf.write("\n")
        primary.start()
        with primary.connect("postgres") as conn:
            conn.execute("CREATE DATABASE prima")
        fill(primary.url())
        primary.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "-D", str(replica.datadir)),
            *("-R", "-C", "-S", "prima_replica", "-X", "stream", "--no-sync", "--checkpoint=fast"),
        )
        with (replica.datadir / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {replica.port}\n")
        replica.start()
        pair = Pair(primary, replica)
        if replica.query("SELECT pg_is_in_recovery()")[0] is not True:
            raise RuntimeError("the replica is not in recovery")
        pair.wait_until_caught_up()
        yield pair
    finally:
        for cluster in (replica, primary):
            if cluster.is_running():
                with contextlib.suppress(subprocess.CalledProcessError):
                    cluster.run("pg_ctl", "-D", str(cluster.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(workdir, ignore_errors=True)
