"""Closing a round materialises results per department subtree; suppressed groups show counts only."""

import numpy as np
import pytest
from django.db.models import F

from pulse_surveys.models import RoundResult
from tests.factories import DepartmentFactory, UserFactory
from tests.pulse_surveys.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db


def results_url(pulse_round, department=None) -> str:
    query = f"?department={department.pk}" if department is not None else ""
    return f"/api/v1/pulse/rounds/{pulse_round.pk}/results/{query}"


@pytest.fixture
def answered_round(org, survey, staff):
    """Everyone answers: CS 7 people, LKT 5, HRD 2 (below the threshold of 3)."""
    pulse_round = open_round(survey)
    values = {}
    for index, person in enumerate(staff["cs"] + staff["lkt"] + staff["hrd"]):
        likert, enps = 1 + index % 5, index % 11
        values[person.pk] = (likert, enps)
        answer(pulse_round, person, likert=likert, enps=enps, comment=f"comment {index}")
    return close(pulse_round), values


def test_scores_equal_numpy_on_the_raw_answers(org, staff, answered_round, api):
    pulse_round, values = answered_round
    cs = [values[p.pk] for p in staff["cs"]]
    likert = np.array([v[0] for v in cs for _question in range(2)], dtype=float)
    enps = np.array([v[1] for v in cs], dtype=float)
    # when
    data = api(org.hana).get(results_url(pulse_round, org.cs)).json()
    # then
    assert (data["invited"], data["responded"], data["response_rate"], data["suppressed"]) == (7, 7, 100.0, False)
    stored = RoundResult.objects.get(round=pulse_round, department=org.cs)
    assert stored.score == pytest.approx(np.mean((likert - 1) / 4 * 100), abs=1e-9)
    expected_enps = (np.mean(enps >= 9) - np.mean(enps <= 6)) * 100
    assert stored.enps == pytest.approx(expected_enps, abs=1e-9)
    assert data["score"] == round(stored.score, 1)
    drivers = {item["driver"]: item["score"] for item in data["drivers"]}
    assert set(drivers) == {"recognition", "workload"}
    assert drivers["recognition"] == pytest.approx(np.mean((likert[::2] - 1) / 4 * 100), abs=0.05)
    distribution = next(d for d in data["distributions"] if d["question"] == pulse_round.questions.first().pk)
    assert sum(distribution["counts"].values()) == 7
    assert sorted(data["comments"]) == sorted(f"comment {i}" for i in range(7))
    assert (data["comments_total"], data["comments_next"]) == (7, None)


def test_a_result_returns_its_comments_a_hundred_at_a_time_in_the_stored_order(org, staff, answered_round, api):
    # given the whole audience's stored result with 250 comments (as a large organisation's)
    pulse_round, _values = answered_round
    stored = [f"remark {index}" for index in range(250)]
    RoundResult.objects.filter(round=pulse_round, department=org.cs).update(comments=stored)
    client = api(org.hana)
    # when
    first = client.get(results_url(pulse_round, org.cs)).json()
    second = client.get(first["comments_next"]).json()
    last = client.get(second["comments_next"]).json()
    # then each page shows the next hundred, with the total, until there is no next page
    assert first["comments"] == stored[:100] and second["comments"] == stored[100:200]
    assert last["comments"] == stored[200:] and last["comments_next"] is None
    assert {page["comments_total"] for page in (first, second, last)} == {250}
    assert f"department={org.cs.pk}" in first["comments_next"] and "comments_page=2" in first["comments_next"]
    # and the rest of the result is the same on every page
    assert {page["score"] for page in (first, second, last)} == {first["score"]}


@pytest.mark.parametrize(("page", "status"), [("4", 404), ("0", 404), ("two", 400)])
def test_a_page_of_comments_that_does_not_exist_is_refused(org, staff, answered_round, api, page, status):
    pulse_round, _values = answered_round
    RoundResult.objects.filter(round=pulse_round, department=org.cs).update(comments=["x"] * 250)
    response = api(org.hana).get(f"{results_url(pulse_round, org.cs)}&comments_page={page}")
    assert response.status_code == status


def test_a_parent_rolls_up_its_subtree(org, staff, answered_round, api):
    pulse_round, _values = answered_round
    data = api(org.hana).get(results_url(pulse_round, org.ops)).json()
    assert (data["invited"], data["responded"], data["suppressed"]) == (12, 12, False)
    assert [(b["department"], b["responded"], b["suppressed"]) for b in data["breakdown"]] == [
        (org.cs.pk, 7, False),
        (org.lkt.pk, 5, False),
    ]


def test_a_small_group_is_hidden_and_so_is_whatever_would_give_it_away(org, staff, answered_round, api):
    pulse_round, _values = answered_round
    client = api(org.lina)
    hrd = client.get(results_url(pulse_round, org.hrd)).json()
    assert hrd["suppressed"] is True and hrd["reason"] == "below_threshold"
    assert (hrd["invited"], hrd["responded"]) == (2, 2)
    for hidden in ("score", "enps", "drivers", "distributions", "comments", "comments_total", "comments_next"):
        assert hidden not in hrd
    # HQ minus OPS would be HRD: HQ (and the whole audience, which equals it) is hidden too
    hq = client.get(results_url(pulse_round, org.hq)).json()
    assert hq["suppressed"] is True and hq["reason"] == "complementary"
    total = client.get(results_url(pulse_round)).json()
    assert total["suppressed"] is True and "score" not in total
    # and nothing that is hidden was even stored
    assert not RoundResult.objects.filter(suppressed=True, score__isnull=False).exists()
    assert not RoundResult.objects.filter(suppressed=True).exclude(comments=[]).exists()


def test_results_are_not_shown_while_the_round_is_open(org, survey, staff, api):
    pulse_round = open_round(survey)
    for person in staff["cs"]:
        answer(pulse_round, person)
    assert api(org.hana).get(results_url(pulse_round, org.cs)).status_code == 409
    participation = api(org.hana).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/participation/").json()
    assert (participation["invited"], participation["responded"]) == (14, 7)
    assert "score" not in str(participation)


def test_a_manager_sees_their_own_subtree_only(org, staff, answered_round, api):
    pulse_round, _values = answered_round
    client = api(org.budi)
    own = client.get(results_url(pulse_round))
    assert own.status_code == 200 and own.json()["department"] == org.cs.pk
    assert client.get(results_url(pulse_round, org.lkt)).status_code == 404
    assert client.get(results_url(pulse_round, org.ops)).status_code == 404


def test_an_employee_cannot_read_results(org, answered_round, api):
    pulse_round, _values = answered_round
    assert api(org.ani).get(results_url(pulse_round, org.cs)).status_code == 403


@pytest.mark.parametrize("department", ["abc", "999999", "-1"])
def test_a_bad_department_is_a_clean_error(org, answered_round, api, department):
    pulse_round, _values = answered_round
    response = api(org.hana).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/results/?department={department}")
    assert response.status_code in (400, 404)


def test_only_hr_closes_a_round_and_only_once(org, survey, api, django_capture_on_commit_callbacks):
    pulse_round = open_round(survey)
    assert api(org.lina).post(f"/api/v1/pulse/rounds/{pulse_round.pk}/close/").status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = api(org.hana).post(f"/api/v1/pulse/rounds/{pulse_round.pk}/close/")
    assert response.status_code == 200 and response.json()["status"] == "closed"
    assert response.json()["results_ready"] is False  # the job ran after this answer was built
    pulse_round.refresh_from_db()
    assert pulse_round.results_ready
    assert api(org.hana).post(f"/api/v1/pulse/rounds/{pulse_round.pk}/close/").status_code == 409


def _grow(org, n: int) -> None:
    for index in range(n):
        unit = DepartmentFactory(code=f"EXTRA{index}", parent=org.ops)
        for _ in range(3):
            UserFactory(department=unit)


@pytest.mark.parametrize("extra_departments", [0, 12])
def test_the_results_query_count_does_not_grow_with_departments(
    org, survey, staff, api, django_assert_max_num_queries, extra_departments
):
    _grow(org, extra_departments)
    pulse_round = open_round(survey)
    for person in staff["cs"] + staff["lkt"]:
        answer(pulse_round, person)
    close(pulse_round)
    client = api(org.hana)
    # round, department, result, its driver scores, breakdown, their driver scores
    with django_assert_max_num_queries(6):
        response = client.get(results_url(pulse_round, org.ops))
    assert len(response.json()["breakdown"]) == 2 + extra_departments


def test_closing_opens_the_rounds_ballots_into_answers_under_their_round_and_keeps_what_was_answered(
    org, survey, staff
):
    from pulse_surveys.ballots import ballot_open
    from pulse_surveys.models import Answer, Ballot

    # given two open rounds answered by the same people
    first, second = open_round(survey), open_round(survey)
    for index, person in enumerate(staff["cs"] + staff["lkt"]):
        answer(first, person, likert=1 + index % 5, enps=index % 11, comment=f"comment {index}")
        answer(second, person, likert=2)

    def sealed(pulse_round) -> list[tuple]:
        opened = [
            ballot_open(bytes(ballot), round_id=pulse_round.pk)
            for ballot in Ballot.objects.filter(round=pulse_round).values_list("sealed", flat=True)
        ]
        return sorted((department, *item) for department, items in opened for item in items)

    def answered(pulse_round) -> list[tuple]:
        rows = Answer.objects.filter(response__round=pulse_round)
        return sorted(rows.values_list("response__department_id", "question_id", "value", "text"))

    before, untouched = sealed(first), set(Ballot.objects.filter(round=second).values_list("id", "sealed"))
    # when the first round closes
    close(first)
    # then its ballots became answers with the same contents under their round, and are gone
    assert answered(first) == before and len(before) == 12 * 4
    assert not Ballot.objects.filter(round=first).exists()
    assert not Answer.objects.exclude(round_id=F("response__round_id")).exists()
    # and the other round's ballots are left sealed as they were
    assert set(Ballot.objects.filter(round=second).values_list("id", "sealed")) == untouched
    assert not Answer.objects.filter(round=second).exists()


def test_closing_again_rewrites_storage_so_that_order_and_ids_link_nothing(org, survey, staff):
    from pulse_surveys import services
    from pulse_surveys.models import Answer, Participation, Response

    pulse_round = open_round(survey)
    for person in staff["cs"]:
        answer(pulse_round, person)
    before = set(Response.objects.values_list("id", flat=True)), set(Participation.objects.values_list("id", flat=True))
    close(pulse_round)
    after = set(Response.objects.values_list("id", flat=True)), set(Participation.objects.values_list("id", flat=True))
    assert before[0].isdisjoint(after[0]) and before[1].isdisjoint(after[1])
    assert len(after[0]) == len(after[1]) == 7
    answers = Answer.objects.count()
    first = RoundResult.objects.get(round=pulse_round, department=org.cs).score
    services.round_results_materialise(round_id=pulse_round.pk)  # idempotent
    assert RoundResult.objects.get(round=pulse_round, department=org.cs).score == first
    # and materialising again writes the responses stored by the first run again too, with their answers
    again = set(Response.objects.values_list("id", flat=True)), set(Participation.objects.values_list("id", flat=True))
    assert after[0].isdisjoint(again[0]) and after[1].isdisjoint(again[1]) and len(again[0]) == 7
    assert not Answer.objects.exclude(response_id__in=again[0]).exists()
    assert Answer.objects.count() == answers


@pytest.mark.postgres
def test_closing_gathers_the_tables_statistics_so_that_the_planner_knows_the_round_s_answers(org, survey, staff):
    from django.db import connection

    from pulse_surveys.models import Answer

    def estimated(pulse_round) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT * FROM pulse_surveys_answer WHERE round_id = %s", [pulse_round.pk]
            )
            return cursor.fetchone()[0][0]["Plan"]["Plan Rows"]

    # given a round closed, and the next one answered by the same people (its answers still sealed)
    first, second = open_round(survey), open_round(survey)
    for person in staff["cs"] + staff["lkt"]:
        answer(first, person)
        answer(second, person)
    close(first)
    assert estimated(second) <= 1
    # when the second closes
    close(second)
    # then the planner counts its answers as they are, not as the statistics before had them
    assert estimated(second) == Answer.objects.filter(round=second).count() == 12 * 3


def test_every_row_of_a_round_has_an_id_in_its_round_s_own_stretch(org, survey, staff):
    from pulse_surveys import services
    from pulse_surveys.models import Answer, Participation, Response

    def prefixes(model, pulse_round) -> set[int]:
        return {pk.int >> 96 for pk in model.objects.filter(round=pulse_round).values_list("id", flat=True)}

    # given two rounds answered by the same people
    first, second = open_round(survey), open_round(survey)
    for person in staff["cs"]:
        answer(first, person, comment="ok")
        answer(second, person)
    # then a participation is written in its round's stretch as it is answered
    assert prefixes(Participation, first) == {first.pk} and prefixes(Participation, second) == {second.pk}
    # and, once both close (ballots opened, then rewritten) and one is materialised again, so is every row
    close(first), close(second)
    services.round_results_materialise(round_id=first.pk)
    for pulse_round in (first, second):
        for model in (Participation, Response, Answer):
            assert prefixes(model, pulse_round) == {pulse_round.pk}, model.__name__
    # and within a round the ids are all different
    ids = list(Answer.objects.filter(round=first).values_list("id", flat=True))
    assert len(set(ids)) == len(ids) > 7
