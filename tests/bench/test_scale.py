"""The scale curve: the people file it writes from the database is one the import accepts, and
the report shows each cost's growth exponent and draws the plot."""

import json

import pytest

from bench import report, scale
from employees.importing import org_file_check
from employees.models import User
from pulse_surveys.models import Answer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _result(people: int, factor: float) -> dict:
    """A measurement whose costs grow as people ** (1, 2, 1, 0, 1, 1) from `factor`."""
    load = [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    return {
        "rows": {"people": people, "pulse_surveys_answer": people * 150},
        "close_job": {"seconds": factor * people, "database_seconds": 1, "answer_tables_seconds": 0.5, "load": load},
        "pages": {
            "results page": {"p95_ms": factor * people**2 * 1000, "load": load},
            "dashboard": {"p95_ms": factor * people * 1000, "load": load},
        },
        "correlation": {"seconds": 3.0, "database_seconds": 1, "answer_tables_seconds": 0, "load": load},
        "org_import": {
            "check_seconds": factor * people / 2,
            "apply_seconds": factor * people / 2,
            "rows": people,
            "bytes": people * 100,
            "fits_one_upload": True,
        },
        "size": {"database_bytes": people * 2**20, "answer_tables_share": 0.8},
    }


def test_the_answers_counted_are_the_table_s_even_after_a_rolled_back_mass_delete(tiny_org):
    from django.db import connection, transaction

    class RolledBack(Exception):
        pass

    answers = Answer.objects.count()
    # a mass delete rolled back, with the statistics taken while it was under way
    with pytest.raises(RolledBack), transaction.atomic():
        Answer.objects.filter(pk__in=Answer.objects.values("pk")[: answers * 9 // 10]).delete()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE pulse_surveys_answer")
        raise RolledBack
    # then the table's rows are read again, not the stale estimate
    assert scale._table_rows()["pulse_surveys_answer"] == answers == Answer.objects.count()


def test_the_people_file_written_from_the_database_checks_clean_with_one_percent_changed(tiny_org):
    # when
    content, changed = scale.people_file(0.01)
    # then every generated person is in it and the import would change exactly those rows
    people = User.objects.exclude(employee_number="").count()
    assert content.count(b"\n") - 1 == people
    plan = org_file_check(kind="people", mode="partial", content=content)
    assert plan.is_valid, [error.as_dict() for error in plan.errors[:3]]
    assert plan.counts["updated"] == changed == -(-people // 100)


def test_the_report_shows_the_growth_exponents_and_draws_the_plot(tmp_path, monkeypatch):
    # given measurements at three sizes
    for people in (100, 1000, 10000):
        (tmp_path / f"scale-prima_s{people}.json").write_text(json.dumps(_result(people, 1e-4)))
    monkeypatch.setattr(scale, "PLOT", tmp_path / "img" / "scale.png")
    # when the benchmark report is written
    doc = tmp_path / "BENCHMARKS.md"
    report.write("none", "none", results=tmp_path, doc=doc)
    # then the table has a column per size and the exponents fitted
    text = doc.read_text()
    rows = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert rows["close job, latest round"].endswith("| 1.00 |")
    assert rows["results page p95"].endswith("| 2.00 |")
    assert rows["correlation job"].endswith("| 0.00 |")
    assert "10,000 people" in text
    # and bench.scale --report rewrites only its block, and draws the plot
    scale.write_report(scale.load_results(tmp_path), doc=doc)
    assert doc.read_text() == text
    assert (tmp_path / "img" / "scale.png").read_bytes()[:4] == b"\x89PNG"


def test_the_close_job_measured_on_the_latest_round_s_ballots_gives_the_results_it_had(tiny_org):
    from pulse_surveys.models import Ballot, Response, RoundResult
    from tasks.surveys import survey_round_close_task

    latest = scale._latest_round()
    results = RoundResult.objects.filter(round=latest).order_by("department_id", "is_total")

    def shown() -> list[tuple]:
        # (a protected group's figures carry noise drawn afresh at each close: only whether it is)
        rows = results.values_list("department_id", "is_total", "responded", "suppressed", "protected", "score", "enps")
        return [
            (*row[:5], *(None if value is None or row[4] else round(value, 9) for value in row[5:])) for row in rows
        ]

    before = shown()
    answers = sorted(Answer.objects.filter(round=latest).values_list("response__department_id", "question_id", "value"))
    # when the bench puts the latest round back into sealed ballots, as it was while open
    ballots = scale.seal_latest_round(latest)
    # then its answers are gone into as many ballots as it had responses
    assert ballots == Ballot.objects.filter(round=latest).count() > 0
    assert not Response.objects.filter(round=latest).exists() and not Answer.objects.filter(round=latest).exists()
    # and the close job opens them into the same answers and the same results
    survey_round_close_task.run(latest.pk)
    assert not Ballot.objects.filter(round=latest).exists()
    assert Response.objects.filter(round=latest).count() == ballots
    reopened = Answer.objects.filter(round=latest).values_list("response__department_id", "question_id", "value")
    assert sorted(reopened) == answers
    assert shown() == before and any(row[5] is not None for row in before)
