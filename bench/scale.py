"""The scale curve: how each cost grows with the number of people.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/prima_s python -m bench.scale [--scales 0.1,1,10] [--reuse]

For each scale of the generator (`bench.generate`: 0.1 = 5,000 people, 1 = 50,000, 10 = 500,000;
always 24 monthly rounds) the organisation is generated into a database of its own, named after
DATABASE_URL's with the number of people appended (`prima_s5k`, `prima_s50k`, `prima_s500k`);
`--reuse` keeps a database that already holds the organisation of that size. Then, in a process
of its own on that database (`--measure`):

- the close job on the latest round (`survey_round_close_task`: it opens the round's sealed
  ballots into responses and answers, rewrites its participations and materialises its results
  and driver impact), with the share of its database time spent on the answer, response and
  participation tables. The generator writes every round as answers; the latest round's are put
  back into sealed ballots first, untimed, as they are while a round is open;
- the pulse results page and the leadership dashboard (the home page) through gunicorn with
  production settings and two workers, two requests in flight, p50 and p95;
- the correlation report job (`bench.correlation.run_job`: every month, lags up to two);
- the organisation file: the people file written from the database's own people, with 1% of
  the rows changed, checked and applied (`org_file_check`, `plan_apply`: what the apply job
  runs) in a transaction rolled back afterwards;
- the database's size and the pulse tables' share of it.

The load average is taken before and after each measurement: the machine is shared. `--report`
(run at the end) writes the table between the scale markers of docs/BENCHMARKS.md and the plot
docs/img/scale.png (log–log, with a line of linear growth), and each cost's growth exponent: the
slope of log cost against log people.
"""

import argparse
import asyncio
import datetime as dt
import io
import os
import secrets
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench._common import (
    RESULTS_DIR,
    ROOT,
    QueriesOfEveryThread,
    machine,
    percentile,
    require_postgresql,
    save_results,
    setup_django,
)

DEFAULT_SCALES = (0.1, 1.0, 10.0)
PEOPLE_PER_SCALE = 50_000
PAGES = {"results page": "/pulse/results/", "dashboard": "/"}
IN_FLIGHT = 2
PAGE_WORKERS = 2
MIN_PAGE_REQUESTS = 6  # per page, however slow
CHANGED_SHARE = 0.01  # of the people file's rows
PULSE_TABLES = (
    "pulse_surveys_answer",
    "pulse_surveys_response",
    "pulse_surveys_participation",
    "pulse_surveys_invitation",
)
# The tables a partitioning by round period would split: what was answered, and who took part.
PARTITION_CANDIDATES = ("pulse_surveys_answer", "pulse_surveys_response", "pulse_surveys_participation")
DOC = ROOT / "docs" / "BENCHMARKS.md"
PLOT = ROOT / "docs" / "img" / "scale.png"
SCALE_START, SCALE_END = "<!-- scale -->", "<!-- /scale -->"
# The costs on the curve: (label, how to read it from a result, unit).
COSTS = (
    ("close job, latest round", lambda r: r["close_job"]["seconds"], "s"),
    ("results page p95", lambda r: r["pages"]["results page"]["p95_ms"] / 1000, "s"),
    ("dashboard p95", lambda r: r["pages"]["dashboard"]["p95_ms"] / 1000, "s"),
    ("correlation job", lambda r: r["correlation"]["seconds"], "s"),
    ("people file: check + apply", lambda r: r["org_import"]["check_seconds"] + r["org_import"]["apply_seconds"], "s"),
    ("database size", lambda r: r["size"]["database_bytes"] / 2**20, "MiB"),
)


def people_label(scale: float) -> str:
    people = round(PEOPLE_PER_SCALE * scale)
    return f"{people // 1000}k" if people % 1000 == 0 else str(people)


def database_for(url: str, scale: float) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}{people_label(scale)}"))


def _load() -> tuple[float, float, float]:
    return tuple(round(value, 2) for value in os.getloadavg())


# --- Measurements, in a process on one generated database ----------------------------------------


def _latest_round():
    from pulse_surveys.models import Round, RoundStatus

    return Round.objects.filter(status=RoundStatus.CLOSED).order_by("-period").first()


def seal_latest_round(pulse_round) -> int:
    """Puts the round's responses back into sealed ballots, as they are while a round is open:
    the generator writes them as answers, but a real close opens ballots, and that is what the
    close job is measured doing. Returns the number of the round's ballots (those of a close
    that was interrupted included)."""
    from core.bulk import insert_rows
    from pulse_surveys.ballots import ballot_seal, ballot_size
    from pulse_surveys.models import Answer, Ballot, Response

    size = ballot_size(pulse_round.questions.all())
    departments = dict(Response.objects.filter(round=pulse_round).values_list("id", "department_id"))
    items = {response_id: [] for response_id in departments}
    for response_id, question_id, value, text in (
        Answer.objects.filter(round=pulse_round).values_list("response_id", "question_id", "value", "text").iterator()
    ):
        items[response_id].append((question_id, value, text))
    ballots = (
        (
            uuid.uuid4(),
            pulse_round.pk,
            ballot_seal(round_id=pulse_round.pk, size=size, department_id=departments[response_id], items=answers),
        )
        for response_id, answers in items.items()
    )
    insert_rows(Ballot, ["id", "round", "sealed"], ballots)
    Answer.objects.filter(round=pulse_round).delete()
    Response.objects.filter(round=pulse_round).delete()
    return Ballot.objects.filter(round=pulse_round).count()


def _table_rows() -> dict[str, int]:
    """Rows per pulse table, as ANALYZE estimates them (exact counts of 75 million rows take a
    while). ANALYZE runs first: an estimate left from before a mass delete that was rolled back
    (`bench.correlation --answers-kept`) can be off tenfold."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(PULSE_TABLES)}")
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(PULSE_TABLES)])
        rows = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM employees_user")
        rows["people"] = cursor.fetchone()[0]
    return rows


def _database_time_on(queries: list[dict], tables: tuple[str, ...]) -> tuple[float, float]:
    """Seconds of all captured queries, and of those naming one of `tables`."""
    total = sum(float(query["time"]) for query in queries)
    on_tables = sum(float(query["time"]) for query in queries if any(table in query["sql"] for table in tables))
    return total, on_tables


def measure_close_job() -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from tasks.surveys import survey_round_close_task

    latest = _latest_round()
    with transaction.atomic():
        ballots = seal_latest_round(latest)
    with connection.cursor() as cursor:  # the rows deleted by the sealing are not the close job's to clean
        cursor.execute(f"VACUUM ANALYZE {', '.join(PULSE_TABLES)}, pulse_surveys_ballot")
    load_before = _load()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        survey_round_close_task.run(latest.pk)
        seconds = time.perf_counter() - started
    database, on_pulse = _database_time_on(queries.captured_queries, PARTITION_CANDIDATES)
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(PULSE_TABLES)}")
        # The sealing's ballots took 8 KB each; with every round closed the table is empty, as an
        # organisation's is between rounds (while one is open: that round's ballots).
        cursor.execute("VACUUM FULL pulse_surveys_ballot")
    return {
        "round": str(latest.period),
        "seconds": round(seconds, 2),
        "ballots": ballots,
        "queries": len(queries.captured_queries),
        "database_seconds": round(database, 2),
        "answer_tables_seconds": round(on_pulse, 2),
        "load": [load_before, _load()],
    }


async def _page_load(port: int, cookie: str, deadline: float) -> dict[str, list[tuple[int, float]]]:
    from bench.api import Call, _send

    outcomes: dict[str, list[tuple[int, float]]] = {label: [] for label in PAGES}
    labels = list(PAGES)

    async def client(index: int) -> None:
        turn = index
        while time.monotonic() < deadline or min(len(o) for o in outcomes.values()) < MIN_PAGE_REQUESTS:
            label = labels[turn % len(labels)]
            turn += 1
            outcome = await _send(
                "127.0.0.1", port, Call("GET", PAGES[label], {"Cookie": cookie, "Accept": "text/html"})
            )
            outcomes[label].append((outcome.status, outcome.seconds))

    await asyncio.gather(*(client(index) for index in range(IN_FLIGHT)))
    return outcomes


def measure_pages(seconds: float) -> dict:
    from bench.api import Server, _session_cookie
    from employees.models import Role, User

    leader = User.objects.filter(role=Role.LEADERSHIP, is_active=True).order_by("pk").first()
    cookie = _session_cookie(leader)
    server = Server(workers=PAGE_WORKERS, queue="prima-bench-scale.", broker="")
    server.start()
    try:
        asyncio.run(_page_load(server.port, cookie, time.monotonic()))  # warm-up: each page once per client
        load_before = _load()
        outcomes = asyncio.run(_page_load(server.port, cookie, time.monotonic() + seconds))
        load_after = _load()
    finally:
        server.stop()
    pages = {}
    for label, results in outcomes.items():
        ok = [elapsed * 1000 for status, elapsed in results if status == 200]
        pages[label] = {
            "path": PAGES[label],
            "requests": len(results),
            "errors": len(results) - len(ok),
            "p50_ms": round(percentile(ok, 50), 1) if ok else None,
            "p95_ms": round(percentile(ok, 95), 1) if ok else None,
            "load": [load_before, load_after],
        }
    return pages


def measure_correlation(repeats: int) -> dict:
    import statistics

    from bench.correlation import _span, run_job
    from correlation.models import CorrelationReport

    first, last = _span()
    load_before = _load()
    runs, ids = [], []
    with QueriesOfEveryThread() as queries:
        for _attempt in range(repeats):
            job = run_job(first, last)
            runs.append(job["seconds"]["total"])
            ids.append(job["report_id"])
    database, on_pulse = _database_time_on(queries.captured_queries, PARTITION_CANDIDATES)
    CorrelationReport.objects.filter(pk__in=ids).delete()
    return {
        "seconds": round(statistics.median(runs), 2),
        "runs": [round(run, 2) for run in runs],
        "database_seconds": round(database / repeats, 2),
        "answer_tables_seconds": round(on_pulse / repeats, 2),
        "load": [load_before, _load()],
    }


def people_file(changed_share: float = CHANGED_SHARE) -> tuple[bytes, int]:
    """The people file of the organisation as it is in the database, every `1/changed_share`-th
    row with a new last name; returns the file and how many rows changed."""
    from django.db import connection

    from employees.importing import PEOPLE_COLUMNS

    out = io.StringIO()
    out.write(",".join(PEOPLE_COLUMNS) + "\n")
    every = max(1, round(1 / changed_share))
    changed = 0
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT u.employee_number, u.first_name, u.last_name, u.email, d.code, m.employee_number, u.role,
                   u.hire_date, u.monthly_wage, u.sex, u.is_active
            FROM employees_user u
            LEFT JOIN employees_department d ON d.id = u.department_id
            LEFT JOIN employees_user m ON m.id = u.manager_id
            WHERE u.employee_number <> '' ORDER BY u.id
            """
        )
        for index, row in enumerate(cursor.fetchall()):
            number, first, last, email, department, manager, role, hired, wage, sex, active = row
            if index % every == 0:
                last, changed = f"{last} Baru", changed + 1
            cells = [number, first, last, email, department or "", manager or "", role]
            cells += [
                hired.isoformat() if hired else "",
                "" if wage is None else str(wage),
                sex or "",
                "1" if active else "0",
            ]
            out.write(",".join(cells) + "\n")
    return out.getvalue().encode(), changed


def measure_org_import() -> dict:
    from django.db import transaction

    from core.uploads import DEFAULT_LIMITS, UploadLimits
    from employees.importing import org_file_check, plan_apply

    content, changed = people_file()
    rows = content.count(b"\n") - 1
    fits = rows <= DEFAULT_LIMITS.max_rows and len(content) <= DEFAULT_LIMITS.max_bytes
    # Larger organisations than one upload allows are measured all the same, past the limits.
    limits = UploadLimits(
        max_rows=max(rows + 1, DEFAULT_LIMITS.max_rows), max_bytes=max(len(content) * 2, DEFAULT_LIMITS.max_bytes)
    )
    load_before = _load()
    started = time.perf_counter()
    plan = org_file_check(kind="people", mode="partial", content=content, limits=limits)
    check_seconds = time.perf_counter() - started
    assert plan.is_valid, [error.as_dict() for error in plan.errors[:5]]
    with transaction.atomic():
        started = time.perf_counter()
        counts = plan_apply(plan, source="bench:scale")
        apply_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return {
        "rows": rows,
        "bytes": len(content),
        "changed": changed,
        "fits_one_upload": fits,
        "check_seconds": round(check_seconds, 2),
        "apply_seconds": round(apply_seconds, 2),
        "counts": counts,
        "load": [load_before, _load()],
    }


def measure_size() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database = cursor.fetchone()[0]
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid), pg_relation_size(oid) FROM pg_class "
            "WHERE relname = ANY(%s) AND relkind = 'r'",
            [list(PULSE_TABLES)],
        )
        tables = {name: {"total_bytes": total, "heap_bytes": heap} for name, total, heap in cursor.fetchall()}
    candidates = sum(tables[name]["total_bytes"] for name in PARTITION_CANDIDATES)
    return {
        "database_bytes": database,
        "tables": tables,
        "answer_tables_bytes": candidates,
        "answer_tables_share": round(candidates / database, 3),
    }


def measure(*, page_seconds: float, correlation_repeats: int, out=print) -> dict:
    require_postgresql("The scale curve")
    rows = _table_rows()
    out(f"{rows['people']:,} people, about {rows['pulse_surveys_answer']:,} answers")
    result: dict = {"rows": rows}
    out("  close job on the latest round …")
    result["close_job"] = measure_close_job()
    out(f"    {result['close_job']['seconds']} s")
    out("  pages, two in flight …")
    result["pages"] = measure_pages(page_seconds)
    out("    " + ", ".join(f"{label} p95 {page['p95_ms']} ms" for label, page in result["pages"].items()))
    out("  correlation job …")
    result["correlation"] = measure_correlation(correlation_repeats)
    out(f"    {result['correlation']['seconds']} s")
    out("  people file …")
    result["org_import"] = measure_org_import()
    out(f"    check {result['org_import']['check_seconds']} s, apply {result['org_import']['apply_seconds']} s")
    result["size"] = measure_size()
    out(f"  database {result['size']['database_bytes'] / 2**20:,.0f} MiB")
    result["measured_at"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["machine"] = machine()
    return result


# --- The run over every scale -----------------------------------------------------------------


def _holds_organisation(url: str, people: int) -> bool:
    import psycopg

    parts = urlsplit(url)
    try:
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=parts.path.lstrip("/"),
        ) as connection:
            count = connection.execute("SELECT count(*) FROM employees_user WHERE employee_number <> ''").fetchone()[0]
            rounds = connection.execute("SELECT count(*) FROM pulse_surveys_round WHERE results_ready").fetchone()[0]
    except psycopg.Error:
        return False
    return count >= people and rounds > 0


def run(url: str, scales: list[float], *, reuse: bool, page_seconds: float) -> int:
    from bench.__main__ import _ensure_database, _run

    failed = 0
    for scale in scales:
        database = database_for(url, scale)
        _ensure_database(database)
        if not (reuse and _holds_organisation(database, round(PEOPLE_PER_SCALE * scale))):
            _run(["-m", "bench.generate", "--scale", str(scale), "--reset", "--no-close-job"], database)
        failed |= _run(
            ["-m", "bench.scale", "--measure", "--scale", str(scale), "--page-seconds", str(page_seconds)],
            database,
            check=False,
        )
    return failed


# --- The report: a table in docs/BENCHMARKS.md and the plot ---------------------------------------


def load_results(directory: Path = RESULTS_DIR) -> list[dict]:
    import json

    results = []
    for path in directory.glob("scale-*.json"):
        result = json.loads(path.read_text())
        if "close_job" in result:
            results.append(result)
    return sorted(results, key=lambda result: result["rows"]["people"])


def growth_exponent(people: list[float], costs: list[float]) -> float | None:
    """The slope of log cost against log people (1: linear growth), fitted over every scale."""
    import numpy as np

    if len(people) < 2:
        return None
    return float(np.polyfit(np.log(people), np.log(costs), 1)[0])


def _load_text(load) -> str:
    return " / ".join(f"{value:.1f}" for value in load)


def table(results: list[dict]) -> list[str]:
    people = [result["rows"]["people"] for result in results]
    head = ["cost", *(f"{count:,} people" for count in people), "growth exponent", "between the two largest"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for label, read, unit in COSTS:
        values = [read(result) for result in results]
        exponents = [growth_exponent(people, values), growth_exponent(people[-2:], values[-2:])]
        shown = [f"{value:,.0f} {unit}" if unit == "MiB" else f"{value:,.2f} {unit}" for value in values]
        shown += ["" if exponent is None else f"{exponent:.2f}" for exponent in exponents]
        lines.append(f"| {label} | " + " | ".join(shown) + " |")
    lines.append(
        "| answers (estimated) | " + " | ".join(f"{r['rows']['pulse_surveys_answer']:,}" for r in results) + " | | |"
    )
    lines.append(
        "| answer, response and participation tables: share of the database | "
        + " | ".join(f"{r['size']['answer_tables_share']:.0%}" for r in results)
        + " | | |"
    )
    lines.append(
        "| close job: database seconds on those tables / all database seconds | "
        + " | ".join(
            f"{r['close_job']['answer_tables_seconds']:.1f} / {r['close_job']['database_seconds']:.1f}" for r in results
        )
        + " | | |"
    )
    lines.append(
        "| correlation job: database seconds on those tables / all database seconds | "
        + " | ".join(
            f"{r['correlation']['answer_tables_seconds']:.1f} / {r['correlation']['database_seconds']:.1f}"
            for r in results
        )
        + " | | |"
    )
    lines.append(
        "| load average (1, 5, 15 min) at the close job | "
        + " | ".join(_load_text(r["close_job"]["load"][0]) for r in results)
        + " | | |"
    )
    lines.append(
        "| load average during the pages | "
        + " | ".join(_load_text(r["pages"]["dashboard"]["load"][1]) for r in results)
        + " | | |"
    )
    return lines


def plot(results: list[dict], path: Path | None = None) -> Path:
    path = path or PLOT
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    people = np.array([result["rows"]["people"] for result in results], dtype=float)
    figure, (times, size) = plt.subplots(1, 2, figsize=(11, 4.5))
    for label, read, unit in COSTS:
        values = np.array([read(result) for result in results])
        exponent = growth_exponent(list(people), list(values))
        axes = size if unit == "MiB" else times
        axes.plot(people, values, marker="o", label=f"{label} (exponent {exponent:.2f})")
    for axes, unit, title in ((times, "seconds", "Time"), (size, "MiB", "Database size")):
        # Above every cost at the smallest size, so that it hides none of them.
        anchor = 1.5 * max(line.get_ydata()[0] for line in axes.get_lines())
        axes.plot(people, anchor * people / people[0], linestyle="--", color="grey", label="linear growth (slope 1)")
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.set_xlabel("people")
        axes.set_ylabel(unit)
        axes.set_title(title)
        axes.grid(True, which="both", alpha=0.3)
        axes.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def section(results: list[dict]) -> list[str]:
    if not results:
        return ["(no run of `python -m bench.scale`)"]
    largest = results[-1]
    return [
        "`python -m bench.scale`: the generator's organisation at each scale (24 monthly rounds), in a database",
        "of its own; the costs below measured on each (see `bench/scale.py` for what each one runs). Growth",
        "exponent: the slope of log cost against log people over the scales measured (1 = linear), and between the",
        "two largest alone.",
        "",
        *table(results),
        "",
        f"The largest organisation measured: {largest['rows']['people']:,} people "
        f"({largest['size']['database_bytes'] / 2**30:.1f} GiB). "
        f"Its people file: {largest['org_import']['rows']:,} rows, "
        f"{largest['org_import']['bytes'] / 2**20:.0f} MiB"
        + (
            ""
            if largest["org_import"]["fits_one_upload"]
            else ", more than one upload allows (measured past the limits)"
        )
        + ".",
        "",
        "![Cost against people, log–log](img/scale.png)",
    ]


def write_report(results: list[dict], doc: Path = DOC) -> Path:
    text = doc.read_text()
    block = "\n".join([SCALE_START, *section(results), SCALE_END])
    if SCALE_START in text and SCALE_END in text:
        before, rest = text.split(SCALE_START, 1)
        text = before + block + rest.split(SCALE_END, 1)[1]
    else:
        from bench.report import FINDINGS_START

        before, found, after = text.partition(FINDINGS_START)
        text = before + "## Scale curve\n\n" + block + "\n\n" + found + after if found else text + "\n" + block + "\n"
    doc.write_text(text)
    if results:
        plot(results)
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n")[0])
    parser.add_argument("--scales", default=",".join(str(scale) for scale in DEFAULT_SCALES))
    parser.add_argument("--reuse", action="store_true", help="keep a database that holds the organisation already")
    parser.add_argument("--page-seconds", type=float, default=20.0, help="measured time for the pages")
    parser.add_argument("--measure", action="store_true", help="measure the database of DATABASE_URL (one scale)")
    parser.add_argument("--scale", type=float, default=None, help="with --measure: the scale it was generated at")
    parser.add_argument("--report", action="store_true", help="only write the table and the plot from the results")
    args = parser.parse_args(argv)
    if args.report:
        print(f"Written: {write_report(load_results())}")
        return 0
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench.scale needs PostgreSQL: set DATABASE_URL=postgres://…/prima_s", file=sys.stderr)
        return 2
    if args.measure:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        # Generated data only: a fixed ballot key, so that a measurement interrupted between
        # sealing the latest round and closing it can be run again on the same database.
        os.environ.setdefault("PRIMA_BALLOT_KEY", "prima-bench-generated-organisation")
        setup_django()
        repeats = 3 if (args.scale or 1) <= 1 else 1
        result = measure(page_seconds=args.page_seconds, correlation_repeats=repeats)
        result["scale"] = args.scale
        print(f"Results: {save_results('scale', result)}")
        return 0
    scales = [float(scale) for scale in args.scales.split(",")]
    failed = run(url, scales, reuse=args.reuse, page_seconds=args.page_seconds)
    print(f"Written: {write_report(load_results())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
