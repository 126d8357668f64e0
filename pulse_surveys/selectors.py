"""Reads for pulse surveys: rounds as each person may see them, participation, results, series.

Results are read only from the materialised `RoundResult` rows, which hold nothing that may
not be shown; no read here touches an individual `Response`.
"""

import datetime as dt
import math
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce

from core.columns import fetch, month_numbers, month_of
from core.subqueries import ids_for_in
from employees.models import Department
from employees.permissions import is_hr, is_leadership, is_manager, managed_department_ids
from feedback import selectors as feedback_selectors
from pulse_surveys import drivers as driver_statistics
from pulse_surveys.models import (
    Driver,
    DriverAnalysis,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Round,
    RoundResult,
    RoundResultDriver,
    RoundStatus,
    Survey,
)


def driver_list() -> QuerySet[Driver]:
    return Driver.objects.all()


def driver_keys() -> list[str]:
    """The driver keys, in their display order (for report matrices)."""
    return list(Driver.objects.order_by("position", "key").values_list("key", flat=True))


def question_list() -> QuerySet[Question]:
    return Question.objects.select_related("driver").order_by("id")


def survey_list() -> QuerySet[Survey]:
    return Survey.objects.prefetch_related("survey_questions", "questions", "departments").order_by("-id")


def can_see_all_results(user) -> bool:
    return is_hr(user) or is_leadership(user)


def can_see_results(user) -> bool:
    return can_see_all_results(user) or is_manager(user)


def round_list(*, viewer) -> QuerySet[Round]:
    """Rounds `viewer` may see, each with `answered` (has the viewer taken part?). HR and
    leadership see every round; managers those they are invited to or whose audience includes
    their departments; everyone else only the rounds they are invited to."""
    invited = Invitation.objects.filter(round=OuterRef("pk"), employee_id=viewer.pk)
    rounds = Round.objects.select_related("survey").annotate(
        is_invited=Exists(invited),
        answered=Exists(Participation.objects.filter(round=OuterRef("pk"), employee_id=viewer.pk)),
    )
    if can_see_all_results(viewer):
        return rounds
    if is_manager(viewer):
        team = Invitation.objects.filter(round=OuterRef("pk"), department_id__in=managed_department_ids(viewer))
        return rounds.filter(Q(is_invited=True) | Exists(team))
    return rounds.filter(is_invited=True)


def open_rounds_for(user) -> list[Round]:
    """Open rounds the person is invited to, with `answered`, soonest closing first."""
    return list(
        round_list(viewer=user)
        .filter(status=RoundStatus.OPEN, is_invited=True)
        .order_by("closes_at", "id")
        .prefetch_related("round_questions__question__driver")
    )


def rounds_to_answer(user) -> QuerySet[Round]:
    """Open rounds the person is invited to and has not answered yet, soonest closing first."""
    return (
        round_list(viewer=user)
        .filter(status=RoundStatus.OPEN, is_invited=True, answered=False)
        .order_by("closes_at", "id")
    )


def round_participation(pulse_round: Round) -> dict:
    """Invited and answered per department (own members) and in total, while a round runs.
    Counts only: no scores exist before a round closes."""
    answered = Participation.objects.filter(round=pulse_round, employee_id=OuterRef("employee_id"))
    rows = (
        Invitation.objects.filter(round=pulse_round)
        .annotate(has_answered=Exists(answered))
        .values("department_id", "department__name", "department__code")
        .annotate(invited=Count("id"), responded=Count("id", filter=Q(has_answered=True)))
        .order_by("department__name")
    )
    departments = [
        {
            "department": row["department_id"],
            "name": row["department__name"] or "—",
            "code": row["department__code"] or "",
            "invited": row["invited"],
            "responded": row["responded"],
            "response_rate": _rate(row["responded"], row["invited"]),
        }
        for row in rows
    ]
    invited = sum(row["invited"] for row in departments)
    responded = sum(row["responded"] for row in departments)
    return {
        "invited": invited,
        "responded": responded,
        "response_rate": _rate(responded, invited),
        "departments": departments,
    }


def _rate(responded: int, invited: int) -> float | None:
    return round(responded / invited * 100, 1) if invited else None


def _results(pulse_round: Round) -> QuerySet[RoundResult]:
    return (
        RoundResult.objects.filter(round=pulse_round)
        .select_related("department")
        .prefetch_related(Prefetch("driver_scores", RoundResultDriver.objects.select_related("driver")))
    )


def round_result(*, pulse_round: Round, department: Department | None) -> tuple[RoundResult | None, list]:
    """The result for a department's subtree (None: the whole audience) and those of its
    child departments, in three queries whatever the number of departments."""
    results = _results(pulse_round)
    if department is None:
        result = results.filter(is_total=True).first()
        breakdown = results.filter(is_total=False, parent_department__isnull=True)
    else:
        result = results.filter(is_total=False, department=department).first()
        breakdown = results.filter(is_total=False, parent_department=department)
    return result, list(breakdown.order_by("department__name")) if result else []


# A whole audience's round holds thousands of comments (about 3,000 at 50,000 people, 168 KB
# of JSON); a result shows this many at a time, in their stored shuffled order.
RESULT_COMMENTS_PER_PAGE = 100


def result_comment_pages(result: RoundResult) -> Paginator:
    """A result's comments in pages, names taken out as each page is read. A suppressed result
    has none: none were stored."""
    return Paginator(feedback_selectors.ShownComments(result.comments), RESULT_COMMENTS_PER_PAGE)


def result_comment_summary(result: RoundResult):
    """Themes and sentiment of a shown result's comments; None where its comments are not shown
    or are fewer than the round's anonymity threshold."""
    if result.suppressed or not result.comments:
        return None
    return feedback_selectors.comment_summary(result.comments, minimum=result.round.anonymity_threshold)


def round_results_all(pulse_round: Round, *, departments: Collection[int] | None = None) -> list[RoundResult]:
    """Every department's result of a round (for the heatmap), total first, in the tree's
    order; with `departments`, the total and the results of those departments only."""
    results = _results(pulse_round)
    if departments is not None:
        results = results.filter(Q(is_total=True) | Q(department__in=departments))
    return list(results.order_by("-is_total", "department__path"))


def round_result_paths(pulse_round: Round) -> list[tuple[int, str]]:
    """(department id, its path in the tree) of every department with a result in the round
    (one query)."""
    results = RoundResult.objects.filter(round=pulse_round, is_total=False)
    return list(results.values_list("department_id", "department__path"))


def _level(path: str) -> int:
    return path.count("/") - 1  # "/1/": 1, the top


def departments_that_fit(paths: list[tuple[int, str]], rows: int, *, under: str = "") -> tuple[list[int], int | None]:
    """For a heatmap of at most `rows` departments: those of `paths` (department id, path) in
    the subtree at `under` (a department's path, itself included; "": the whole tree), down
    to as many levels below it as fit, at least the first that holds any. Returns them and how
    many levels below `under` they reach, or None when the whole subtree fits."""
    base = _level(under) if under else 0
    levels = [(department, _level(path) - base) for department, path in paths if path.startswith(under)]
    if len(levels) <= rows:
        return [department for department, _below in levels], None
    counts = Counter(level for _department, level in levels)
    below = sorted(level for level in counts if level > 0)
    fitting, total = below[0], counts.get(0, 0)
    for level in below:
        total += counts[level]
        if total > rows:
            break
        fitting = level
    return [department for department, level in levels if level <= fitting], fitting - below[0] + 1


def round_total_result(pulse_round: Round) -> RoundResult | None:
    """The whole audience's result of a round, shown or suppressed (one query)."""
    return RoundResult.objects.filter(round=pulse_round, is_total=True).select_related("round").first()


def _shown(*, period_from: dt.date, period_to: dt.date) -> QuerySet[RoundResult]:
    """Results that may be shown: of rounds whose results are ready, and not suppressed."""
    return RoundResult.objects.filter(
        suppressed=False, round__results_ready=True, round__period__gte=period_from, round__period__lte=period_to
    )


def whole_audience_monthly_sums(*, period_from: dt.date, period_to: dt.date) -> list[dict]:
    """Per month (`month`), over the shown whole-audience results of rounds closed then: the
    sums of score × respondents and of eNPS × respondents with their weights, and the invited
    and responded totals. One query (GROUP BY month), oldest first."""
    weight = Cast(F("responded"), FloatField())
    return list(
        _shown(period_from=period_from, period_to=period_to)
        .filter(is_total=True)
        .values(month=F("round__period"))
        .annotate(
            score_sum=Sum(F("score") * weight, filter=Q(score__isnull=False)),
            score_weight=Sum("responded", filter=Q(score__isnull=False)),
            enps_sum=Sum(F("enps") * weight, filter=Q(enps__isnull=False)),
            enps_weight=Sum("responded", filter=Q(enps__isnull=False)),
            invited_total=Sum("invited"),
            responded_total=Sum("responded"),
        )
        .order_by("month")
    )


def suppressed_department_periods(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int]
) -> set[tuple[int, dt.date]]:
    """(department id, period) where a department's result of a round closed in that period was
    suppressed: the decision stored when the results were materialised, nothing recomputed."""
    return set(
        RoundResult.objects.filter(
            department_id__in=ids_for_in(department_ids),
            is_total=False,
            suppressed=True,
            round__results_ready=True,
            round__period__gte=period_from,
            round__period__lte=period_to,
        )
        .values_list("department_id", "round__period")
        .distinct()
    )


def headcount_series(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> list[dict]:
    """People invited per department and month (`people`), as closed rounds recorded their
    audience when they opened: the headcount of that month, of the department's subtree. Where
    several rounds closed in one month, the largest audience counts. A count of people, never of
    answers, so suppressed results count too. One query (GROUP BY)."""
    rows = _audiences(period_from=period_from, period_to=period_to, department_ids=department_ids)
    return sorted(
        ({"department_id": row["department_id"], "period": row["period"], "people": row["people"]} for row in rows),
        key=lambda row: (row["department_id"], row["period"]),
    )


def headcount_columns(
    *, period_from: dt.date, period_to: dt.date, department_ids: Iterable[int] | None = None
) -> dict[str, np.ndarray]:
    """`headcount_series` as columns for reports: `department_id`, `month` (year × 12 + month − 1)
    and `people`, unordered."""
    columns = fetch(
        _audiences(period_from=period_from, period_to=period_to, department_ids=department_ids),
        {"department_id": "int8", "period": "date", "people": "int8"},
    )
    return {
        "department_id": columns["department_id"],
        "month": month_numbers(columns["period"]),
        "people": columns["people"],
    }


def _audiences(*, period_from: dt.date, period_to: dt.date, department_ids) -> QuerySet:
    results = RoundResult.objects.filter(
        is_total=False, round__results_ready=True, round__period__gte=period_from, round__period__lte=period_to
    )
    if department_ids is not None:
        results = results.filter(department_id__in=ids_for_in(department_ids))
    return results.values("department_id", period=F("round__period")).annotate(people=Max("invited")).order_by()


def latest_closed_round(*, survey: Survey | None = None) -> Round | None:
    rounds = Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True).select_related("survey")
    if survey is not None:
        rounds = rounds.filter(survey=survey)
    return rounds.order_by("-closed_at", "-id").first()


def result_trend(*, survey: Survey, department: Department | None, limit: int = 12) -> list[RoundResult]:
    """A department's (or the whole audience's) results across a survey's closed rounds, oldest
    first; suppressed rounds are included and carry no score."""
    results = RoundResult.objects.filter(round__survey=survey, round__results_ready=True).select_related("round")
    results = results.filter(is_total=True) if department is None else results.filter(department=department)
    return list(reversed(results.order_by("-round__closed_at", "-round_id")[:limit]))


def round_driver_analyses(*, pulse_round: Round) -> QuerySet[DriverAnalysis]:
    """A round's stored driver analyses that ran, about groups of at least the round's
    threshold (defence in depth: the service stores figures only for such groups)."""
    return (
        DriverAnalysis.objects.filter(round=pulse_round, reason="")
        .filter(Q(outcome=DriverAnalysis.Outcome.IKM) | Q(respondents__gte=pulse_round.anonymity_threshold))
        .order_by("outcome", "-is_total", "department_id")
    )


def round_unit_driver_scores(*, pulse_round: Round) -> list[dict]:
    """[{department_id, driver_id, score (0–100), protected, noise_variance}]: each department's
    driver scores in one closed round, from its shown results only (never a hidden one; protected
    ones carry their stored noise, and say so). Only departments' own results, not the whole
    audience's. One query."""
    if not pulse_round.results_ready:
        return []
    rows = RoundResultDriver.objects.filter(
        result__round=pulse_round, result__is_total=False, result__suppressed=False
    ).values_list("result__department_id", "driver_id", "score", "result__protected", "noise_variance")
    return [
        {
            "department_id": department_id,
            "driver_id": driver_id,
            "score": score,
            "protected": protected,
            "noise_variance": noise_variance or 0.0,
        }
        for department_id, driver_id, score, protected, noise_variance in rows.order_by("result__department_id")
    ]


def internal_satisfaction_series(
    *,
    period_from: dt.date,
    period_to: dt.date,
    department_ids: Iterable[int] | None = None,
    metrics: Iterable[str] | None = None,
    shrink: bool = False,
) -> list[dict]:
    """Internal satisfaction per department and month, from materialised results of closed
    rounds that are not suppressed: metric "overall" (0–100), "enps" (−100..100) and
    "driver:<key>" (0–100), ordered by department, month and metric. Rounds closing in the same
    month are pooled, weighted by their respondents. Each row also says how many of the pooled
    results are protected (`protected`: their figures carry stored noise) and the variance that
    noise adds to the pooled value (`noise_variance`, points², 0 when exact).

    With `shrink`, each "overall" value is its empirical-Bayes estimate: the month's organisation
    mean plus its reliability λ times the unit's distance from it, from the agreement within units
    stored for the month's largest round (`reliability`: λ; None where no round of the month has
    one, and the value is left as it was)."""
    columns = internal_satisfaction_columns(
        period_from=period_from, period_to=period_to, department_ids=department_ids, metrics=metrics, shrink=shrink
    )
    months = {number: month_of(number) for number in np.unique(columns["month"]).tolist()}
    names = ["department_id", "month", "metric", "value", "respondents", "protected", "noise_variance", "reliability"]
    rows = []
    for values in zip(*(columns[name].tolist() for name in names), strict=True):
        row = dict(zip(names, values, strict=True))
        row["period"] = months[row.pop("month")]
        reliability = row.pop("reliability")
        if shrink and row["metric"] == "overall":
            row["reliability"] = None if math.isnan(reliability) else reliability
        rows.append(row)
    return rows


def internal_satisfaction_columns(
    *,
    period_from: dt.date,
    period_to: dt.date,
    department_ids: Iterable[int] | None = None,
    metrics: Iterable[str] | None = None,
    shrink: bool = False,
) -> dict[str, np.ndarray]:
    """`internal_satisfaction_series` as one array per field, for reports that read every unit
    and month: `department_id`, `month` (year × 12 + month − 1, `core.columns.month_numbers`), `metric`, `value`,
    `respondents`, `protected`, `noise_variance` and `reliability` (NaN where none). The results
    are read as columns (`core.columns.fetch`) and pooled in numpy."""
    shown = _shown(period_from=period_from, period_to=period_to).filter(is_total=False)
    if department_ids is not None:
        shown = shown.filter(department_id__in=ids_for_in(department_ids))
    wanted = set(metrics) if metrics is not None else None
    parts = []
    for metric, field in (("overall", "score"), ("enps", "enps")):
        if wanted is None or metric in wanted:
            parts.append(
                _scores(
                    shown.filter(**{f"{field}__isnull": False}),
                    field,
                    prefix="",
                    key=Value(0),
                    names={0: metric},
                    variance=f"{field}_noise_variance",
                )
            )
    driver_metrics = None if wanted is None else {m.split(":", 1)[1] for m in wanted if m.startswith("driver:")}
    if driver_metrics is None or driver_metrics:
        drivers = Driver.objects.all() if driver_metrics is None else Driver.objects.filter(key__in=driver_metrics)
        names = {pk: f"driver:{key}" for pk, key in drivers.values_list("pk", "key")}
        scores = RoundResultDriver.objects.filter(
            result__is_total=False,
            result__suppressed=False,
            result__round__results_ready=True,
            result__round__period__gte=period_from,
            result__round__period__lte=period_to,
        )
        if driver_metrics is not None:
            scores = scores.filter(driver_id__in=list(names))
        if department_ids is not None:
            scores = scores.filter(result__department_id__in=ids_for_in(department_ids))
        parts.append(
            _scores(
                scores,
                "score",
                prefix="result__",
                key=F("driver_id"),
                names=names,
                variance="noise_variance",
            )
        )
    pooled = _pooled(parts)
    if shrink:
        _shrink_overall(pooled, agreement_by_month(period_from=period_from, period_to=period_to))
    return pooled


def agreement_by_month(*, period_from: dt.date, period_to: dt.date) -> dict[dt.date, driver_statistics.Agreement]:
    """The agreement within units stored for each month's largest closed round (by respondents)
    whose agreement could be estimated; months without one are absent."""
    analyses = DriverAnalysis.objects.filter(
        is_total=True, round__results_ready=True, round__period__gte=period_from, round__period__lte=period_to
    ).values_list("round__period", "agreement")
    months: dict[dt.date, driver_statistics.Agreement] = {}
    for month, agreement in analyses:
        if not agreement or agreement.get("reason") or agreement.get("tau2") is None:
            continue
        if month in months and months[month].respondents >= agreement["respondents"]:
            continue
        months[month] = driver_statistics.Agreement(
            **{name: agreement[name] for name in driver_statistics.Agreement.__dataclass_fields__ if name in agreement}
            | {"f": agreement.get("f") or float("inf")}
        )
    return months


def _shrink_overall(pooled: dict[str, np.ndarray], agreements: dict[dt.date, driver_statistics.Agreement]) -> None:
    values, reliability = pooled["value"], pooled["reliability"]
    for index in np.flatnonzero(pooled["metric"] == "overall").tolist():
        agreement = agreements.get(month_of(int(pooled["month"][index])))
        if agreement is not None:
            values[index], reliability[index] = driver_statistics.shrink(
                float(values[index]),
                int(pooled["respondents"][index]),
                agreement,
                extra_variance=float(pooled["noise_variance"][index]),
            )


def _scores(queryset, value_field: str, *, prefix: str, key, names: dict[int, str], variance: str) -> dict:
    """Each result's value with its unit, month number, metric, respondents, whether
    it is protected and its noise variance, as columns; `key` picks the metric's name from
    `names`."""
    columns = fetch(
        queryset.values(
            unit=F(f"{prefix}department_id"),
            month=F(f"{prefix}round__period"),
            key=ExpressionWrapper(key, output_field=IntegerField()),
            value=F(value_field),
            people=F(f"{prefix}responded"),
            is_protected=F(f"{prefix}protected"),
            noise=Coalesce(F(variance), Value(0.0), output_field=FloatField()),
        ).order_by(),
        {
            "unit": "int8",
            "month": "date",
            "key": "int8",
            "value": "float8",
            "people": "int4",
            "is_protected": "bool",
            "noise": "float8",
        },
    )
    keys, key_index = np.unique(columns["key"], return_inverse=True)
    return {
        **columns,
        "month": month_numbers(columns["month"]),
        "metric": np.asarray([names[key] for key in keys.tolist()], dtype=object)[key_index],
    }


def _pooled(parts: list[dict]) -> dict[str, np.ndarray]:
    """Columns per unit, month and metric (in that order) pooling the results of the same month,
    weighted by their respondents: their mean, the respondents, how many of them are protected,
    and the variance their noise adds to the mean (Σ variance × respondents² / respondents²).
    Cells without a respondent are left out."""
    parts = [part for part in parts if part["unit"].size]
    names = sorted({name for part in parts for name in part["metric"].tolist()})
    code = {name: index for index, name in enumerate(names)}

    def joined(column: str, dtype) -> np.ndarray:
        return np.concatenate([np.asarray(part[column], dtype=dtype) for part in parts] or [np.empty(0, dtype)])

    unit, month, responded = joined("unit", np.int64), joined("month", np.int64), joined("people", float)
    value, protected, noise = joined("value", float), joined("is_protected", bool), joined("noise", float)
    metric = np.concatenate(
        [np.fromiter(map(code.__getitem__, part["metric"]), dtype=np.int64) for part in parts] or [np.empty(0, int)]
    )
    # the value last: results pooled in one cell add up in the same order on every read
    order = np.lexsort((value, metric, month, unit))
    unit, month, metric = unit[order], month[order], metric[order]
    starts = (
        np.flatnonzero(np.r_[True, (unit[1:] != unit[:-1]) | (month[1:] != month[:-1]) | (metric[1:] != metric[:-1])])
        if unit.size
        else np.empty(0, dtype=np.intp)
    )

    def total(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(values[order], starts) if starts.size else np.empty(0)

    respondents = total(responded)
    answered = respondents > 0
    people = respondents[answered]
    return {
        "department_id": unit[starts][answered],
        "month": month[starts][answered],
        "metric": np.asarray(names, dtype=object)[metric[starts][answered]] if names else np.empty(0, dtype=object),
        "value": total(value * responded)[answered] / people,
        "respondents": people.astype(np.int64),
        "protected": total(protected.astype(np.int64))[answered].astype(np.int64),
        "noise_variance": total(noise * responded * responded)[answered] / people**2,
        "reliability": np.full(people.size, np.nan),
    }


def open_rounds_all() -> list[Round]:
    return list(Round.objects.filter(status=RoundStatus.OPEN).select_related("survey").order_by("closes_at", "id"))


# Agreement answers (1–5) by how they lean: 4 and 5 agree, 3 is neither, 1 and 2 disagree.
FAVOURABLE_VALUES, NEUTRAL_VALUES, UNFAVOURABLE_VALUES = ("4", "5"), ("3",), ("1", "2")


@dataclass
class ResultComparison:
    """What a result adds to its score: the change since the same group's previous round and
    how its agreement answers lean. Any part may be None (nothing to compare, or not shown)."""

    previous: RoundResult | None
    change: float | None
    favourable: int | None
    neutral: int | None
    unfavourable: int | None


def _shares(counts: list[int]) -> list[int]:
    """Whole percentages of `counts` that add up to 100 (largest remainders)."""
    total = sum(counts)
    exact = [100 * count / total for count in counts]
    shares = [int(value) for value in exact]
    for index in sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)[: 100 - sum(shares)]:
        shares[index] += 1
    return shares


def result_comparison(result: RoundResult) -> ResultComparison:
    """The change in score since the group's latest earlier closed round of the same survey
    (both scores shown exactly, neither hidden nor protected), and the favourable / neutral /
    unfavourable split of the result's agreement answers (two queries)."""
    earlier = RoundResult.objects.filter(
        round__survey_id=result.round.survey_id, round__results_ready=True, round__closed_at__lt=result.round.closed_at
    ).select_related("round")
    earlier = earlier.filter(is_total=True) if result.is_total else earlier.filter(department_id=result.department_id)
    previous = earlier.order_by("-round__closed_at", "-round_id").first()
    comparable = previous is not None and all(
        item.score is not None and not item.suppressed and not item.protected for item in (result, previous)
    )
    change = round(result.score - previous.score, 1) if comparable else None
    split = [None, None, None]
    if result.distributions and not result.suppressed:
        likert = set(
            Question.objects.filter(
                pk__in=[int(key) for key in result.distributions], kind=QuestionKind.LIKERT
            ).values_list("pk", flat=True)
        )
        counts = [0, 0, 0]
        for question_id, values in result.distributions.items():
            if int(question_id) in likert:
                for index, group in enumerate((FAVOURABLE_VALUES, NEUTRAL_VALUES, UNFAVOURABLE_VALUES)):
                    counts[index] += sum(values.get(value, 0) for value in group)
        if sum(counts):
            split = _shares(counts)
    return ResultComparison(previous, change, *split)
