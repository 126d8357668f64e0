"""Writes docs/BENCHMARKS.md from the results of the latest runs (bench/results/*.json).

    python -m bench.report --small prima_bench_10 --full prima_bench

The figures are regenerated on every run; the findings section (between the `findings`
markers) is written by hand from profiling and is kept as it is.
"""

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from bench._common import RESULTS_DIR, ROOT
from bench.api import LIGHT_CONCURRENCY
from bench.scale import SCALE_END, SCALE_START
from bench.scale import load_results as load_scale_results
from bench.scale import section as scale_section

DOC = ROOT / "docs" / "BENCHMARKS.md"
FINDINGS_START, FINDINGS_END = "<!-- findings -->", "<!-- /findings -->"
NO_FINDINGS = "## Findings\n\n(To be written from the profiles of a full run.)\n"
READS = (
    "results: whole audience (HR, leadership)",
    "results: one department (HR, leadership)",
    "results: own department (manager)",
    "dashboard: home page (leadership)",
)


INTRODUCTION = """\
## How to run

```
make bench    # PostgreSQL and Redis needed; BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/prima_bench
DATABASE_URL=postgres://…/prima_bench python -m bench.generate --scale 0.01 --reset   # a quick organisation
DATABASE_URL=postgres://…/prima_bench python -m bench.correlation
DATABASE_URL=postgres://…/prima_bench CELERY_BROKER_URL=redis://127.0.0.1:6379/0 python -m bench.api
DATABASE_URL=postgres://…/prima_s python -m bench.scale --scales 0.1,1,10 --reuse   # the scale curve
```

`make bench` builds two organisations, at 10% (`prima_bench_10`) and at full scale (`prima_bench`), runs the
correlation benchmark on both, the load test on the full one (and only the query counts on the small one), and
writes this file. Nothing here is a test: the test suite runs each script once at a tiny scale
(`tests/bench/`), without timing anything.

## Method

- **Data** (`bench/generate.py`): 1,000 departments in a tree up to five levels deep (the head office's
  directorates, divisions and sections; regional offices, branches and their front-line units), 40% of them
  service units; 50,000 employees (heads manage their department; a few units are tiny, so that suppression
  happens); a monthly pulse survey with 24 closed rounds of ten rated questions (nine drivers and eNPS) and an
  optional comment, answered by 65% of those invited; SKM scores (IKM and its nine elements) per service unit
  and month that follow the unit's staff satisfaction a month later; a year of approved leave (with balances
  and ledger), paid bonuses (with their workflow steps and budgets) and recognitions. Rows are written with
  COPY (binary COPY laid out by numpy for the pulse tables, whose indexes and keys are dropped for the load and
  rebuilt in the same transaction). Participations and responses come from independent random streams, in
  independent orders, with random ids. The results of every round are materialised by
  `pulse_surveys.services.round_results_materialise`, the close job's own service; the close job itself
  (which also rewrites the round's rows in a new random order) is then timed on the latest round.
- **Correlation** (`bench/correlation.py`): the full report (24 months, monthly, lags −2..2, SKM IKM
  headline) through the three steps of its Celery chain, in-process, against one hand-written SQL statement
  that groups every raw answer into unit-month means and joins them to the IKM, plus `scipy.stats.pearsonr`
  on its rows. Three runs each, alternately; medians compared. Two smaller points: the full organisation
  with all but a tenth of its answers deleted (whole responses, in a transaction rolled back afterwards: the
  same departments, rounds and materialised results, a tenth of the answers behind them), and a second
  organisation generated at `--scale 0.1` (a tenth of the departments, people and answers, so that the
  unit-months shrink tenfold too).
- **API** (`bench/api.py`): gunicorn (sync workers) with production settings (`DEBUG=0`, a generated
  `SECRET_KEY`, `ALLOWED_HOSTS=127.0.0.1`, `SECURE_SSL_REDIRECT=0`, PostgreSQL, Redis) and `bench.settings`,
  which adds the baseline route; a small asyncio HTTP client in another process on loopback. Submissions by
  distinct employees with their own tokens to a newly opened round through `POST
  /api/v1/pulse/rounds/{id}/responses/`, and the same people's same answers to a second round through
  `bench/baseline.py` (a bare view doing the same inserts in hand-written SQL), the two taking turns in four
  slices each so that a change in the machine's load weighs on both; then results and the leadership home page
  (the dashboard: every app's panels) with 16 requests in flight and again with 2 (one per core: a request's
  own cost, without the queue), then leave requests. Afterwards the database is
  checked (each 201 left exactly one participation and one response with its answers), the queries of each
  read are counted in-process, and everything the run wrote is removed.

"""


def _load(name: str, database: str, directory: Path = RESULTS_DIR) -> dict | None:
    path = directory / f"{name}-{database}.json"
    return json.loads(path.read_text()) if path.exists() else None


def _s(seconds) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


def _ms(value) -> str:
    return "—" if value is None else f"{value:.0f}"


def _n(value) -> str:
    return "—" if value is None else f"{value:,}"


def _r(value) -> str:
    """A coefficient, or a dash where the report had too few units to compute it."""
    return "—" if value is None else f"{value:.4f}"


def _met(condition) -> str:
    return "—" if condition is None else ("met" if condition else "**missed**")


def _machine(result: dict) -> list[str]:
    m = result["machine"]
    settings = m.get("postgresql_settings", {})
    load = m.get("load_average")
    return [
        "| cores | CPU | memory | PostgreSQL | shared_buffers | work_mem | load average (1, 5, 15 min) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| {m['cores']} | {m['cpu']} | {m['memory_gib']} GiB | {m['postgresql']} | "
        f"{settings.get('shared_buffers', '?')} | {settings.get('work_mem', '?')} | "
        f"{', '.join(f'{x:.1f}' for x in load) if load else '?'} |",
    ]


def _goals(small_corr, full_corr, kept_corr, api, small_queries) -> list[str]:
    lines = ["| goal | measured | |", "| --- | --- | --- |"]
    if full_corr:
        ratio = full_corr["ratio"]
        lines.append(
            f"| correlation job ≤ 1.5 × SQL + scipy | {ratio:.2f} × at 100% "
            f"({_s(full_corr['job']['median_seconds'])} vs {_s(full_corr['baseline']['median_seconds'])}) "
            f"| {_met(ratio <= 1.5)} |"
        )
    if small_corr and full_corr:
        ratios = [result["ratio"] for result in (small_corr, full_corr)]
        lines.append(
            f"| correlation job ≤ 0.25 × SQL + scipy at both scales | {ratios[0]:.2f} × at 10% "
            f"({_s(small_corr['job']['median_seconds'])} vs {_s(small_corr['baseline']['median_seconds'])}), "
            f"{ratios[1]:.2f} × at 100% | {_met(max(ratios) <= 0.25)} |"
        )
    if kept_corr and full_corr:
        growth = full_corr["job"]["median_seconds"] / kept_corr["job"]["median_seconds"]
        answers = full_corr["counts"]["answers"] / kept_corr["counts"]["answers"]
        baseline = full_corr["baseline"]["median_seconds"] / kept_corr["baseline"]["median_seconds"]
        reads = "reads answers" if full_corr.get("profile", {}).get("reads_answers") else "reads no answer"
        across = ""
        if small_corr:
            across = (
                f"; from the 10% organisation, where the unit-months grow too: "
                f"×{full_corr['job']['median_seconds'] / small_corr['job']['median_seconds']:.1f}"
            )
        lines.append(
            f"| job time roughly flat from 10% to 100% of the answers | ×{growth:.2f} for ×{answers:.1f} the answers "
            f"in the same organisation ({_s(kept_corr['job']['median_seconds'])} → "
            f"{_s(full_corr['job']['median_seconds'])}; baseline ×{baseline:.1f}); the job {reads}{across} "
            f"| {_met(growth <= 1.5)} |"
        )
    if api:
        for label, names in (("results", READS[:3]), ("dashboard", READS[3:])):
            light = [
                (name, api["phases"][f"{name}, {LIGHT_CONCURRENCY} in flight"])
                for name in names
                if f"{name}, {LIGHT_CONCURRENCY} in flight" in api["phases"]
            ]
            loaded = [api["phases"][name]["p95_ms"] for name in names if name in api["phases"]]
            worst = max((phase["p95_ms"] for _name, phase in light), default=None)
            each = "; ".join(f"{name.split(': ', 1)[-1]} {_ms(phase['p95_ms'])}" for name, phase in light)
            lines.append(
                f"| {label} p95 ≤ 150 ms at full scale | with {LIGHT_CONCURRENCY} in flight: {each} ms "
                f"(with {api['concurrency']} in flight: up to {_ms(max(loaded, default=None))} ms) "
                f"| {_met(worst is not None and worst <= 150)} |"
            )
        if small_queries:
            same = all(
                small_queries["query_counts"][name]["queries"] == api["query_counts"][name]["queries"]
                for name in api["query_counts"]
                if name in small_queries["query_counts"]
            )
            counts = ", ".join(
                f"{small_queries['query_counts'][name]['queries']} → {api['query_counts'][name]['queries']}"
                for name in api["query_counts"]
                if name in small_queries["query_counts"]
            )
            lines.append(f"| query counts independent of the number of departments | {counts} | {_met(same)} |")
        ratio = api["submission_ratio"]
        prima = api["phases"]["submit: Prima API"]
        check = api["checks"]["submit: Prima API"]
        lines.append(
            f"| pulse submissions ≥ 60% of the raw-SQL baseline, no errors, nothing lost | "
            f"{ratio:.2f} ×, {prima['errors']} errors, {check['lost']} lost, {check['doubled']} doubled "
            f"| {_met(ratio >= 0.6 and prima['errors'] == 0 and check['ok'])} |"
        )
    return lines


def _generator(small, full) -> list[str]:
    runs = [(label, result) for label, result in (("10%", small), ("100%", full)) if result]
    if not runs:
        return ["(no run)"]
    lines = ["| | " + " | ".join(label for label, _r in runs) + " |", "| --- |" + " --- |" * len(runs)]
    for key in ("departments", "service_units", "employees", "invitations", "responses", "answers", "external_scores"):
        lines.append(f"| {key.replace('_', ' ')} | " + " | ".join(_n(r["sizes"].get(key)) for _l, r in runs) + " |")
    stages = list(dict.fromkeys(stage for _l, result in runs for stage in result["stages"]))
    for stage in stages:
        lines.append(f"| {stage} | " + " | ".join(_s(r["stages"].get(stage)) for _l, r in runs) + " |")
    lines.append(
        "| **generation (without the close job)** | "
        + " | ".join(f"**{_s(r['generation_seconds'])}**" for _l, r in runs)
        + " |"
    )
    if full and full.get("rebuild_statements"):
        lines += ["", "Slowest index and key rebuilds at 100%:", ""]
        lines += [f"- {seconds:.1f} s: `{statement[:110]}`" for seconds, statement in full["rebuild_statements"][:4]]
    return lines


def _correlation(small, full, kept=None) -> list[str]:
    columns = (("10%", small), ("100%, a tenth of the answers", kept), ("100%", full))
    runs = [(label, result) for label, result in columns if result]
    if not runs:
        return ["(no run)"]
    lines = ["| | " + " | ".join(label for label, _r in runs) + " |", "| --- |" + " --- |" * len(runs)]
    rows = [
        ("answers", lambda r: _n(r["counts"]["answers"])),
        ("materialised round results", lambda r: _n(r["counts"]["round_results"])),
        ("job: aggregate (median)", lambda r: _s(r["job"]["median_steps"]["aggregate"])),
        ("job: statistics (median)", lambda r: _s(r["job"]["median_steps"]["statistics"])),
        ("job: finish (median)", lambda r: _s(r["job"]["median_steps"]["finish"])),
        ("**job total (median)**", lambda r: f"**{_s(r['job']['median_seconds'])}**"),
        ("job: tests, scatter points", lambda r: f"{r['job']['tests']}, {r['job']['points']}"),
        (
            "job: queries, seconds in the database",
            lambda r: f"{r['profile']['queries']}, {_s(r['profile']['query_seconds'])}" if "profile" in r else "",
        ),
        ("**baseline: SQL + pearsonr (median)**", lambda r: f"**{_s(r['baseline']['median_seconds'])}**"),
        ("**ratio job / baseline**", lambda r: f"**{r['ratio']:.2f}**"),
        ("headline r (n): job", lambda r: f"{_r(r['job']['headline']['r'])} ({r['job']['headline']['n']})"),
        ("headline r (n): baseline", lambda r: f"{_r(r['baseline']['r'])} ({r['baseline']['n']})"),
    ]
    lines += [f"| {label} | " + " | ".join(value(r) for _l, r in runs) + " |" for label, value in rows]
    if full and full.get("profile"):
        lines += ["", "<details><summary>Where the job's time goes at 100% (cProfile, cumulative)</summary>", "", "```"]
        lines += [line for line in full["profile"]["cprofile"].splitlines() if line.strip()][:30]
        lines += ["```", "", "</details>"]
    if full and full.get("baseline_plan"):
        lines += ["", "<details><summary>The baseline's plan at 100% (EXPLAIN ANALYZE)</summary>", "", "```"]
        lines += full["baseline_plan"].splitlines()[:40]
        lines += ["```", "", "</details>"]
    return lines


def _api(api, small_queries) -> list[str]:
    if not api:
        return ["(no run)"]
    lines = [
        f"gunicorn with {api['workers']} workers, {api['concurrency']} requests in flight, "
        f"on {_n(api['organisation']['departments'])} departments and {_n(api['organisation']['employees'])} people.",
        "",
        "| phase | requests | throughput (req/s) | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, phase in api["phases"].items():
        lines.append(
            f"| {name} | {phase['requests']} | {phase['throughput']:.1f} | {_ms(phase['p50_ms'])} | "
            f"{_ms(phase['p95_ms'])} | {_ms(phase['p99_ms'])} | {phase['errors']} |"
        )
    lines += ["", "Stored afterwards:", ""]
    for name, check in api["checks"].items():
        details = ", ".join(f"{key} {value}" for key, value in check.items() if key != "ok")
        lines.append(f"- {name}: {'ok' if check['ok'] else '**failed**'} ({details})")
    lines += ["", "Queries per read (in-process, one request each):", ""]
    small = (small_queries or {}).get("query_counts", {})
    small_org = (small_queries or {}).get("organisation", {})
    lines += [
        f"| read | at {_n(small_org.get('departments'))} departments | at {_n(api['organisation']['departments'])} "
        "departments | response size at full scale |",
        "| --- | --- | --- | --- |",
    ]
    for name, count in api["query_counts"].items():
        lines.append(
            f"| {name} | {small.get(name, {}).get('queries', '—')} | {count['queries']} | {_n(count['bytes'])} bytes |"
        )
    return lines


def _org_import(result: dict | None) -> list[str]:
    if not result:
        return ["(not run: `python -m bench.org_import` on a database whose name contains 'bench')"]
    people, departments = result["people"], result["departments"]
    written = result["again_rows_written"]
    first, again = result["people_seconds"], result["again_seconds"]
    lines = [
        f"Files of {departments:,} departments and {people:,} people ({result['file_mib']} MB of CSV) into an empty",
        "organisation, each checked and then applied through the same services as the page:",
        "",
        "| step | time | goal |",
        "| --- | --- | --- |",
        f"| departments, upload to applied | {_s(result['departments_seconds'])} | |",
        f"| people, upload to applied | {_s(first)} | ≤ 60 s {_met(first <= 60)} |",
        f"| the same file, 1% of rows changed | {_s(again)} | ≤ 10 s {_met(again <= 10)} |",
        "",
        f"Peak memory of the process: {result['peak_mib']} MiB. "
        f"With 1% changed ({result['again_rows_changed']} rows), the "
        f"database wrote {written.get('employees_user', 0)} person rows and "
        f"{written.get('employees_departmentmove', 0)} moves (counts: {result['again_counts']}).",
        "",
        "SCIM: a client provisions people one by one (create, then a `userName eq` filter for each, then a PATCH",
        "each), through Prima's WSGI application in one process; queries per request at two sizes:",
        "",
        "| request | people | queries (min–max) | ms per request |",
        "| --- | --- | --- | --- |",
    ]
    for label, key in (("small", "scim_small_organisation"), ("full", "scim")):
        for kind, figures in result[key].items():
            lines.append(
                f"| {kind} ({label}) | {figures['requests']:,} | {figures['queries_min']}–{figures['queries_max']} "
                f"| {figures['ms_per_request']} |"
            )
    return lines


def _replica(result: dict | None) -> list[str]:
    """Primary only against primary + replica, 16 requests in flight (`bench.replica`)."""
    if not result:
        return ["(no run: `python -m bench.replica`)"]
    lines = [
        f"`python -m bench.replica --seconds {result['seconds']:g} --workers {result['workers']}`: a primary and a"
        " streaming replica of their own on this machine, holding the demo organisation (`seed_demo`: 124 people,"
        f" 15 departments); gunicorn with {result['workers']} workers and production settings; {result['in_flight']}"
        " clients signed in as leadership ask for the dashboard (`/insights/`) and the pulse results page"
        f" (`/pulse/results/`) in turn for {result['seconds']:g} s per phase, after a 3 s warm-up. The rows each"
        " server returned in the phase (`pg_stat_database`) show where the reads went.",
        "",
        "| phase | requests/s | p50 (ms) | p95 (ms) | errors | rows read on the primary | rows read on the replica |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures in result["phases"].items():
        lines.append(
            f"| {label} | {figures['per_second']:.2f} | {_ms(figures['p50_ms'])} | {_ms(figures['p95_ms'])} "
            f"| {figures['errors']} | {figures['rows_read_primary']:,} | {figures['rows_read_replica']:,} |"
        )
    return lines


def _comments(result: dict | None) -> list[str]:
    if not result:
        return ["(not run: `python -m bench.comments`)"]
    seconds, goal = result["analysis_seconds"], result["goal_seconds"]
    return [
        f"{result['comments']:,} generated comments ({result['distinct_words']:,} distinct words, both languages,",
        "informal spelling, misspellings), read with cold caches by `CommentAnalyser.summarise`, what the pages call:",
        "",
        "| step | time | goal |",
        "| --- | --- | --- |",
        f"| themes and sentiment of every comment | {_s(seconds)} | ≤ {goal} s {_met(seconds <= goal)} |",
        f"| name index of {result['people']:,} people | {_s(result['index_seconds'])} | |",
        f"| names taken out of every comment | {_s(result['redaction_seconds'])} | |",
        "",
        f"Top themes: {', '.join(f'{key} ({count:,})' for key, count in result['top_themes'])}; "
        f"{result['comments_with_names']:,} comments held a name.",
    ]


def write(
    small: str, full: str, *, results: Path = RESULTS_DIR, doc: Path = DOC, organisation: str = "prima_bench_org"
) -> Path:
    small_gen, full_gen = _load("generate", small, results), _load("generate", full, results)
    small_corr, full_corr = _load("correlation", small, results), _load("correlation", full, results)
    kept_corr = _load("correlation-answers-kept", full, results)
    api, small_queries = _load("api", full, results), _load("api-queries", small, results)
    findings = NO_FINDINGS
    if doc.exists():
        text = doc.read_text()
        if FINDINGS_START in text and FINDINGS_END in text:
            findings = text.split(FINDINGS_START, 1)[1].split(FINDINGS_END, 1)[0].strip("\n") + "\n"
    reference = full_gen or full_corr or api
    lines = [
        "# Benchmarks",
        "",
        f"Figures from `make bench`, run on {dt.date.today():%Y-%m-%d}. They are regenerated on every run; the",
        "findings at the end are written by hand from the profiles and kept.",
        "",
        *INTRODUCTION.splitlines(),
        "## Machine",
        "",
        *(_machine(reference) if reference else ["(no run)"]),
        "",
        "PostgreSQL runs with its default settings. The machine's two cores are shared with other work (test",
        "suites run alongside), so absolute times carry that noise; the load average above was taken at the end of",
        "the generator's run. Ratios measured within one run are the steadier figures.",
        "",
        "## Goals",
        "",
        *_goals(small_corr, full_corr, kept_corr, api, small_queries),
        "",
        "## Generator",
        "",
        *_generator(small_gen, full_gen),
        "",
        "## Correlation job and its baseline",
        "",
        *_correlation(small_corr, full_corr, kept_corr),
        "",
        "## API under load",
        "",
        *_api(api, small_queries),
        "",
        "## Organisation import and SCIM",
        "",
        *_org_import(_load("org-import", organisation, results)),
        "",
        "## Read replica",
        "",
        *_replica(_load("replica", "prima", results)),
        "## Comment analysis",
        "",
        *_comments(_load("comments", full, results)),
        "",
        "## Scale curve",
        "",
        SCALE_START,
        *scale_section(load_scale_results(results)),
        SCALE_END,
        "",
        FINDINGS_START,
        findings.rstrip("\n"),
        FINDINGS_END,
        "",
    ]
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text("\n".join(lines))
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report", description=__doc__.split("\n")[0])
    parser.add_argument("--small", default="prima_bench_10", help="the 10% organisation's database")
    parser.add_argument("--full", default="prima_bench", help="the full organisation's database")
    parser.add_argument("--org", default="prima_bench_org", help="the organisation import's database")
    args = parser.parse_args(argv)
    print(f"Wrote {write(args.small, args.full, organisation=args.org)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
