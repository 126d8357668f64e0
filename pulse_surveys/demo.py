"""Demo pulse data: a monthly survey with twelve closed rounds over the past year and one open.

Answers differ by department and drift over time, so that later reports have a signal to
find: Layanan Pelanggan (LYN-PLG) grows more satisfied, Cabang Surabaya (CAB-SBY) less. The
small units Pengaduan (PGD, 4 people) and Arsip (ARSIP, 3) stay below the reporting threshold
and show suppression. In the open round the `employee` login has not answered yet.
"""

import datetime as dt
from collections import Counter

from django.utils import timezone

from core.demo import DemoOrg
from core.periods import Period
from employees.models import User
from pulse_surveys import ballots, impact, services
from pulse_surveys.bank import bank_load
from pulse_surveys.models import (
    Answer,
    Ballot,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Round,
    RoundQuestion,
    RoundStatus,
    Survey,
)

DEMO_TITLE = "Pulse bulanan: kepuasan pelanggan internal"
QUESTION_KEYS = [
    "recognition-1",
    "pay-1",
    "pay-2",
    "workload-1",
    "workload-2",
    "leadership-1",
    "teamwork-1",
    "growth-1",
    "workplace-1",
    "service-1",
    "wellbeing-1",
    "enps",
    "comment-improve",
]
CLOSED_ROUNDS = 12
ANSWER_RATE = 0.85

# Satisfaction on a −1..+1 scale: (level at the start of the year, change over the year).
DEPARTMENT_MOOD = {
    "LYN-PLG": (-0.45, 1.1),
    "CAB-SBY": (0.5, -1.1),
    "LKT-IZN": (0.15, 0.1),
    "LYN-DIG": (0.45, 0.0),
    "CAB-BDG": (0.1, 0.35),
    "CAB-MKS": (-0.2, 0.0),
    "PGD": (-0.3, 0.0),
    "ARSIP": (0.0, 0.0),
    "CAB-MDN": (0.2, 0.0),
    "CAB-SMG": (0.0, 0.2),
    "CAB-YOG": (0.35, 0.0),
    "CAB-DPS": (0.25, 0.0),
    "CAB-PLM": (-0.1, 0.0),
    "CAB-BPN": (0.0, 0.0),
    "CAB-MND": (0.15, 0.0),
    "CAB-PTK": (-0.15, 0.0),
}
# How manageable each service unit's workload is (−1..+1 beside the mood): the planted leading
# driver. A person's answers to the workload questions, their eNPS and (in the service quality
# demo) their unit's IKM all follow it, so driver impact names "Workload and leave" first for
# both engagement and IKM; WORKLOAD_BELOW makes it the lowest-scoring driver as well.
WORKLOAD = {
    "LYN-PLG": -0.3,
    "LKT-IZN": 0.3,
    "LYN-DIG": -0.2,
    "CAB-BDG": 0.2,
    "CAB-SBY": 0.0,
    "CAB-MKS": 0.3,
    "CAB-MDN": -0.6,
    "CAB-SMG": 0.5,
    "CAB-YOG": -0.4,
    "CAB-DPS": 0.4,
    "CAB-PLM": 0.2,
    "CAB-BPN": 0.5,
    "CAB-MND": -0.5,
    "CAB-PTK": -0.3,
}
WORKLOAD_BELOW = -0.35
WORKLOAD_SPREAD = 0.45  # between people of one unit
# Drivers that pull away from the mood in some units (what action plans would target).
DRIVER_TILT = {
    ("CAB-SBY", "pay_fairness"): -0.3,
    ("LYN-PLG", "recognition"): 0.4,
    ("LYN-DIG", "workplace"): 0.5,
    ("CAB-MKS", "growth"): -0.5,
}
COMMENTS = [
    "Antrean di loket perlu tambahan petugas pada jam sibuk.",
    "Sistem aplikasi sering lambat, mohon diperbaiki.",
    "Terima kasih atas pelatihan pelayanan prima bulan lalu.",
    "Pembagian bonus sebaiknya lebih transparan.",
    "Kerja sama antarunit sudah semakin baik.",
    "Mohon cuti lebih mudah diajukan saat beban kerja tinggi.",
    "Ruang tunggu pelanggan perlu AC yang berfungsi.",
    "Atasan sangat mendukung ketika ada pengaduan sulit.",
    "Perlu pelatihan menangani pelanggan yang marah.",
    "Apresiasi untuk petugas teladan sangat memotivasi.",
]


def _clamp(value: float, low: int, high: int) -> int:
    return max(low, min(high, round(value)))


def _mood(code: str | None, t: float) -> float:
    level, change = DEPARTMENT_MOOD.get(code or "", (0.1, 0.0))
    return level + change * t


def _answers(org: DemoOrg, questions: list[Question], code: str | None, t: float) -> list[tuple]:
    mood = _mood(code, t) + org.rng.gauss(0, 0.35)
    workload = WORKLOAD.get(code or "", 0.0) + org.rng.gauss(0, WORKLOAD_SPREAD)
    answers = []
    for question in questions:
        if question.kind == QuestionKind.LIKERT:
            if question.driver.key == "workload":
                tilt = workload + WORKLOAD_BELOW
            else:
                tilt = DRIVER_TILT.get((code, question.driver.key), 0.0)
            answers.append((question.pk, _clamp(3.4 + 1.3 * (mood + tilt) + org.rng.gauss(0, 0.7), 1, 5), ""))
        elif question.kind == QuestionKind.ENPS:
            answers.append((question.pk, _clamp(7 + 3 * mood + 2 * workload + org.rng.gauss(0, 1.4), 0, 10), ""))
        elif org.rng.random() < 0.25:
            answers.append((question.pk, None, org.rng.choice(COMMENTS)))
    return answers


def _round(survey, number, questions, opens_at, closes_at, status) -> Round:
    pulse_round = Round.objects.create(
        survey=survey,
        number=number,
        status=status,
        opens_at=opens_at,
        closes_at=closes_at,
        closed_at=closes_at if status == RoundStatus.CLOSED else None,
        period=timezone.localdate(closes_at).replace(day=1) if status == RoundStatus.CLOSED else None,
        anonymity_threshold=survey.anonymity_threshold,
    )
    RoundQuestion.objects.bulk_create(
        RoundQuestion(round=pulse_round, question=question, position=position)
        for position, question in enumerate(questions)
    )
    return pulse_round


def seed(org: DemoOrg) -> None:
    if Survey.objects.filter(title=DEMO_TITLE).exists():
        return
    bank_load()
    by_key = {q.key: q for q in Question.objects.filter(key__in=QUESTION_KEYS).select_related("driver")}
    questions = [by_key[key] for key in QUESTION_KEYS]
    people = list(User.objects.filter(is_active=True).select_related("department").order_by("pk"))
    tz = timezone.get_current_timezone()
    this_month = Period.of(org.today)
    first_opening = dt.datetime.combine(this_month.shift(-CLOSED_ROUNDS).first_day.replace(day=10), dt.time(8), tz)
    survey = services.survey_create(
        title=DEMO_TITLE,
        questions=questions,
        open_days=7,
        reminder_days=[2],
        starts_at=first_opening,
        actor=org.people.get("hr"),
    )

    invitations, participations, responses, answers, sealed_ballots = [], [], [], [], []
    ballot_size = ballots.ballot_size(questions)
    rounds = []
    now = timezone.now()
    for index in range(CLOSED_ROUNDS + 1):
        is_open = index == CLOSED_ROUNDS
        if is_open:
            opens_at, closes_at = now - dt.timedelta(days=2), now + dt.timedelta(days=5)
        else:
            day = this_month.shift(index - CLOSED_ROUNDS).first_day.replace(day=10)
            opens_at = dt.datetime.combine(day, dt.time(8), tz)
            closes_at = opens_at + dt.timedelta(days=7)
        status = RoundStatus.OPEN if is_open else RoundStatus.CLOSED
        pulse_round = _round(survey, index + 1, questions, opens_at, closes_at, status)
        rounds.append(pulse_round)
        t = index / CLOSED_ROUNDS
        for person in people:
            invitations.append(Invitation(round=pulse_round, employee=person, department=person.department))
            if is_open and (person.username == "employee" or org.rng.random() > 0.4):
                continue
            if not is_open and org.rng.random() > ANSWER_RATE:
                continue
            days_in = org.rng.randint(0, (min(closes_at, now) - opens_at).days)
            answered_on = timezone.localdate(opens_at + dt.timedelta(days=days_in))
            participations.append(Participation.in_round(pulse_round, employee=person, answered_on=answered_on))
            code = person.department.code if person.department_id else None
            if is_open:  # sealed until the round closes, as a submission leaves it
                items = list(_answers(org, questions, code, t))
                sealed = ballots.ballot_seal(
                    round_id=pulse_round.pk, size=ballot_size, department_id=person.department_id, items=items
                )
                sealed_ballots.append(Ballot(round=pulse_round, sealed=sealed))
                continue
            response = Response.in_round(pulse_round, department=person.department)
            responses.append(response)
            answers.extend(
                Answer.in_round(pulse_round, response=response, question_id=question_id, value=value, text=text)
                for question_id, value, text in _answers(org, questions, code, t)
            )
    # Written in random order, as closing a round would rewrite them.
    org.rng.shuffle(participations)
    org.rng.shuffle(responses)
    org.rng.shuffle(answers)
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    Participation.objects.bulk_create(participations, batch_size=2000)
    Response.objects.bulk_create(responses, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    org.rng.shuffle(sealed_ballots)
    Ballot.objects.bulk_create(sealed_ballots, batch_size=2000)
    services.rounds_results_materialise([pulse_round.pk for pulse_round in rounds[:-1]], rewrite_storage=False)
    # The latest closed round's driver impact, as its close job would compute it (the dashboard's).
    impact.round_driver_analyses_materialise(round_id=rounds[-2].pk)
    suppressed = Counter(rounds[-2].results.filter(suppressed=True).values_list("reason", flat=True))
    org.say(
        f"pulse: {len(rounds)} rounds, {len(responses)} responses; "
        f"latest closed round hides {sum(suppressed.values())} groups ({dict(suppressed)})"
    )
