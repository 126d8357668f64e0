"""The full correlation job against the database's own limit.

    DATABASE_URL=postgres://…/prima_bench python -m bench.correlation [--repeats 3]

The job: a report over every month that has pulse results (monthly, lags up to two months,
SKM IKM as the headline), run in-process through the very functions its Celery chain calls
(`correlation_report_run_step` for aggregate, statistics and finish), on the generated data.

The baseline: one hand-written SQL statement that groups the raw answers of every closed round
into unit-month means (Likert answers as (v − 1) × 25, the same 0–100 score, for the units a
report compares, those without sub-departments, with at least the anonymity threshold of
respondents), joins them to the IKM of the same unit and month, and `scipy.stats.pearsonr`
on what it returns: about the least work that answers "does internal satisfaction go with
external quality?" on one machine.

With `--answers-kept 0.1`, the same runs happen after all but a tenth of the answers (whole
responses, chosen by a hash of their id) are deleted, in a transaction that is rolled back
afterwards: the same organisation and the same closed rounds with their results, a tenth of the
answers behind them. That is how the job's cost follows the number of answers.

Both run `--repeats` times, alternately, and the medians are compared. The job does far more
than the baseline (every lag both ways, within-unit tests, drivers × dimensions, levers, Fisher
intervals, Spearman, Benjamini–Hochberg), but reads materialised results instead of answers;
the baseline reads every answer. How the two grow is shown by running this at two scales of the
generator (`make bench` runs it on a 10% and a 100% organisation).
"""

import argparse
import cProfile
import datetime as dt
import io
import pstats
import statistics
import sys
import time

from bench._common import QueriesOfEveryThread, machine, require_postgresql, save_results, setup_django

# The steps of `tasks.correlation.correlation_report_pipeline`, in its order.
CHAIN = ("aggregate", "statistics", "finish")

BASELINE_SQL = """
WITH units AS (
    SELECT d.id FROM employees_department d
    WHERE NOT EXISTS (SELECT 1 FROM employees_department c WHERE c.parent_id = d.id)
), closed AS (
    SELECT id, period, anonymity_threshold FROM pulse_surveys_round
    WHERE status = 'closed' AND period BETWEEN %(first)s AND %(last)s
), respondents AS (
    SELECT r.department_id, c.period, count(*) AS n, max(c.anonymity_threshold) AS threshold
    FROM pulse_surveys_response r JOIN closed c ON c.id = r.round_id
    WHERE r.department_id IN (SELECT id FROM units)
    GROUP BY r.department_id, c.period
), means AS (
    SELECT r.department_id, c.period, avg((a.value - 1) * 25.0) AS internal
    FROM pulse_surveys_answer a
    JOIN pulse_surveys_response r ON r.id = a.response_id
    JOIN closed c ON c.id = r.round_id
    JOIN pulse_surveys_question q ON q.id = a.question_id
    WHERE q.kind = 'likert' AND r.department_id IN (SELECT id FROM units)
    GROUP BY r.department_id, c.period
)
SELECT m.internal::float8, e.value::float8
FROM means m
JOIN respondents n ON n.department_id = m.department_id AND n.period = m.period AND n.n >= n.threshold
JOIN service_quality_externalscore e
  ON e.department_id = m.department_id AND e.period = m.period AND e.source = 'skm' AND e.dimension = 'ikm'
"""


def _span() -> tuple[dt.date, dt.date]:
    from pulse_surveys.models import Round, RoundStatus

    periods = Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True).values_list("period", flat=True)
    periods = sorted(periods)
    if not periods:
        raise SystemExit("No closed pulse rounds: run `python -m bench.generate` first.")
    return periods[0], periods[-1]


def run_job(first: dt.date, last: dt.date) -> dict:
    """One report through the three steps of its Celery chain, in-process; seconds per step."""
    from correlation.models import CorrelationReport, Granularity, ReportStatus
    from correlation.services import correlation_report_run_step

    report = CorrelationReport.objects.create(
        period_from=first,
        period_to=last,
        granularity=Granularity.MONTH,
        max_lag=2,
        external_source="skm",
        external_dimension="ikm",
    )
    seconds = {}
    started = time.perf_counter()
    for step in CHAIN:
        step_started = time.perf_counter()
        correlation_report_run_step(report_id=report.pk, step=step)
        seconds[step] = time.perf_counter() - step_started
    seconds["total"] = time.perf_counter() - started
    report.refresh_from_db()
    if report.status != ReportStatus.SUCCEEDED:
        raise SystemExit(f"The correlation job did not succeed: {report.status} {report.error}")
    headline = report.results.get(family="satisfaction_external", variant="pooled", lag=0, internal_metric="overall")
    return {
        "report_id": report.pk,
        "seconds": seconds,
        "tests": report.results.count(),
        "points": report.points.count(),
        "headline": {"n": headline.n, "r": headline.pearson_r, "p": headline.pearson_p},
    }


def run_baseline(first: dt.date, last: dt.date) -> dict:
    """The hand-written GROUP BY and scipy's pearsonr on its rows."""
    import numpy as np
    from django.db import connection
    from scipy import stats

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL, {"first": first, "last": last})
        rows = np.array(cursor.fetchall(), dtype=float)
    query_seconds = time.perf_counter() - started
    r, p = stats.pearsonr(rows[:, 0], rows[:, 1]) if len(rows) > 2 else (float("nan"), float("nan"))
    return {
        "seconds": {"query": query_seconds, "total": time.perf_counter() - started},
        "n": len(rows),
        "r": float(r),
        "p": float(p),
    }


def _counts() -> dict:
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for name, table in (
            ("answers", "pulse_surveys_answer"),
            ("responses", "pulse_surveys_response"),
            ("round_results", "pulse_surveys_roundresult"),
            ("departments", "employees_department"),
            ("external_scores", "service_quality_externalscore"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[name] = cursor.fetchone()[0]
    return counts


def _explain(first: dt.date, last: dt.date) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + BASELINE_SQL, {"first": first, "last": last})
        return "\n".join(row[0] for row in cursor.fetchall())


def _profile(first: dt.date, last: dt.date, top: int = 25) -> dict:
    """One more job run under cProfile and with its queries captured: where the time goes."""
    profiler = cProfile.Profile()
    with QueriesOfEveryThread() as queries:
        profiler.enable()
        run_job(first, last)
        profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(top)
    own = io.StringIO()
    pstats.Stats(profiler, stream=own).sort_stats("tottime").print_stats(top)
    query_seconds = sum(float(query["time"]) for query in queries.captured_queries)
    slowest = sorted(queries.captured_queries, key=lambda query: -float(query["time"]))[:5]
    return {
        "queries": len(queries.captured_queries),
        "reads_answers": any("pulse_surveys_answer" in query["sql"] for query in queries.captured_queries),
        "query_seconds": round(query_seconds, 3),
        "slowest_queries": [{"seconds": float(q["time"]), "sql": q["sql"][:400]} for q in slowest],
        "cprofile": text.getvalue(),
        "cprofile_own_time": own.getvalue(),
    }


def bench(*, repeats: int = 3, profile: bool = True, out=print) -> dict:
    from correlation.models import CorrelationReport

    require_postgresql("The correlation benchmark")
    first, last = _span()
    counts = _counts()
    out(f"Correlation job vs SQL + scipy over {first:%Y-%m}..{last:%Y-%m} ({counts['answers']} answers) …")
    jobs, baselines = [], []
    for attempt in range(repeats):
        baselines.append(run_baseline(first, last))
        jobs.append(run_job(first, last))
        out(
            f"  run {attempt + 1}: job {jobs[-1]['seconds']['total']:.3f} s "
            f"(aggregate {jobs[-1]['seconds']['aggregate']:.3f}, statistics {jobs[-1]['seconds']['statistics']:.3f}), "
            f"baseline {baselines[-1]['seconds']['total']:.3f} s"
        )
    job_seconds = statistics.median(job["seconds"]["total"] for job in jobs)
    baseline_seconds = statistics.median(baseline["seconds"]["total"] for baseline in baselines)
    result = {
        "period_from": first,
        "period_to": last,
        "counts": counts,
        "repeats": repeats,
        "job": {
            "median_seconds": job_seconds,
            "median_steps": {
                step: statistics.median(job["seconds"][step] for job in jobs)
                for step in ("aggregate", "statistics", "finish")
            },
            "tests": jobs[-1]["tests"],
            "points": jobs[-1]["points"],
            "headline": jobs[-1]["headline"],
        },
        "baseline": {
            "median_seconds": baseline_seconds,
            "n": baselines[-1]["n"],
            "r": baselines[-1]["r"],
            "p": baselines[-1]["p"],
        },
        "ratio": job_seconds / baseline_seconds if baseline_seconds else None,
        "runs": {"job": [job["seconds"] for job in jobs], "baseline": [b["seconds"] for b in baselines]},
    }
    if profile:
        result["profile"] = _profile(first, last)
        result["baseline_plan"] = _explain(first, last)
    # The reports written here are measurements, not anyone's reports.
    CorrelationReport.objects.filter(pk__in=[job["report_id"] for job in jobs]).delete()
    CorrelationReport.objects.filter(period_from=first, period_to=last, requested_by__isnull=True).delete()
    result["machine"] = machine()
    out(
        f"  job {job_seconds:.3f} s ({result['job']['tests']} tests), baseline {baseline_seconds:.3f} s: "
        f"ratio {result['ratio']:.2f} (goals: ≤ 1.5, and ≤ 0.25 at both scales)"
    )
    out(
        f"  headline r: job {result['job']['headline']['r']} (n={result['job']['headline']['n']}), "
        f"baseline {result['baseline']['r']} (n={result['baseline']['n']})"
    )
    return result


def bench_with_answers_kept(fraction: float, *, repeats: int = 3, out=print) -> dict:
    """`bench` after deleting all but `fraction` of the answers, in a transaction rolled back
    afterwards (nothing else changes: departments, rounds, materialised results)."""
    from django.db import connection, transaction

    require_postgresql("The correlation benchmark")
    with transaction.atomic():
        started = time.perf_counter()
        with connection.cursor() as cursor:
            # The first byte of md5(id) is uniform over 0..255: keep the responses below the cut.
            cursor.execute(
                "DELETE FROM pulse_surveys_answer a USING pulse_surveys_response r "
                "WHERE r.id = a.response_id AND get_byte(decode(md5(r.id::text), 'hex'), 0) >= %s",
                [round(256 * fraction)],
            )
            deleted = cursor.rowcount
            cursor.execute("ANALYZE pulse_surveys_answer")
        out(f"  kept {fraction:.0%} of the answers ({deleted} deleted in {time.perf_counter() - started:.1f} s)")
        result = bench(repeats=repeats, profile=False, out=out)
        transaction.set_rollback(True)
    result["answers_kept"] = fraction
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.correlation", description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--answers-kept", type=float, default=1.0, help="run on this fraction of the answers")
    args = parser.parse_args(argv)
    setup_django()
    if args.answers_kept < 1:
        result = bench_with_answers_kept(args.answers_kept, repeats=args.repeats)
        print(f"Results: {save_results('correlation-answers-kept', result)}")
        return 0
    result = bench(repeats=args.repeats, profile=not args.no_profile)
    print(f"Results: {save_results('correlation', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
