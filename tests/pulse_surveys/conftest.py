"""Pulse fixtures: a small survey over the personas' organisation, and helpers to open,
answer and close rounds through the services."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone

from pulse_surveys import services
from pulse_surveys.bank import bank_load
from pulse_surveys.models import Question
from tests.factories import UserFactory


@pytest.fixture
def bank(db):
    """The shipped question bank by key (the data migration loads it; loaded again here, as a
    transactional test before this one may have emptied the tables)."""
    bank_load()
    return {q.key: q for q in Question.objects.select_related("driver")}


@pytest.fixture
def survey(org, bank):
    """Two rating questions (recognition, workload), eNPS and a comment; threshold 3."""
    return services.survey_create(
        title="Pulse",
        questions=[bank["recognition-1"], bank["workload-1"], bank["enps"], bank["comment-improve"]],
        anonymity_threshold=3,
        actor=org.hana,
    )


def open_round(survey, *, days: int = 5):
    now = timezone.now()
    return services.round_create(
        survey=survey, opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(days=days)
    )


def answers_for(pulse_round, *, likert: int = 4, enps: int = 8, comment: str = "") -> list[dict]:
    answers = []
    for question in pulse_round.questions.all():
        if question.kind == "likert":
            answers.append({"question": question.pk, "value": likert})
        elif question.kind == "enps":
            answers.append({"question": question.pk, "value": enps})
        elif comment:
            answers.append({"question": question.pk, "text": comment})
    return answers


def answer(pulse_round, person, **values) -> None:
    services.response_submit(pulse_round=pulse_round, employee=person, answers=answers_for(pulse_round, **values))


def close(pulse_round):
    """Closes through the service; the (eager) job materialises the results."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.round_close(pulse_round=pulse_round)
    pulse_round.refresh_from_db()
    return pulse_round


@pytest.fixture
def staff(org):
    """More people, so that groups reach the threshold: CS 3+4=7 people, LKT 2+3=5."""
    cs = [UserFactory(department=org.cs, manager=org.budi) for _ in range(4)]
    lkt = [UserFactory(department=org.lkt, manager=org.mira) for _ in range(3)]
    return {"cs": [org.budi, org.ani, org.andi, *cs], "lkt": [org.mira, org.bayu, *lkt], "hrd": [org.hana, org.lina]}


# --- A closed round with planted driver effects (driver impact, its API and IKM across units).


@pytest.fixture
def people(org):
    """CS 45 people, LKT 20 (too few for driver impact), HRD 5."""
    cs = [org.budi, org.ani, org.andi] + [UserFactory(department=org.cs, manager=org.budi) for _ in range(42)]
    lkt = [org.mira, org.bayu] + [UserFactory(department=org.lkt, manager=org.mira) for _ in range(18)]
    hrd = [org.hana, org.lina] + [UserFactory(department=org.hrd) for _ in range(3)]
    return {org.cs: cs, org.lkt: lkt, org.hrd: hrd}


@pytest.fixture
def pulse_survey(org, bank):
    from tests.pulse_surveys.test_driver_impact import QUESTION_KEYS

    return services.survey_create(
        title="Pulse", questions=[bank[key] for key in QUESTION_KEYS], anonymity_threshold=3, actor=org.hana
    )


@pytest.fixture
def planted_round(pulse_survey, people):
    """A closed round in which workload matters most for recommending and scores lowest."""
    from pulse_surveys import impact
    from tests.pulse_surveys.test_driver_impact import closed_round, planted_answers

    pulse_round = closed_round(pulse_survey, people, planted_answers)
    impact.round_driver_analyses_materialise(round_id=pulse_round.pk, draws=300)
    return pulse_round
