"""Pulse history for follow-up tests: real rounds answered, closed and materialised by the
pulse services, then dated to the month a past round closed in."""

import datetime as dt

import numpy as np
from django.utils import timezone

from core.periods import Period
from pulse_surveys import services as pulse
from pulse_surveys.models import Round

THIS_MONTH = Period.of(timezone.localdate())


def month(offset: int) -> dt.date:
    return THIS_MONTH.shift(offset).first_day


def closed_round(survey, people, values: list[int], period: dt.date) -> Round:
    """A round of `survey` in which the first len(values) of `people` answer every question
    with their value, closed and materialised, dated to `period` (the month a past round
    closed in)."""
    now = timezone.now()
    pulse_round = pulse.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=2)
    )
    question_ids = list(pulse_round.questions.values_list("id", flat=True))
    for person, value in zip(people[: len(values)], values, strict=True):
        pulse.response_submit(
            pulse_round=pulse_round, employee=person, answers=[{"question": q, "value": value} for q in question_ids]
        )
    pulse.round_close(pulse_round=pulse_round)
    pulse.round_results_materialise(round_id=pulse_round.pk)
    Round.objects.filter(pk=pulse_round.pk).update(period=period)
    return pulse_round


def likert(values) -> float:
    return float(np.mean((np.asarray(values, dtype=float) - 1) / 4 * 100))
