"""Reads of the SKM collected in Prima: live results of a collection (IKM per element and
overall, grade, data quality), by respondent profile and by expectation level, and the lists
the pages and the report show.

The headline of a collection is one aggregate query however many answers it holds; each
breakdown is one grouped query more.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from employees.models import Department
from employees.permissions import is_hr, is_leadership, managed_department_ids
from feedback import selectors as feedback_selectors
from service_quality.dimensions import SKM_ELEMENT_KEYS, SKM_ELEMENT_LABELS
from service_quality.ikm import IkmGrade, ikm_grade, ikm_value, round_half_up
from service_quality.models import (
    AgeBand,
    CollectedResponse,
    Education,
    ExpectationLevel,
    Occupation,
    Sex,
    SkmCollection,
)
from service_quality.questionnaires import RatingResult, questions_of, rating_aggregates, rating_results
from service_quality.selectors import MEAN_PLACES, ElementMean

# A profile group (or expectation level) of fewer respondents shows only its count: PermenPANRB
# 14/2017 publishes results, not people, and a group of two is nearly a person.
GROUP_MINIMUM = 5
PROFILE_FIELDS: tuple[tuple[str, type], ...] = (
    ("age_band", AgeBand),
    ("sex", Sex),
    ("education", Education),
    ("occupation", Occupation),
)
PROFILE_LABELS: tuple[tuple[str, str], ...] = (
    ("age_band", _("Age")),
    ("sex", _("Sex")),
    ("education", _("Education")),
    ("occupation", _("Occupation")),
)
ELEMENT_SUMS = {f"total_{key}": Sum(key, filter=Q(flagged=False)) for key in SKM_ELEMENT_KEYS}


@dataclass
class GroupResult:
    value: str | int | None
    label: str
    responses: int
    ikm: Decimal | None  # None: fewer than GROUP_MINIMUM respondents (suppressed)

    @property
    def suppressed(self) -> bool:
        return self.ikm is None


@dataclass
class CollectionResults:
    collection: SkmCollection
    responses: int  # every answer received
    verified: int
    flagged: int
    counted: int  # the answers the IKM is computed from (not flagged)
    ikm: Decimal | None
    grade: IkmGrade | None
    elements: list[ElementMean] = field(default_factory=list)
    ratings: list[RatingResult] = field(default_factory=list)  # the further questionnaires

    @property
    def sample_target(self) -> int:
        return self.collection.sample_target

    @property
    def sample_reached(self) -> bool:
        return self.counted >= self.collection.sample_target

    @property
    def verified_share(self) -> Decimal | None:
        if not self.responses:
            return None
        return round_half_up(Fraction(self.verified * 100, self.responses), 1)

    @property
    def lowest(self) -> list[ElementMean]:
        order = {key: index for index, key in enumerate(SKM_ELEMENT_KEYS)}
        return sorted(self.elements, key=lambda element: (element.mean, order[element.element]))[:3]


def _ikm_from(row: dict, respondents: int) -> tuple[Decimal | None, list[ElementMean]]:
    if not respondents:
        return None, []
    totals = [row[f"total_{key}"] or 0 for key in SKM_ELEMENT_KEYS]
    elements = [
        ElementMean(key, str(SKM_ELEMENT_LABELS[key]), round_half_up(Fraction(total, respondents), MEAN_PLACES))
        for key, total in zip(SKM_ELEMENT_KEYS, totals, strict=True)
    ]
    return ikm_value(totals, respondents), elements


def collection_results(collection: SkmCollection) -> CollectionResults:
    """The live results of a collection, with its further questionnaires', in one aggregate query."""
    row = CollectedResponse.objects.filter(collection=collection).aggregate(
        n_responses=Count("id"),
        n_verified=Count("id", filter=Q(verified=True)),
        n_flagged=Count("id", filter=Q(flagged=True)),
        n_counted=Count("id", filter=Q(flagged=False)),
        **ELEMENT_SUMS,
        **rating_aggregates(questions_of(collection.questionnaires), extra=Q(flagged=False)),
    )
    ikm, elements = _ikm_from(row, row["n_counted"])
    return CollectionResults(
        collection=collection,
        responses=row["n_responses"],
        verified=row["n_verified"],
        flagged=row["n_flagged"],
        counted=row["n_counted"],
        ikm=ikm,
        grade=ikm_grade(ikm) if ikm is not None else None,
        elements=elements,
        ratings=rating_results(row),
    )


def _groups(collection: SkmCollection, field_name: str, labels: dict) -> list[GroupResult]:
    rows = (
        CollectedResponse.objects.filter(collection=collection, flagged=False)
        .values(field_name)
        .annotate(n=Count("id"), **{f"total_{key}": Sum(key) for key in SKM_ELEMENT_KEYS})
        .order_by(field_name)
    )
    by_value = {row[field_name]: row for row in rows}
    groups = []
    for value, label in labels.items():
        row = by_value.get(value)
        count = row["n"] if row else 0
        ikm = _ikm_from(row, count)[0] if row and count >= GROUP_MINIMUM else None
        groups.append(GroupResult(value=value, label=str(label), responses=count, ikm=ikm))
    return groups


def results_by_profile(collection: SkmCollection) -> dict[str, list[GroupResult]]:
    """IKM by age band, sex, education and occupation; groups below GROUP_MINIMUM suppressed."""
    return {name: _groups(collection, name, dict(choices.choices)) for name, choices in PROFILE_FIELDS}


def results_by_expectation(collection: SkmCollection) -> list[GroupResult]:
    labels = {**dict(ExpectationLevel.choices), None: "—"}
    return _groups(collection, "expectation_level", labels)


def suggestions(collection: SkmCollection) -> list[dict]:
    """The complaints and suggestions, grouped by the element the respondent rated lowest (the
    one they most likely speak of), newest first; never with anything that names them."""
    rows = (
        CollectedResponse.objects.filter(collection=collection, flagged=False)
        .exclude(suggestion="")
        .order_by("-submitted_at")
        .values("pk", "suggestion", *SKM_ELEMENT_KEYS)
    )
    grouped: dict[str, list[dict]] = {key: [] for key in SKM_ELEMENT_KEYS}
    rows = list(rows)
    texts = feedback_selectors.shown([row["suggestion"] for row in rows]) if rows else []
    for row, text in zip(rows, texts, strict=True):
        lowest = min(SKM_ELEMENT_KEYS, key=lambda key: row[key])
        grouped[lowest].append({"id": row["pk"], "text": text})
    return [
        {"element": key, "label": str(SKM_ELEMENT_LABELS[key]), "items": items}
        for key, items in grouped.items()
        if items
    ]


def suggestion_summary(collection: SkmCollection):
    """Themes and sentiment of the collection's suggestions (flagged answers left out); None
    below GROUP_MINIMUM suggestions."""
    texts = list(
        CollectedResponse.objects.filter(collection=collection, flagged=False)
        .exclude(suggestion="")
        .values_list("suggestion", flat=True)
    )
    return feedback_selectors.comment_summary(texts, minimum=GROUP_MINIMUM)


# The organisation's summary reads at most this many of the latest suggestions (a few seconds).
RECENT_SUGGESTIONS_READ = 5000


def recent_suggestion_summary(*, since: dt.datetime):
    """Themes and sentiment of every unit's suggestions since `since` (the latest
    RECENT_SUGGESTIONS_READ); None below GROUP_MINIMUM."""
    texts = list(
        CollectedResponse.objects.filter(flagged=False, submitted_at__gte=since)
        .exclude(suggestion="")
        .order_by("-submitted_at")
        .values_list("suggestion", flat=True)[:RECENT_SUGGESTIONS_READ]
    )
    return feedback_selectors.comment_summary(texts, minimum=GROUP_MINIMUM)


# --- Lists and visibility.


def suggestion_rows(collection: SkmCollection) -> list[dict]:
    """Every complaint or suggestion of a collection, oldest first, flagged ones marked, with
    the element its respondent rated lowest; for HR's CSV. Nothing that names the customer."""
    rows = (
        CollectedResponse.objects.filter(collection=collection)
        .exclude(suggestion="")
        .order_by("submitted_at", "pk")
        .values("pk", "submitted_at", "service", "channel", "verified", "flagged", "suggestion", *SKM_ELEMENT_KEYS)
    )
    return [{**row, "lowest": min(SKM_ELEMENT_KEYS, key=lambda key, row=row: row[key])} for row in rows.iterator()]


def collections_visible_to(user) -> QuerySet[SkmCollection]:
    """HR and leadership: every collection; a manager: those of units in their subtree."""
    queryset = SkmCollection.objects.select_related("department").order_by("-period_from", "-id")
    if is_hr(user) or is_leadership(user):
        return queryset
    return queryset.filter(department_id__in=managed_department_ids(user))


def collections_writable_by(user) -> QuerySet[SkmCollection]:
    if is_hr(user):
        return collections_visible_to(user)
    return collections_visible_to(user).filter(department_id__in=managed_department_ids(user))


def may_open_collection(user, department: Department) -> bool:
    return is_hr(user) or department.pk in managed_department_ids(user)


def public_collections(department: Department) -> list[SkmCollection]:
    """A unit's collections that have answers, newest first (for its public results page)."""
    return list(
        SkmCollection.objects.filter(department=department)
        .annotate(n=Count("responses"))
        .filter(n__gt=0)
        .order_by("-period_from", "-id")
    )
