"""Reads of service-quality data: the series correlation reports consume, the IKM of a unit,
the overview, trends and SERVQUAL gaps the pages show."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

import numpy as np
from django.core.cache import cache
from django.db.models import Case, CharField, Count, Max, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from core.columns import fetch, month_numbers
from core.subqueries import ids_for_in
from employees.models import Department
from service_quality.dimensions import (
    EXPECTATION_SUFFIX,
    IKM_DIMENSION,
    SERVQUAL_DIMENSION_KEYS,
    SKM_ELEMENT_KEYS,
    SKM_ELEMENT_LABELS,
    dimension_label,
)
from service_quality.ikm import (
    IKM_GRADE_BANDS,
    IKM_LOWEST_GRADE,
    IKM_SCALE,
    IkmGrade,
    ikm_grade,
    krejcie_morgan_sample_size,
    round_half_up,
)
from service_quality.models import (
    Direction,
    ExternalMetric,
    ExternalScore,
    ImportStatus,
    InternalScore,
    ScoreImport,
    Source,
)
from service_quality.services import progress_cache_key
from service_quality.servqual import ServqualResult, servqual_result

MEAN_PLACES = 3
WEAKEST_SHOWN = 3
SKM_DIMENSIONS = (IKM_DIMENSION, *SKM_ELEMENT_KEYS)


# --- The series other apps read (see the cross-app interfaces).


def _in_range(queryset: QuerySet, *, period_from: dt.date, period_to: dt.date, department_ids) -> QuerySet:
    queryset = queryset.filter(period__gte=period_from, period__lte=period_to)
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=ids_for_in(department_ids))
    return queryset


def external_score_series(
    *,
    period_from: dt.date,
    period_to: dt.date,
    department_ids: Iterable[int] | None = None,
    source: str | None = None,
    dimension: str | None = None,
) -> list[dict]:
    """[{department_id, period, source, dimension, value (float, 0–100), respondents}]: one row
    per unit, period, source and dimension (the table holds exactly that, so no grouping is
    needed). SKM results appear as source `skm`, dimensions `ikm`, `u1`–`u9` (mean × 25) and the
    Prima dimensions they map to."""
    queryset = _in_range(
        ExternalScore.objects.all(), period_from=period_from, period_to=period_to, department_ids=department_ids
    )
    if source is not None:
        queryset = queryset.filter(source=source)
    if dimension is not None:
        queryset = queryset.filter(dimension=dimension)
    rows = queryset.order_by("department_id", "period", "source", "dimension").values_list(
        "department_id", "period", "source", "dimension", "value", "respondents"
    )
    return [
        {
            "department_id": department_id,
            "period": period,
            "source": row_source,
            "dimension": row_dimension,
            "value": float(value),
            "respondents": respondents,
        }
        for department_id, period, row_source, row_dimension, value, respondents in rows
    ]


def external_score_columns(
    *,
    period_from: dt.date,
    period_to: dt.date,
    source: str,
    department_ids: Iterable[int] | None = None,
) -> dict[str, np.ndarray]:
    """`external_score_series` of one source as one array per field, for reports that read every
    unit and month: `department_id`, `month` (year × 12 + month − 1, `core.columns.month_numbers`), `dimension`,
    `value` and `respondents` (0 where not recorded)."""
    queryset = _in_range(
        ExternalScore.objects.filter(source=source),
        period_from=period_from,
        period_to=period_to,
        department_ids=department_ids,
    )
    columns = fetch(
        queryset.order_by().values("department_id", "period", "dimension", "value", people=Coalesce("respondents", 0)),
        {"department_id": "int8", "period": "date", "dimension": "text", "value": "float8", "people": "int8"},
    )
    month = month_numbers(columns.pop("period"))
    # in a fixed order, so that means over several months add up the same way on every read
    order = np.lexsort((columns["dimension"].astype(str), month, columns["department_id"]))
    return {**{name: values[order] for name, values in columns.items()}, "month": month[order]}


def internal_import_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """[{department_id, period, metric: "overall", value (float, 0–100), respondents}]: the
    historical internal scores brought in by `kind=internal` imports."""
    queryset = _in_range(
        InternalScore.objects.all(), period_from=period_from, period_to=period_to, department_ids=department_ids
    )
    rows = queryset.order_by("department_id", "period").values_list("department_id", "period", "value", "respondents")
    return [
        {"department_id": department_id, "period": period, "metric": "overall", "value": float(value), "respondents": n}
        for department_id, period, value, n in rows
    ]


def external_sources_and_dimensions() -> list[tuple[str, str]]:
    """Every (source, dimension) pair that has at least one score (one SELECT DISTINCT)."""
    pairs = ExternalScore.objects.order_by("source", "dimension").values_list("source", "dimension").distinct()
    return [(source, dimension) for source, dimension in pairs]


def higher_is_better(*, source: str, dimension: str = "") -> bool | None:
    """Whether higher scores of a measure are better: always for SKM, SERVQUAL, CSAT and NPS; for a
    custom measure as it was described (higher where nobody said). Without a dimension, over all
    of the source's measures: None when they point different ways."""
    if source != Source.CUSTOM:
        return True
    dimensions = (
        [dimension]
        if dimension
        else list(ExternalScore.objects.filter(source=source).values_list("dimension", flat=True).distinct())
    )
    recorded = dict(
        ExternalMetric.objects.filter(source=source, dimension__in=dimensions).values_list("dimension", "direction")
    )
    directions = {recorded.get(name, Direction.HIGHER) for name in dimensions} or {Direction.HIGHER}
    return directions == {Direction.HIGHER} if len(directions) == 1 else None


def lower_is_better_measures() -> set[tuple[str, str]]:
    """The (source, dimension) pairs described as lower-is-better."""
    return set(ExternalMetric.objects.filter(direction=Direction.LOWER).values_list("source", "dimension"))


# --- Lists.


def external_score_list() -> QuerySet[ExternalScore]:
    """Scores, newest period first. Their import is named by its id only: joining the imports
    would drag each one's whole file through the sort, once for every score it brought."""
    return ExternalScore.objects.select_related("department").order_by(
        "-period", "department__name", "source", "dimension"
    )


def score_import_list() -> QuerySet[ScoreImport]:
    return ScoreImport.objects.select_related("created_by").defer("content").order_by("-created_at", "-id")


def imports_awaiting_confirmation() -> QuerySet[ScoreImport]:
    """Checked uploads that nobody has confirmed or dropped yet, oldest first."""
    return ScoreImport.objects.filter(status=ImportStatus.UPLOADED).defer("content").order_by("created_at", "id")


def score_import_progress(score_import: ScoreImport) -> int:
    """How far a running import is (0–100): the writing half is only in the cache until the
    import's transaction commits."""
    if score_import.status == ImportStatus.SUCCEEDED:
        return 100
    if score_import.status != ImportStatus.RUNNING:
        return score_import.progress
    return max(score_import.progress, cache.get(progress_cache_key(score_import.pk)) or 0)


def recent_imports(limit: int = 5) -> list[ScoreImport]:
    return list(score_import_list()[:limit])


# --- IKM.


@dataclass
class ElementMean:
    element: str
    label: str
    mean: Decimal

    @property
    def score(self) -> Decimal:
        """The mean on the 0–100 scale (× 25)."""
        return (self.mean * IKM_SCALE).quantize(Decimal("0.1"))


@dataclass
class IkmResult:
    department: Department
    period: dt.date
    ikm: Decimal
    grade: IkmGrade
    respondents: int | None
    elements: list[ElementMean] = field(default_factory=list)

    @property
    def minimum_sample(self) -> int | None:
        """Krejcie & Morgan's minimum for the unit's stated customer population (None if unknown)."""
        population = self.department.customer_population
        return krejcie_morgan_sample_size(population) if population else None

    @property
    def sample_too_small(self) -> bool:
        minimum = self.minimum_sample
        return minimum is not None and self.respondents is not None and self.respondents < minimum

    @property
    def weakest(self) -> list[ElementMean]:
        order = {key: index for index, key in enumerate(SKM_ELEMENT_KEYS)}
        ranked = sorted(self.elements, key=lambda element: (element.mean, order[element.element]))
        return ranked[:WEAKEST_SHOWN]

    @property
    def weakest_keys(self) -> set[str]:
        return {element.element for element in self.weakest}


def _ikm_result(department: Department, period: dt.date, scores: dict[str, tuple[Decimal, int | None]]) -> IkmResult:
    ikm, respondents = scores[IKM_DIMENSION]
    ikm = ikm.quantize(Decimal("0.01"))
    elements = [
        ElementMean(key, str(SKM_ELEMENT_LABELS[key]), round_half_up(Fraction(scores[key][0]) / IKM_SCALE, MEAN_PLACES))
        for key in SKM_ELEMENT_KEYS
        if key in scores
    ]
    return IkmResult(department, period, ikm, ikm_grade(ikm), respondents, elements)


def _skm_rows(queryset: QuerySet) -> dict[tuple[int, dt.date], dict[str, tuple[Decimal, int | None]]]:
    grouped: dict[tuple[int, dt.date], dict] = defaultdict(dict)
    rows = queryset.filter(source=Source.SKM, dimension__in=SKM_DIMENSIONS).values_list(
        "department_id", "period", "dimension", "value", "respondents"
    )
    for department_id, period, dimension, value, respondents in rows:
        grouped[(department_id, period)][dimension] = (value, respondents)
    return grouped


def ikm_for(*, department: Department, period: dt.date) -> IkmResult | None:
    """The IKM of a unit in a period, with its elements (one query), or None without one."""
    scores = _skm_rows(ExternalScore.objects.filter(department=department, period=period)).get(
        (department.pk, period), {}
    )
    if IKM_DIMENSION not in scores:
        return None
    return _ikm_result(department, period, scores)


def service_units() -> QuerySet[Department]:
    return Department.objects.filter(is_service_unit=True).order_by("name")


def ikm_overview(*, period: dt.date | None = None, department_ids: Iterable[int] | None = None) -> list[dict]:
    """For every service unit: its IKM in `period`, or in its latest period with one
    (three queries: the units, their latest periods, the scores)."""
    units = service_units()
    if department_ids is not None:
        units = units.filter(id__in=ids_for_in(department_ids))
    units = list(units)
    ikm_rows = ExternalScore.objects.filter(
        source=Source.SKM, dimension=IKM_DIMENSION, department_id__in=[unit.pk for unit in units]
    )
    if period is not None:
        wanted = {unit.pk: period for unit in units}
    else:
        wanted = dict(
            ikm_rows.values("department_id").annotate(latest=Max("period")).values_list("department_id", "latest")
        )
    scores = _skm_rows(ExternalScore.objects.filter(department_id__in=list(wanted), period__in=set(wanted.values())))
    overview = []
    for unit in units:
        unit_period = wanted.get(unit.pk)
        found = scores.get((unit.pk, unit_period), {})
        result = _ikm_result(unit, unit_period, found) if IKM_DIMENSION in found else None
        overview.append({"department": unit, "period": unit_period if result else None, "result": result})
    return overview


@dataclass(frozen=True)
class LowIkm:
    department_id: int
    department_name: str
    ikm: Decimal
    grade: IkmGrade


@dataclass(frozen=True)
class IkmSummary:
    """The latest period's IKM of the service units in brief: how many units hold each grade
    (every grade, highest first) and the lowest IKMs, lowest first."""

    period: dt.date | None
    grades: list[tuple[IkmGrade, int]]
    lowest: list[LowIkm]

    @property
    def units(self) -> int:
        return sum(count for _grade, count in self.grades)


# ikm_grade reads the IKM at two decimals, halves up: a value reaches a band's lower bound b
# exactly when it is at least b − 0.005.
HALF_A_HUNDREDTH = Decimal("0.005")
LOWEST_IKM_SHOWN = 5


def _ikm_grade_letter() -> Case:
    """The letter of `ikm_grade`, computed by the database from a stored IKM."""
    return Case(
        *(When(value__gte=bound - HALF_A_HUNDREDTH, then=Value(grade.letter)) for bound, grade in IKM_GRADE_BANDS[:-1]),
        default=Value(IKM_LOWEST_GRADE.letter),
        output_field=CharField(),
    )


def ikm_summary(*, lowest: int = LOWEST_IKM_SHOWN) -> IkmSummary:
    """The service units' IKM in the latest period that has one, from the stored IKM rows
    alone: units per grade and the `lowest` lowest IKMs (two queries, whatever the number of
    units; the element means stay on the overview page)."""
    ikm_rows = ExternalScore.objects.filter(
        source=Source.SKM, dimension=IKM_DIMENSION, department__is_service_unit=True
    ).order_by()
    latest = ikm_rows.filter(
        period=Subquery(ikm_rows.order_by("-period").values("period")[:1]),
    )
    per_grade = list(latest.values_list("period", _ikm_grade_letter()).annotate(units=Count("id")))
    if not per_grade:
        return IkmSummary(period=None, grades=[], lowest=[])
    counts = {letter: units for _period, letter, units in per_grade}
    grades = [(grade, counts.get(grade.letter, 0)) for _bound, grade in IKM_GRADE_BANDS]
    lowest_rows = latest.order_by("value", "department__name", "department_id").values_list(
        "department_id", "department__name", "value"
    )[:lowest]
    return IkmSummary(
        period=per_grade[0][0],
        grades=grades,
        lowest=[
            LowIkm(department_id, name, value.quantize(Decimal("0.01")), ikm_grade(value))
            for department_id, name, value in lowest_rows
        ],
    )


def ikm_trend(*, department: Department) -> list[IkmResult]:
    """The unit's IKM in every period it was measured, oldest first (one query)."""
    scores = _skm_rows(ExternalScore.objects.filter(department=department))
    return [
        _ikm_result(department, period, found)
        for (_department_id, period), found in sorted(scores.items(), key=lambda item: item[0][1])
        if IKM_DIMENSION in found
    ]


def ikm_periods() -> list[dt.date]:
    """Every period with an IKM, newest first."""
    return list(
        ExternalScore.objects.filter(source=Source.SKM, dimension=IKM_DIMENSION)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )


# --- SERVQUAL and the other sources, per unit.


def servqual_results(*, department: Department) -> list[tuple[dt.date, ServqualResult]]:
    """Each period's SERVQUAL gaps and class for a unit, oldest first (one query)."""
    keys = [*SERVQUAL_DIMENSION_KEYS, *(f"{key}{EXPECTATION_SUFFIX}" for key in SERVQUAL_DIMENSION_KEYS)]
    grouped: dict[dt.date, dict[str, Decimal]] = defaultdict(dict)
    rows = ExternalScore.objects.filter(department=department, source=Source.SERVQUAL, dimension__in=keys)
    for period, dimension, value in rows.values_list("period", "dimension", "value"):
        grouped[period][dimension] = value
    return [(period, servqual_result(values)) for period, values in sorted(grouped.items())]


def other_scores(*, department: Department) -> list[ExternalScore]:
    """The unit's CSAT, NPS and custom scores, newest first, each with its readable `label`."""
    scores = list(
        ExternalScore.objects.filter(
            department=department, source__in=(Source.CSAT, Source.NPS, Source.CUSTOM)
        ).order_by("-period", "source", "dimension")
    )
    for score in scores:
        score.label = dimension_label(score.source, score.dimension)
    return scores
