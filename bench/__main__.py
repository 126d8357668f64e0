"""`python -m bench` (what `make bench` runs): the whole benchmark, then docs/BENCHMARKS.md.

Needs PostgreSQL (DATABASE_URL; its database name must contain "bench", since the organisation
is generated into it from scratch) and Redis (CELERY_BROKER_URL) for the API's jobs. Every step
runs as its own process, each benchmark module through its `main(argv)`:

1. the organisation at 10% (`<database>_10`: 100 departments, 5,000 employees) and the
   correlation benchmark on it, and the read query counts there;
2. the organisation at full scale (`<database>`) and the correlation benchmark on it, then
   again with a tenth of its answers (rolled back afterwards);
3. the API load test on the full organisation;
4. the read replica: dashboard and results throughput, primary only and primary + replica, on a
   primary and replica of its own holding the demo organisation (`bench.replica`);
5. the organisation file and SCIM (`<database>_org`: 1,000 departments and 50,000 people from
   files, then 1% changed, then 5,000 people provisioned by SCIM);
6. the comment analysis (100,000 comments, names against 50,000 people; no database rows);
7. with BENCH_SCALE_CURVE set (`0.1,1,10`), the scale curve at those scales (`bench.scale`:
   databases `<database>_s5k`, `<database>_s50k`, …, kept between runs);
8. `bench.report`, which writes docs/BENCHMARKS.md from the results.

BENCH_SCALE (default 1) sets the full scale, for a shorter run on a smaller machine.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from bench._common import ROOT

SMALL_SCALE = 0.1


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _ensure_database(url: str) -> None:
    """Creates the database if it does not exist, then brings its schema up to date."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    _run(["manage.py", "migrate", "--noinput", "-v", "0"], url)


def _run(arguments: list[str], url: str, *, check: bool = True) -> int:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    print(f"$ DATABASE_URL={url} python {' '.join(arguments)}", flush=True)
    return subprocess.run([sys.executable, *arguments], cwd=ROOT, env=env, check=check).returncode


def main(argv: list[str] | None = None) -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("make bench needs PostgreSQL: set DATABASE_URL=postgres://…/prima_bench", file=sys.stderr)
        return 2
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        print(f"Refusing to generate into {name!r}: use a database whose name contains 'bench'.", file=sys.stderr)
        return 2
    scale = os.environ.get("BENCH_SCALE", "1")
    small = _with_database(url, f"{name}_10")
    for database in (small, url):
        _ensure_database(database)
    _run(["-m", "bench.generate", "--scale", str(SMALL_SCALE), "--reset"], small)
    failed = _run(["-m", "bench.correlation"], small, check=False)
    failed |= _run(["-m", "bench.api", "--queries-only"], small, check=False)
    _run(["-m", "bench.generate", "--scale", scale, "--reset"], url)
    failed |= _run(["-m", "bench.correlation"], url, check=False)
    failed |= _run(["-m", "bench.correlation", "--answers-kept", "0.1"], url, check=False)
    # A failed check of the load test (a lost or doubled answer) still gets its report written.
    failed |= _run(["-m", "bench.api"], url, check=False)
    # Dashboard and results with 16 in flight, primary only and with a replica (a pair of its own).
    failed |= _run(["-m", "bench.replica"], url, check=False)
    organisation = _with_database(url, f"{name}_org")
    _ensure_database(organisation)
    failed |= _run(["-m", "bench.org_import"], organisation, check=False)
    failed |= _run(["-m", "bench.comments"], url, check=False)
    if curve := os.environ.get("BENCH_SCALE_CURVE"):
        failed |= _run(
            ["-m", "bench.scale", "--scales", curve, "--reuse"], _with_database(url, f"{name}_s"), check=False
        )
    _run(["-m", "bench.report", "--small", f"{name}_10", "--full", name, "--org", f"{name}_org"], url)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
