"""docs/BENCHMARKS.md is written from the benchmarks' results, keeping its hand-written findings."""

import pytest

from bench import api, correlation, report
from bench._common import database_name, save_results
from tests.bench.conftest import quiet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_report_shows_every_goal_and_keeps_the_findings(tiny_org, tmp_path):
    # given the results of every benchmark on a tiny organisation
    save_results("generate", tiny_org, directory=tmp_path)
    save_results("correlation", correlation.bench(repeats=1, out=quiet), directory=tmp_path)
    save_results(
        "correlation-answers-kept", correlation.bench_with_answers_kept(0.1, repeats=1, out=quiet), directory=tmp_path
    )
    save_results("api-queries", api.count_queries(out=quiet), directory=tmp_path)
    save_results("api", api.bench(submissions=6, reads=3, leave_requests=3, workers=2, out=quiet), directory=tmp_path)
    # and an earlier report whose findings were written by hand
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(
        f"old figures\n{report.FINDINGS_START}\n## Findings\n\nThe close job dominates.\n{report.FINDINGS_END}\n"
    )
    # when the report is written
    name = database_name()
    report.write(name, name, results=tmp_path, doc=doc)
    # then it states every goal with a verdict, the figures, and the findings as they were
    text = doc.read_text()
    for goal in (
        "correlation job ≤ 1.5 × SQL + scipy",
        "correlation job ≤ 0.25 × SQL + scipy at both scales",
        "job time roughly flat",
        "results p95 ≤ 150 ms",
        "dashboard p95 ≤ 150 ms",
        "query counts independent of the number of departments",
        "pulse submissions ≥ 60% of the raw-SQL baseline",
    ):
        line = next(line for line in text.splitlines() if goal in line)
        assert line.rstrip().endswith(("| met |", "| **missed** |")), line
    assert "pulse: materialise results (service)" in text and "submit: raw SQL baseline" in text
    assert "100%, a tenth of the answers" in text
    assert "old figures" not in text
    assert "## Findings\n\nThe close job dominates." in text
