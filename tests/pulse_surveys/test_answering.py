"""Answering a round: one submission per person, validated, stored anonymously, all or nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from pulse_surveys import services
from pulse_surveys.ballots import ballot_open
from pulse_surveys.models import Answer, Ballot, Participation, Response, Round
from tests.pulse_surveys.conftest import answers_for, close, open_round

pytestmark = pytest.mark.django_db


def url(pulse_round) -> str:
    return f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/"


def stored(pulse_round) -> tuple[int, int, int]:
    """Participations, sealed ballots, and the answers inside the ballots (opened with the key,
    as closing the round opens them)."""
    sealed = [bytes(s) for s in Ballot.objects.filter(round=pulse_round).values_list("sealed", flat=True)]
    return (
        Participation.objects.filter(round=pulse_round).count(),
        len(sealed),
        sum(len(ballot_open(ballot, round_id=pulse_round.pk)[1]) for ballot in sealed),
    )


def test_an_invited_employee_answers_once_and_nothing_identifies_the_response(org, survey, api):
    pulse_round = open_round(survey)
    # when
    response = api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round, comment="Ok")}, format="json")
    # then
    assert response.status_code == 201
    assert "id" not in response.json()
    assert stored(pulse_round) == (1, 1, 4)
    participation = Participation.objects.get()
    assert participation.employee == org.ani and participation.answered_on == timezone.localdate()
    # and while the round is open, no response or answer exists: only the sealed ballot
    assert not Response.objects.exists() and not Answer.objects.exists()
    # when the round closes, the ballot opens into one response of the person's department
    close(pulse_round)
    assert not Ballot.objects.exists()
    assert Response.objects.get().department == org.cs
    assert set(Answer.objects.values_list("round_id", flat=True)) == {pulse_round.pk}
    assert sorted(Answer.objects.values_list("text", flat=True)) == ["", "", "", "Ok"]


def test_a_second_submission_is_a_conflict_and_stores_nothing(org, survey, api):
    pulse_round = open_round(survey)
    client = api(org.ani)
    assert client.post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json").status_code == 201
    response = client.post(url(pulse_round), {"answers": answers_for(pulse_round, likert=1)}, format="json")
    assert response.status_code == 409
    assert stored(pulse_round) == (1, 1, 3)


def test_someone_not_invited_is_refused(org, survey, api):
    pulse_round = open_round(survey)
    from tests.factories import UserFactory

    newcomer = UserFactory(department=org.cs)  # joined after the round opened
    response = api(newcomer).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    assert response.status_code == 403
    assert stored(pulse_round) == (0, 0, 0)


def test_a_closed_round_takes_no_answers(org, survey, api):
    pulse_round = close(open_round(survey))
    response = api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    assert response.status_code == 409


def test_a_round_past_its_closing_time_takes_no_answers_even_before_the_job_closes_it(org, survey, api):
    pulse_round = open_round(survey)
    Round.objects.filter(pk=pulse_round.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    response = api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    assert response.status_code == 409


def test_an_unknown_round_is_404(org, survey, api):
    assert (
        api(org.ani).post("/api/v1/pulse/rounds/999999/responses/", {"answers": []}, format="json").status_code == 404
    )


def _bad_inputs(pulse_round, other_question_id):
    likert, _workload, enps, text = (rq.question_id for rq in pulse_round.round_questions.all())
    good = answers_for(pulse_round)

    def replace(question, **answer):
        return [a for a in good if a["question"] != question] + [{"question": question, **answer}]

    return {
        "likert too high": replace(likert, value=6),
        "likert too low": replace(likert, value=0),
        "enps too high": replace(enps, value=11),
        "enps negative": replace(enps, value=-1),
        "missing required": [a for a in good if a["question"] != likert],
        "question of another survey": [*good, {"question": other_question_id, "value": 3}],
        "unknown question": [*good, {"question": 99999, "value": 3}],
        "answered twice": [*good, good[0]],
        "text for a rating": replace(likert, text="five"),
        "number for a comment": [*good, {"question": text, "value": 3}],
        "comment too long": [*good, {"question": text, "text": "x" * 2001}],
        "value not a number": replace(likert, value="many"),
        "empty": [],
        "answers not a list": "nope",
    }


@pytest.mark.parametrize(
    "case",
    [
        "likert too high",
        "likert too low",
        "enps too high",
        "enps negative",
        "missing required",
        "question of another survey",
        "unknown question",
        "answered twice",
        "text for a rating",
        "number for a comment",
        "comment too long",
        "value not a number",
        "empty",
        "answers not a list",
    ],
)
def test_bad_input_is_a_400_and_stores_nothing(org, survey, bank, api, case):
    pulse_round = open_round(survey)
    payload = _bad_inputs(pulse_round, bank["teamwork-1"].pk)[case]
    response = api(org.ani).post(url(pulse_round), {"answers": payload}, format="json")
    assert response.status_code == 400, response.content
    assert "answers" in response.json()
    assert stored(pulse_round) == (0, 0, 0)
    # and the person can still answer properly afterwards
    assert api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json").status_code == 201


def test_a_comment_is_optional(org, survey, api):
    pulse_round = open_round(survey)
    response = api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    assert response.status_code == 201
    assert stored(pulse_round) == (1, 1, 3)


def test_submitting_runs_the_baseline_statements_plus_the_questions(org, survey, api, django_assert_num_queries):
    # given
    pulse_round = open_round(survey)
    client, payload = api(org.ani), {"answers": answers_for(pulse_round, comment="x")}
    # when / then: the invitation with its round and "answered before?" in one query, the
    # round's questions, then the transaction (SAVEPOINT and RELEASE here, as the test runs in
    # a transaction of its own; BEGIN and COMMIT in production): the round held open (KEY
    # SHARE), participation, sealed ballot. With the token's query, production runs 8 statements.
    with django_assert_num_queries(7):
        response = client.post(url(pulse_round), payload, format="json")
    assert response.status_code == 201


def test_a_participation_that_appears_after_the_checks_is_the_same_conflict_and_stores_nothing(
    org, survey, api, monkeypatch
):
    # given a participation of the same person written after the checks read none (as by a
    # racing submission that commits first)
    pulse_round = open_round(survey)
    check_answers = services._clean_answers

    def check_while_the_other_commits(questions, answers):
        Participation.objects.create(round=pulse_round, employee=org.ani, answered_on=timezone.localdate())
        return check_answers(questions, answers)

    monkeypatch.setattr(services, "_clean_answers", check_while_the_other_commits)
    # when
    response = api(org.ani).post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    # then the unique constraint decides: the usual 409, and nothing of this submission stored
    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"
    assert stored(pulse_round) == (1, 0, 0)


def test_the_open_rounds_list_shows_an_employee_only_their_rounds_with_answered(org, survey, api):
    pulse_round = open_round(survey)
    client = api(org.ani)
    client.post(url(pulse_round), {"answers": answers_for(pulse_round)}, format="json")
    from tests.factories import UserFactory

    newcomer = UserFactory(department=org.cs)
    mine = client.get("/api/v1/pulse/rounds/?status=open").json()
    assert [(r["id"], r["answered"]) for r in mine["results"]] == [(pulse_round.pk, True)]
    assert api(org.andi).get("/api/v1/pulse/rounds/?status=open").json()["results"][0]["answered"] is False
    assert api(newcomer).get("/api/v1/pulse/rounds/").json()["count"] == 0
    assert api(newcomer).get(f"/api/v1/pulse/rounds/{pulse_round.pk}/").status_code == 404


def test_the_rounds_list_query_count_is_pinned(org, survey, api, django_assert_max_num_queries):
    for _ in range(3):
        close(open_round(survey))
    open_round(survey)
    # count, rounds (with answered), round questions, their questions and drivers
    with django_assert_max_num_queries(6):
        response = api(org.hana).get("/api/v1/pulse/rounds/")
    assert response.json()["count"] == 4
