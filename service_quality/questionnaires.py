"""The optional questionnaires a collection may add to SKM's nine elements, and the external
scores their answers give.

- `dimensions`: Prima's six service dimensions (timeliness, accuracy, responsibility, courtesy
  and friendliness, ease of access, comfort), each rated 1–5;
- `servqual`: SERVQUAL's five dimensions (Parasuraman, Zeithaml and Berry 1988), each as a pair:
  what the customer expected and what they got, 1–5; Prima's dimensions follow from the
  perceptions through PRIMA_DIMENSION_MAPPING, as they do for an imported SERVQUAL;
- `csat`: overall satisfaction, 1–5.

Every answer is kept in the response's `ratings` under its key (`timeliness`, `reliability`,
`reliability_expectation`, `overall`). A unit's month becomes scores of the same series an
import writes: `csat/<dimension>` and `csat/overall` are the share of customers who answered 4
or 5 (the usual CSAT: satisfied or very satisfied, in %); `servqual/<dimension>` and
`servqual/<dimension>_expectation` are the mean answer on 0–100 ((mean − 1) / 4 × 100, as
Prima reads every 1–5 scale), so that a gap of perception and expectation is in points.
"""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Count, IntegerField, Q, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from core.dimensions import ServiceDimension
from service_quality.dimensions import (
    EXPECTATION_SUFFIX,
    OVERALL_DIMENSION,
    SERVQUAL_DIMENSION_KEYS,
    SERVQUAL_DIMENSIONS,
)
from service_quality.ikm import round_half_up

RATING_MIN, RATING_MAX = 1, 5
SATISFIED_FROM = 4  # CSAT counts 4 (satisfied) and 5 (very satisfied)
SCORE_PLACES = 4


class Questionnaire(models.TextChoices):
    DIMENSIONS = "dimensions", _("Service dimensions: timeliness, accuracy, … (1–5 each)")
    SERVQUAL = "servqual", _("SERVQUAL: what was expected and what was received, per dimension (1–5)")
    CSAT = "csat", _("CSAT: overall satisfaction (1–5)")


SATISFACTION_SCALE = (
    (1, _("Very dissatisfied")),
    (2, _("Dissatisfied")),
    (3, _("Neither")),
    (4, _("Satisfied")),
    (5, _("Very satisfied")),
)
QUALITY_SCALE = ((1, _("Very low")), (2, _("Low")), (3, _("Moderate")), (4, _("High")), (5, _("Very high")))

DIMENSION_QUESTIONS = {
    ServiceDimension.TIMELINESS: _("How satisfied are you with how quickly you were served?"),
    ServiceDimension.ACCURACY: _("How satisfied are you with how accurately you were served?"),
    ServiceDimension.RESPONSIBILITY: _("How satisfied are you with how responsibly the staff acted?"),
    ServiceDimension.COURTESY: _("How satisfied are you with the staff's courtesy and friendliness?"),
    ServiceDimension.ACCESSIBILITY: _("How satisfied are you with how easy it was to get the service?"),
    ServiceDimension.COMFORT: _("How satisfied are you with the comfort of the place?"),
}
SERVQUAL_TOPICS = {
    "tangibles": _("the premises, equipment and staff's appearance"),
    "reliability": _("the service done right, as promised"),
    "responsiveness": _("the staff's readiness to help you promptly"),
    "assurance": _("the staff's knowledge and the trust they inspire"),
    "empathy": _("individual attention to you"),
}
CSAT_QUESTION = _("Overall, how satisfied are you with the service today?")
EXPECTED_QUESTION = _("What did you expect of %(topic)s?")
RECEIVED_QUESTION = _("What did you receive of %(topic)s?")


@dataclass(frozen=True)
class Question:
    key: str  # the key in `ratings`
    template: str  # lazy: read in the respondent's language
    scale: tuple
    source: str  # the external-score series: csat or servqual
    dimension: str
    topic: str = ""

    @property
    def text(self) -> str:
        return str(self.template) % {"topic": self.topic} if self.topic else str(self.template)


def _questions(questionnaire: str) -> list[Question]:
    if questionnaire == Questionnaire.DIMENSIONS:
        return [
            Question(str(key), text, SATISFACTION_SCALE, "csat", str(key)) for key, text in DIMENSION_QUESTIONS.items()
        ]
    if questionnaire == Questionnaire.SERVQUAL:
        questions = []
        for key in SERVQUAL_DIMENSION_KEYS:
            expected = f"{key}{EXPECTATION_SUFFIX}"
            questions.append(
                Question(expected, EXPECTED_QUESTION, QUALITY_SCALE, "servqual", expected, topic=SERVQUAL_TOPICS[key])
            )
            questions.append(
                Question(key, RECEIVED_QUESTION, QUALITY_SCALE, "servqual", key, topic=SERVQUAL_TOPICS[key])
            )
        return questions
    if questionnaire == Questionnaire.CSAT:
        return [Question(OVERALL_DIMENSION, CSAT_QUESTION, SATISFACTION_SCALE, "csat", OVERALL_DIMENSION)]
    return []


def questions_of(questionnaires: list[str]) -> list[Question]:
    """The questions of the chosen questionnaires, in the order of Questionnaire."""
    return [question for name in Questionnaire.values if name in questionnaires for question in _questions(name)]


ALL_QUESTIONS: tuple[Question, ...] = tuple(questions_of(Questionnaire.values))
SERVQUAL_LABELS = dict(SERVQUAL_DIMENSIONS)


def clean_ratings(value, questionnaires: list[str], errors: dict) -> dict[str, int]:
    """The ratings a respondent gave to the collection's questionnaires: every question answered
    1–5, no other key. Problems go into `errors` (field `ratings.<key>`)."""
    questions = questions_of(questionnaires)
    if not questions:
        if value not in (None, {}):
            errors["ratings"] = [_("This survey asks no further questions.")]
        return {}
    if not isinstance(value, dict):
        errors["ratings"] = [_("Answer every question.")]
        return {}
    ratings = {}
    for question in questions:
        answer = value.get(question.key)
        if isinstance(answer, bool) or not isinstance(answer, int) or not RATING_MIN <= answer <= RATING_MAX:
            errors[f"ratings.{question.key}"] = [_("Choose an answer from 1 to 5.")]
        else:
            ratings[question.key] = answer
    unknown = set(value) - {question.key for question in questions}
    if unknown:
        errors["ratings"] = [_("Unknown questions: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}]
    return ratings


def rating_aggregates(questions=ALL_QUESTIONS, *, prefix: str = "", extra: Q | None = None) -> dict:
    """Per question: how many answered it, the sum of their answers and how many were satisfied
    (4 or 5), as aggregate expressions over CollectedResponse (one query for all of them)."""
    condition = extra if extra is not None else Q()
    aggregates = {}
    for question in questions:
        lookup = f"ratings__{question.key}"
        aggregates[f"{prefix}n_{question.key}"] = Count("id", filter=condition & Q(**{f"{lookup}__isnull": False}))
        aggregates[f"{prefix}sum_{question.key}"] = Sum(Cast(KT(lookup), IntegerField()), filter=condition)
        aggregates[f"{prefix}sat_{question.key}"] = Count(
            "id", filter=condition & Q(**{f"{lookup}__gte": SATISFIED_FROM})
        )
    return aggregates


@dataclass(frozen=True)
class RatingResult:
    question: Question
    respondents: int
    mean: Decimal  # on the 1–5 scale, four places
    score: Decimal  # on 0–100, as written to the series

    @property
    def label(self) -> str:
        return str(self.question.text)


def score_of(question: Question, respondents: int, total: int, satisfied: int) -> Decimal:
    """The 0–100 score of one question's answers (see the module's docstring)."""
    if question.source == "csat":
        return round_half_up(Fraction(satisfied * 100, respondents), SCORE_PLACES)
    return round_half_up(Fraction((total - respondents) * 100, respondents * (RATING_MAX - RATING_MIN)), SCORE_PLACES)


def rating_results(row: dict, prefix: str = "") -> list[RatingResult]:
    """The questions with at least one answer in an aggregate row of `rating_aggregates`."""
    results = []
    for question in ALL_QUESTIONS:
        respondents = row.get(f"{prefix}n_{question.key}") or 0
        if not respondents:
            continue
        total = row[f"{prefix}sum_{question.key}"] or 0
        satisfied = row[f"{prefix}sat_{question.key}"] or 0
        results.append(
            RatingResult(
                question,
                respondents,
                round_half_up(Fraction(total, respondents), SCORE_PLACES),
                score_of(question, respondents, total, satisfied),
            )
        )
    return results
