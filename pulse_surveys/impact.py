"""Driver impact and agreement within units for closed rounds: the service that computes them
from the answers and stores them (`DriverAnalysis`), and the reads that pages use.

Kept apart from `services.py`: it only reads answers and writes its own table, and the
statistics live in `pulse_surveys.drivers`.

What is analysed. Each respondent's driver score is the mean of their answers to the driver's
Likert questions on 0–100 (as results show it). The outcomes are the recommendation question
(0–10, the eNPS question: its raw value, since promoter/detractor coding throws information
away) and, when the round asks one, an overall-satisfaction Likert question that belongs to no
driver. Groups: the whole audience, and each department's subtree whose result is shown exactly
(neither hidden nor protected with noise) and holds at least max(threshold, MIN_RESPONDENTS)
respondents. Nothing stored or shown is about fewer people than that.
"""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pulse_surveys import drivers as stats
from pulse_surveys.models import (
    Answer,
    Driver,
    DriverAnalysis,
    QuestionKind,
    Round,
    RoundResult,
    RoundStatus,
)

OUTCOME_RECOMMEND = "recommend"
OUTCOME_SATISFACTION = "satisfaction"
FAVOURABLE_FROM = 4  # "agree" and "strongly agree" on the 1–5 scale


# --- Reading a round's answers ---------------------------------------------------------------------


@dataclass
class RoundAnswers:
    departments: np.ndarray  # respondent → department id (0: none)
    driver_ids: list[int]
    driver_scores: np.ndarray  # respondents × drivers, 0–100 (NaN: not answered)
    favourable: np.ndarray  # respondents × drivers: answers 4–5 of the driver's questions
    answered: np.ndarray  # respondents × drivers: the driver's answers
    likert: np.ndarray  # respondents × Likert questions, 1–5 (NaN: not answered)
    outcomes: dict[str, np.ndarray]


def round_answers(pulse_round: Round) -> RoundAnswers:
    """Every scored answer of the round as arrays, one row per respondent (two queries: the
    round's questions and its answers). The rows are in no particular order and carry no id."""
    questions = {q.pk: q for q in pulse_round.questions.all()}
    likert_ids = sorted(q.pk for q in questions.values() if q.kind == QuestionKind.LIKERT)
    driver_ids = sorted({questions[q].driver_id for q in likert_ids if questions[q].driver_id})
    overall_ids = [q for q in likert_ids if not questions[q].driver_id]
    enps_ids = sorted(q.pk for q in questions.values() if q.kind == QuestionKind.ENPS)
    rows = list(
        Answer.objects.filter(round=pulse_round, response__round=pulse_round, value__isnull=False).values_list(
            "response_id", "response__department_id", "question_id", "value"
        )
    )
    respondent = {}
    for response_id, _department, _question, _value in rows:
        respondent.setdefault(response_id, len(respondent))
    n = len(respondent)
    departments = np.zeros(n, dtype=np.int64)
    likert_column = {q: i for i, q in enumerate(likert_ids)}
    likert = np.full((n, len(likert_ids)), np.nan)
    enps = np.full(n, np.nan)
    for response_id, department_id, question_id, value in rows:
        row = respondent[response_id]
        departments[row] = department_id or 0
        if question_id in likert_column:
            likert[row, likert_column[question_id]] = value
        elif enps_ids and question_id == enps_ids[0]:
            enps[row] = value
    scaled = (likert - 1) / 4 * 100
    p = len(driver_ids)
    driver_scores, favourable, answered = np.full((n, p), np.nan), np.zeros((n, p)), np.zeros((n, p))
    for j, driver_id in enumerate(driver_ids):
        columns = [likert_column[q] for q in likert_ids if questions[q].driver_id == driver_id]
        block = likert[:, columns]
        with np.errstate(invalid="ignore"):
            driver_scores[:, j] = np.nanmean(scaled[:, columns], axis=1) if n else []
        favourable[:, j] = (block >= FAVOURABLE_FROM).sum(axis=1)
        answered[:, j] = np.isfinite(block).sum(axis=1)
    outcomes = {}
    if enps_ids:
        outcomes[OUTCOME_RECOMMEND] = enps
    if overall_ids:
        with np.errstate(invalid="ignore"):
            outcomes[OUTCOME_SATISFACTION] = np.nanmean(scaled[:, [likert_column[q] for q in overall_ids]], axis=1)
    return RoundAnswers(departments, driver_ids, driver_scores, favourable, answered, likert, outcomes)


# --- Computing and storing --------------------------------------------------------------------------


def _reason(code: str, **params) -> dict:
    return {"reason": code, "reason_params": params}


def _outcome_analysis(data: RoundAnswers, rows: np.ndarray, outcome: str, draws: int, minimum: int) -> dict:
    y = data.outcomes[outcome][rows]
    x = data.driver_scores[rows]
    complete = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    entry = {"outcome": outcome, "respondents": int(complete.sum())}
    try:
        result = stats.driver_impact(x[complete], y[complete], draws=draws, minimum=minimum)
    except stats.NotEstimable as error:
        return {**entry, **_reason(error.code, **error.params)}
    kept = [d for j, d in enumerate(data.driver_ids) if j not in result.left_out]
    entry.update(
        r2=result.r2,
        r2_low=result.r2_low,
        r2_high=result.r2_high,
        draws=result.draws,
        left_out=[data.driver_ids[j] for j in result.left_out],
        drivers=[
            {
                "driver": driver_id,
                "importance": row.importance,
                "low": row.low,
                "high": row.high,
                "share": row.share,
                "share_low": row.share_low,
                "share_high": row.share_high,
                "above_average": row.above_average,
            }
            for driver_id, row in zip(kept, result.drivers, strict=True)
        ],
    )
    return entry


def _favourable(data: RoundAnswers, rows: np.ndarray) -> dict[str, float]:
    favourable, answered = data.favourable[rows].sum(axis=0), data.answered[rows].sum(axis=0)
    return {
        str(driver_id): float(favourable[j] / answered[j] * 100)
        for j, driver_id in enumerate(data.driver_ids)
        if answered[j]
    }


def agreement_of(data: RoundAnswers, *, threshold: int) -> dict:
    """ICC(1), ICC(2) of respondents' overall scores (0–100) across their own departments
    (units of two or more respondents), and r_wg(J) of the Likert questions in each unit of at
    least `threshold` respondents: its median and how many units reach 0.70."""
    with np.errstate(invalid="ignore"):
        overall = np.nanmean((data.likert - 1) / 4 * 100, axis=1) if data.likert.shape[1] else np.full(0, np.nan)
    usable = np.isfinite(overall) & (data.departments != 0) if overall.size else np.zeros(0, dtype=bool)
    units, counts = np.unique(data.departments[usable], return_counts=True)
    in_units = usable & np.isin(data.departments, units[counts >= 2])
    try:
        anova = stats.one_way_anova(overall[in_units], data.departments[in_units])
    except stats.NotEstimable as error:
        return _reason(error.code, **error.params)
    rwg = []
    for unit in units[counts >= threshold]:
        items = data.likert[data.departments == unit]
        items = items[np.all(np.isfinite(items), axis=1)]
        if len(items) >= max(threshold, 2) and items.shape[1]:
            rwg.append(stats.rwg_j(items))
    return {
        "icc1": anova.icc1,
        "icc2": anova.icc2,
        "f": anova.f,
        "p_value": anova.p_value,
        "units": anova.units,
        "respondents": anova.respondents,
        "k0": anova.k0,
        "ms_between": anova.ms_between,
        "ms_within": anova.ms_within,
        "tau2": anova.tau2,
        "grand_mean": anova.grand_mean,
        "rwg_units": len(rwg),
        "rwg_median": float(np.median(rwg)) if rwg else None,
        "rwg_agreeing": int(sum(value >= stats.RWG_AGREEMENT for value in rwg)),
    }


def _subtree_departments(results: list[RoundResult]) -> dict[int, set[int]]:
    """Each department of the round's result tree with the departments below it, as the tree
    was when the results were materialised."""
    children = defaultdict(list)
    for result in results:
        if not result.is_total:
            children[result.parent_department_id].append(result.department_id)
    subtree: dict[int, set[int]] = {}

    def fill(node: int) -> set[int]:
        subtree[node] = {node}.union(*(fill(child) for child in children[node]))
        return subtree[node]

    for root in children[None]:
        fill(root)
    return subtree


@transaction.atomic
def round_driver_analyses_materialise(
    *, round_id: int, draws: int = stats.BOOTSTRAP_DRAWS, minimum: int = stats.MIN_RESPONDENTS
) -> int:
    """Computes and stores the driver impact of a closed round for the whole audience and every
    department shown exactly with enough respondents (the others get a row saying why not), and
    the agreement within units. Idempotent; returns the number of groups analysed."""
    pulse_round = Round.objects.get(pk=round_id)
    DriverAnalysis.objects.filter(round=pulse_round).delete()
    if pulse_round.status != RoundStatus.CLOSED or not pulse_round.results_ready:
        return 0
    results = list(RoundResult.objects.filter(round=pulse_round))
    data = round_answers(pulse_round)
    subtree = _subtree_departments(results)
    floor = max(pulse_round.anonymity_threshold, minimum)
    analyses, analysed = [], 0
    for result in results:
        analysis = DriverAnalysis(
            round=pulse_round,
            department_id=result.department_id,
            is_total=result.is_total,
            respondents=result.responded,
        )
        if result.suppressed:
            analysis.reason = "suppressed"
        elif result.protected:
            analysis.reason = "protected"
        elif result.responded < floor:
            analysis.reason, analysis.reason_params = (
                "too_few_respondents",
                {
                    "respondents": result.responded,
                    "minimum": floor,
                },
            )
        elif not data.outcomes:
            analysis.reason = "no_outcome"
        else:
            rows = (
                np.ones(len(data.departments), dtype=bool)
                if result.is_total
                else np.isin(data.departments, list(subtree.get(result.department_id, {result.department_id})))
            )
            analysis.outcomes = [
                {**_outcome_analysis(data, rows, outcome, draws, floor), "favourable": _favourable(data, rows)}
                for outcome in data.outcomes
            ]
            analysed += 1
        if result.is_total:
            analysis.agreement = agreement_of(data, threshold=pulse_round.anonymity_threshold)
        analyses.append(analysis)
    DriverAnalysis.objects.bulk_create(analyses)
    return analysed


def round_driver_analyses_ensure(pulse_round: Round) -> None:
    """Computes a closed round's analyses once, for rounds closed before they existed."""
    if pulse_round.results_ready and not pulse_round.driver_analyses.exists():
        round_driver_analyses_materialise(round_id=pulse_round.pk)


# --- Words ------------------------------------------------------------------------------------------


def reason_text(code: str, params: dict) -> str:
    """Why an analysis could not run, in the reader's language."""
    params = dict(params or {})
    texts = {
        "suppressed": _("Driver impact is not shown: this group's results are hidden to protect anonymity."),
        "protected": _(
            "Driver impact is not shown: this group's figures carry protective noise, and an analysis of its "
            "exact answers could undo that protection."
        ),
        "no_outcome": _(
            "Driver impact could not be computed: this round asked neither the recommendation question nor an "
            "overall-satisfaction question."
        ),
        "missing_values": _("Driver impact could not be computed: some answers are missing."),
        "constant_outcome": _(
            "Driver impact could not be computed: everyone gave the same answer to the outcome question, so "
            "there is nothing for the drivers to explain."
        ),
        "singular_design": _(
            "Driver impact could not be computed: two or more drivers carry the same information (their "
            "scores move in lockstep), so their shares cannot be told apart."
        ),
        "too_few_units": _("Agreement within units could not be computed: it needs at least %(minimum)s units.")
        % {"minimum": params.get("minimum", stats.MIN_UNITS), "units": params.get("units", 0)},
        "one_per_unit": _("Agreement within units could not be computed: units have only one respondent each."),
        "no_between_variance": _(
            "Agreement within units could not be computed: every unit has exactly the same mean score."
        ),
        "not_computed": _("Driver impact has not been computed for this round yet."),
    }
    if code == "too_few_respondents":
        return _(
            "Driver impact is not shown: it needs at least %(minimum)s respondents for stable estimates, and this "
            "group has %(respondents)s."
        ) % {"minimum": params.get("minimum", stats.MIN_RESPONDENTS), "respondents": params.get("respondents", 0)}
    if code == "too_few_drivers":
        return ngettext(
            "Driver impact could not be computed: only %(count)s driver varies between respondents; it takes two "
            "to share out.",
            "Driver impact could not be computed: only %(count)s drivers vary between respondents; it takes two "
            "to share out.",
            params.get("drivers", 0),
        ) % {"count": params.get("drivers", 0)}
    if code == "too_many_drivers":
        return _(
            "Driver impact could not be computed: the round asks %(count)s drivers, more than the %(maximum)s an "
            "exact decomposition allows."
        ) % {"count": params.get("drivers", 0), "maximum": params.get("maximum", stats.MAX_DRIVERS)}
    return texts.get(code, texts["not_computed"])


def outcome_label(outcome: str) -> str:
    return {
        OUTCOME_RECOMMEND: _("recommending the organisation as a place to work (0–10)"),
        OUTCOME_SATISFACTION: _("overall satisfaction"),
    }.get(outcome, outcome)


def drivers_by_id(ids) -> dict[int, Driver]:
    return {driver.pk: driver for driver in Driver.objects.filter(pk__in=ids)}
