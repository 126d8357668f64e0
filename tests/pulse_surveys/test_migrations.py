"""Migrations that move data: each answer gets the round of its response."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("pulse_surveys", "0002_question_bank")]
AFTER = [("pulse_surveys", "0004_answer_round_required")]


@pytest.fixture
def migrate():
    """`migrate(targets)` → the historical apps at those migrations; afterwards the database
    is migrated to the latest again, whatever the test did."""

    def to(targets):
        executor = MigrationExecutor(connection)
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield to
    to(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_answers_get_the_round_of_their_response(migrate):
    # given answers of two rounds stored before answers had a round
    apps = migrate(BEFORE)
    survey = apps.get_model("pulse_surveys", "Survey").objects.create(title="Pulse", anonymity_threshold=3)
    question = apps.get_model("pulse_surveys", "Question").objects.create(text_en="Workload is fair", kind="likert")
    rounds = [
        apps.get_model("pulse_surveys", "Round").objects.create(
            survey=survey,
            number=number,
            opens_at="2026-01-01T08:00Z",
            closes_at="2026-01-08T08:00Z",
            anonymity_threshold=3,
        )
        for number in (1, 2)
    ]
    response_model, answer_model = (apps.get_model("pulse_surveys", name) for name in ("Response", "Answer"))
    expected = {}
    for pulse_round in rounds:
        for value in (2, 4):
            response = response_model.objects.create(round=pulse_round)
            expected[answer_model.objects.create(response=response, question=question, value=value).pk] = pulse_round.pk
    # when
    apps = migrate(AFTER)
    # then
    answers = apps.get_model("pulse_surveys", "Answer").objects.all()
    assert dict(answers.values_list("id", "round_id")) == expected
