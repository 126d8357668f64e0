"""The correlation benchmark runs the report job and the SQL + scipy baseline side by side."""

import threading

import pytest
from scipy import stats

from bench import correlation
from correlation.models import CorrelationReport
from tests.bench.conftest import quiet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_job_and_the_baseline_are_timed_and_agree(tiny_org):
    # when the benchmark runs on the generated organisation
    result = correlation.bench(repeats=1, out=quiet)
    # then both were timed and compared
    assert result["job"]["median_seconds"] > 0 and result["baseline"]["median_seconds"] > 0
    assert result["ratio"] == result["job"]["median_seconds"] / result["baseline"]["median_seconds"]
    assert result["job"]["tests"] > 0 and result["profile"]["queries"] > 0
    assert "Seq Scan" in result["baseline_plan"] or "Index" in result["baseline_plan"]
    # the baseline sees every unit-month the job shows (suppression only takes some away) …
    job, baseline = result["job"]["headline"], result["baseline"]
    assert baseline["n"] >= job["n"] > 0
    # … and its r is scipy's on the baseline's own rows
    first, last = result["period_from"], result["period_to"]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(correlation.BASELINE_SQL, {"first": first, "last": last})
        rows = cursor.fetchall()
    assert baseline["r"] == pytest.approx(stats.pearsonr(*zip(*rows, strict=True))[0], abs=1e-9)
    # the reports it computed were measurements, and are gone
    assert not CorrelationReport.objects.exists()


def test_with_a_tenth_of_the_answers_the_job_reads_the_same_results_and_nothing_is_lost(tiny_org):
    from pulse_surveys.models import Answer, RoundResult

    # given the generated organisation
    answers, results = Answer.objects.count(), RoundResult.objects.count()
    full = correlation.bench(repeats=1, profile=False, out=quiet)
    # when the benchmark runs on a tenth of its answers
    kept = correlation.bench_with_answers_kept(0.1, repeats=1, out=quiet)
    # then the baseline saw about a tenth of them, the job the same results as before
    assert 0 < kept["counts"]["answers"] < answers * 0.25
    assert kept["counts"]["round_results"] == full["counts"]["round_results"] == results
    assert kept["job"]["points"] == full["job"]["points"]
    assert kept["baseline"]["n"] <= full["baseline"]["n"]
    # and the answers are all back
    assert Answer.objects.count() == answers


def test_the_profile_counts_the_queries_of_every_connection_the_job_reads_on(settings):
    # given reads at once on two connections, each call a query of its own
    from django.db import connection

    from bench._common import QueriesOfEveryThread
    from config.replica import read_at_once

    settings.DATABASE_READ_STREAMS = 2

    def marked(number: int):
        def read():
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT 'read {number}', pg_sleep(0.02)")
                return threading.current_thread().name

        return read

    # when they run inside the capture
    with QueriesOfEveryThread() as queries:
        threads = read_at_once([marked(number) for number in range(6)])

    # then both threads read, and every query was captured, whichever connection ran it
    assert set(threads) == {"MainThread", "prima-read-1"}
    captured = " ".join(query["sql"] for query in queries.captured_queries)
    assert all(f"'read {number}'" in captured for number in range(6))
