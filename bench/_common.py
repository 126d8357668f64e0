"""What every benchmark shares: Django set-up, stage timings, results files, the machine.

Benchmarks print what they measure and write it as JSON under `bench/results/` (one file per
benchmark and database), from which `bench.report` writes docs/BENCHMARKS.md.
"""

import json
import os
import platform
import struct
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"


def setup_django(settings_module: str = "config.settings") -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


class QueriesOfEveryThread:
    """Django's `CaptureQueriesContext` on this thread's connection, and on every connection
    another thread opens inside the block (a correlation job reads on two connections at once:
    `config.replica.read_at_once`). `captured_queries` holds them all once the block ends."""

    def __enter__(self):
        from django.db import connection
        from django.db.backends.signals import connection_created
        from django.test.utils import CaptureQueriesContext

        self._own = CaptureQueriesContext(connection)
        self._own.__enter__()
        self._opened: list = []
        connection_created.connect(self._log, dispatch_uid=id(self))
        return self

    def _log(self, sender, connection, **kwargs) -> None:
        if connection is not self._own.connection:
            connection.force_debug_cursor = True  # its queries go to its own log from now on
            self._opened.append(connection)

    def __exit__(self, *exc):
        from django.db.backends.signals import connection_created

        connection_created.disconnect(dispatch_uid=id(self))
        self._own.__exit__(*exc)
        self.captured_queries = [*self._own.captured_queries, *(q for c in self._opened for q in c.queries_log)]
        return False


def require_postgresql(what: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit(
            f"{what} needs PostgreSQL: set DATABASE_URL=postgres://… (it is {connection.vendor} now, and "
            "COPY and the database's own limits are what this measures)."
        )


def database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def database_url() -> str:
    """The URL of the database Django is connected to (the test database under pytest)."""
    from django.db import connection

    db = connection.settings_dict
    auth = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Stopwatch:
    """Times named stages and prints each as it ends."""

    def __init__(self, out=print):
        self.stages: dict[str, float] = {}
        self.out = out
        self.started = time.perf_counter()

    @contextmanager
    def stage(self, name: str):
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        self.stages[name] = round(self.stages.get(name, 0.0) + seconds, 3)
        self.out(f"  {name:<44} {seconds:8.2f} s")

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 3)


def save_results(name: str, data: dict, directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}-{database_name()}.json"
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def percentile(values, q: float) -> float | None:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def machine() -> dict:
    """Cores, memory and the PostgreSQL server, as the figures were measured on."""
    from django.db import connection

    memory_gib = None
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "python": platform.python_version(),
        "postgresql": server_version,
        "postgresql_settings": settings,
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


# --- PostgreSQL binary COPY from numpy columns -------------------------------------------------
#
# A row of fixed-width fields is one record of a numpy structured array, so millions of rows are
# laid out by numpy and sent as one buffer, with no Python object per row or field.

PG_EPOCH = np.datetime64("2000-01-01", "D")
_BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
_BINARY_TRAILER = struct.pack(">h", -1)
_BINARY_TYPES = {"int8": ">i8", "int4": ">i4", "int2": ">i2", "uuid": "V16", "date": ">i4", "bool": "u1", "empty": None}


def binary_copy_buffer(columns: list[tuple[str, str, np.ndarray | None]]) -> bytes:
    """The binary COPY stream of rows given column by column as (name, type, values). Types:
    int8, int4, int2, uuid (16 raw bytes), date (datetime64[D]), bool, and "empty" (an
    empty string, for a NOT NULL text column left blank)."""
    count = next(len(values) for _name, _kind, values in columns if values is not None)
    fields = [("count", ">i2")]
    for name, kind, _values in columns:
        fields.append((f"{name}_length", ">i4"))
        if _BINARY_TYPES[kind] is not None:
            fields.append((name, _BINARY_TYPES[kind]))
    rows = np.empty(count, dtype=np.dtype(fields))
    rows["count"] = len(columns)
    for name, kind, values in columns:
        if kind == "empty":
            rows[f"{name}_length"] = 0
            continue
        rows[f"{name}_length"] = np.dtype(_BINARY_TYPES[kind]).itemsize
        if kind == "date":
            rows[name] = (values.astype("datetime64[D]") - PG_EPOCH).astype(np.int64)
        else:
            rows[name] = values
    return _BINARY_HEADER + rows.tobytes() + _BINARY_TRAILER


def copy_binary(cursor, table: str, columns: list[tuple[str, str, np.ndarray | None]]) -> int:
    names = ", ".join(name for name, _kind, _values in columns)
    buffer = binary_copy_buffer(columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
        view = memoryview(buffer)
        for start in range(0, len(view), 8 << 20):
            copy.write(view[start : start + (8 << 20)])
    return next(len(values) for _name, _kind, values in columns if values is not None)


def copy_rows(cursor, table: str, names: list[str], rows) -> int:
    """Text COPY of Python rows (for the smaller tables and the types numpy does not lay out)."""
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def random_uuids(rng: np.random.Generator, count: int) -> np.ndarray:
    """Version-4 UUIDs as 16-byte records, drawn from `rng` (so reproducible from a seed)."""
    raw = np.frombuffer(rng.bytes(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return raw.view("V16").reshape(count)
