"""Driver impact and agreement within units for closed rounds: the service that computes them
from the answers and stores them (`DriverAnalysis`), and the reads that pages use.

Kept apart from `services.py`: it only reads answers and writes its own table, and the
statistics live in `pulse_surveys.drivers`.

What is analysed. Each respondent's driver score is the mean of their answers to the driver's
Likert questions on 0–100 (as results show it). The outcomes are the recommendation question
(0–10, the eNPS question: its raw value, since promoter/detractor coding throws information
away) and, when the round asks them, the questions of the `overall` driver (overall
satisfaction), which is then not one of the drivers. Groups: the whole audience, and each
department's subtree whose result is shown exactly (neither hidden nor protected with noise)
and holds at least max(threshold, MIN_RESPONDENTS) respondents. Nothing stored or shown is about fewer people than that.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.charts import coordinate
from core.formatting import number, percent
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
# The driver whose questions ask for overall satisfaction ("Overall, I am satisfied working
# here"): an outcome, never one of the drivers that explain it. HR creates it with this key.
OVERALL_DRIVER_KEY = "overall"
OUTCOME_IKM = "ikm"  # across units: see `pulse_surveys.unit_impact`
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
    round's questions and its answers). The rows carry no id; they are in the order of the
    responses' random ids, so that the seeded bootstrap is the same at every run."""
    questions = {q.pk: q for q in pulse_round.questions.select_related("driver")}
    likert_ids = sorted(q.pk for q in questions.values() if q.kind == QuestionKind.LIKERT)
    overall_ids = [q for q in likert_ids if getattr(questions[q].driver, "key", None) == OVERALL_DRIVER_KEY]
    driver_ids = sorted({questions[q].driver_id for q in likert_ids if q not in overall_ids})
    enps_ids = sorted(q.pk for q in questions.values() if q.kind == QuestionKind.ENPS)
    rows = list(
        Answer.objects.filter(round=pulse_round, response__round=pulse_round, value__isnull=False).values_list(
            "response_id", "response__department_id", "question_id", "value"
        )
    )
    # Respondents in the order of their response ids (which are random): the database returns
    # the rows in whatever order, and the bootstrap must draw the same resamples every time.
    respondent = {response_id: row for row, response_id in enumerate(sorted({row[0] for row in rows}))}
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


def outcome_analysis(data: RoundAnswers, rows: np.ndarray, outcome: str, draws: int, minimum: int) -> dict:
    y = data.outcomes[outcome][rows]
    x = data.driver_scores[rows]
    complete = np.isfinite(y) & np.all(np.isfinite(x), axis=1)
    entry = {"outcome": outcome, "respondents": int(complete.sum())}
    try:
        result = stats.driver_impact(x[complete], y[complete], draws=draws, minimum=minimum)
    except stats.NotEstimable as error:
        return {**entry, **_reason(error.code, **error.params)}
    figures = [result.r2, result.r2_low, result.r2_high] + [
        value for row in result.drivers for value in (row.low, row.high, row.share_low, row.share_high)
    ]
    if not np.all(np.isfinite(figures)):
        return {**entry, **_reason("unstable")}
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
    rows_of = rows_by_department(data.departments)
    for unit in units[counts >= threshold]:
        items = data.likert[rows_of[int(unit)]]
        items = items[np.all(np.isfinite(items), axis=1)]
        if len(items) >= max(threshold, 2) and items.shape[1]:
            rwg.append(stats.rwg_j(items))
    return {
        "icc1": anova.icc1,
        "icc2": anova.icc2,
        "f": anova.f if np.isfinite(anova.f) else None,  # infinite: no one differs within a unit
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


def rows_by_department(departments: np.ndarray) -> dict[int, np.ndarray]:
    """Each department's respondents as row numbers in ascending order, found with one sort
    instead of one pass over every respondent per department."""
    order = np.argsort(departments, kind="stable")
    ids, starts = np.unique(departments[order], return_index=True)
    groups = np.split(order, starts[1:]) if ids.size else []
    return {int(department): rows for department, rows in zip(ids.tolist(), groups, strict=True)}


def _subtree_rows(rows_of: dict[int, np.ndarray], departments: set[int]) -> np.ndarray:
    """The respondents of these departments in ascending row order: the rows a boolean mask
    over every respondent would pick, in the same order, at the cost of the group's size."""
    parts = [rows_of[department] for department in departments if department in rows_of]
    return np.sort(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.intp)


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
    the agreement within units. Idempotent; returns the number of groups analysed. Two runs for
    one round (a close job run twice, a backfill) take turns on the round's row."""
    pulse_round = Round.objects.select_for_update().get(pk=round_id)
    DriverAnalysis.objects.filter(round=pulse_round, outcome=DriverAnalysis.Outcome.ENGAGEMENT).delete()
    if pulse_round.status != RoundStatus.CLOSED or not pulse_round.results_ready:
        return 0
    results = list(RoundResult.objects.filter(round=pulse_round))
    data = round_answers(pulse_round)
    subtree = _subtree_departments(results)
    rows_of = rows_by_department(data.departments)
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
                np.arange(len(data.departments))
                if result.is_total
                else _subtree_rows(rows_of, subtree.get(result.department_id, {result.department_id}))
            )
            analysis.outcomes = [
                {**outcome_analysis(data, rows, outcome, draws, floor), "favourable": _favourable(data, rows)}
                for outcome in data.outcomes
            ]
            analysed += 1
        if result.is_total:
            analysis.agreement = agreement_of(data, threshold=pulse_round.anonymity_threshold)
        analyses.append(analysis)
    DriverAnalysis.objects.bulk_create(analyses)
    return analysed


def rounds_without_driver_analyses(outcome: str = DriverAnalysis.Outcome.ENGAGEMENT) -> list[int]:
    """Closed rounds with results but no driver analysis of `outcome`: those closed before it
    existed (the close job computes both for every round since)."""
    analysed = DriverAnalysis.objects.filter(round=OuterRef("pk"), outcome=outcome)
    return list(
        Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True)
        .filter(Exists(RoundResult.objects.filter(round=OuterRef("pk"))))
        .exclude(Exists(analysed))
        .order_by("period", "pk")
        .values_list("pk", flat=True)
    )


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
        "unstable": _(
            "Driver impact could not be computed: resamples of the respondents did not give finite estimates "
            "(too little variation in the answers)."
        ),
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
    if code == "too_few_units_ikm":
        return _(
            "Driver impact for IKM could not be computed: across units it needs at least %(minimum)s service units "
            "with both pulse results shown and an IKM in the round's month (at least 8, and more than the "
            "%(drivers)s drivers plus two), and there are %(units)s."
        ) % {"minimum": params.get("minimum", 0), "drivers": params.get("drivers", 0), "units": params.get("units", 0)}
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
        OUTCOME_IKM: _("customers' satisfaction (IKM) across service units"),
    }.get(outcome, outcome)


def drivers_by_id(ids) -> dict[int, Driver]:
    return {driver.pk: driver for driver in Driver.objects.filter(pk__in=ids)}


# --- Pages: the priority matrix and the agreement disclosure -------------------------------------

CHART_WIDTH, CHART_HEIGHT = 560, 320
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 52, 20, 16, 48


def _percent(fraction: float, places: int = 0) -> str:
    return percent(fraction * 100, places)


def p_text(p_value: float) -> str:
    """ "p = 0,023" in the reader's language; "p < 0,001" below that."""
    return f"p < {number(0.001, 3)}" if p_value < 0.001 else f"p = {number(p_value, 3)}"


@dataclass
class PriorityPoint:
    driver: Driver
    importance: float
    low: float
    high: float
    share: float
    share_low: float
    share_high: float
    favourable: float | None  # % of the driver's answers that are 4 or 5
    above_average: float
    act_first: bool = False
    x: str = ""
    y: str = ""
    label_y: str = ""
    bar_top: str = ""
    bar_bottom: str = ""
    title: str = ""

    # The table shows percentages (the stored shares are fractions of R²).
    @property
    def share_percent(self) -> float:
        return self.share * 100

    @property
    def share_low_percent(self) -> float:
        return self.share_low * 100

    @property
    def share_high_percent(self) -> float:
        return self.share_high * 100

    @property
    def above_average_percent(self) -> float:
        return self.above_average * 100


@dataclass
class Tick:
    position: str
    label: str


@dataclass
class OutcomeView:
    outcome: str
    label: str
    respondents: int
    reason: str = ""
    r2: float = 0.0
    r2_low: float = 0.0
    r2_high: float = 0.0
    draws: int = 0
    points: list[PriorityPoint] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    summary: str = ""
    sureness: str = ""
    explained: str = ""
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    right_edge: int = CHART_WIDTH - CHART_RIGHT
    top: int = CHART_TOP
    bottom_edge: int = CHART_HEIGHT - CHART_BOTTOM
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    average_y: str = ""
    middle_x: str = ""
    x_label_y: int = CHART_HEIGHT - 8
    description: str = ""

    named: PriorityPoint | None = None  # the driver the summary names
    across_units: bool = False  # IKM: units, not respondents, are the cases
    protected_units: int = 0

    @property
    def act_first(self) -> list[PriorityPoint]:
        return [point for point in self.points if point.act_first]


@dataclass
class AgreementView:
    icc1: float
    icc2: float
    units: int
    respondents: int
    rwg_units: int
    rwg_median: float | None
    rwg_agreeing: int
    summary: str
    shrunk: list[dict] = field(default_factory=list)


@dataclass
class ImpactView:
    reason: str = ""
    outcomes: list[OutcomeView] = field(default_factory=list)
    agreement: AgreementView | None = None
    agreement_reason: str = ""
    department_id: int | None = None
    headline: str = ""  # what to act on first, for engagement and IKM together (whole organisation)
    headline_sureness: str = ""
    ikm_reason: str = ""  # why there is no driver impact for IKM across units


def _place(view: OutcomeView) -> None:
    """Chart coordinates: x the favourable share (0–100%), y the share of R² (0 to a round 10%
    above the widest interval); the dashed lines mark the average share (1 / drivers) and the
    middle favourable score."""
    points = view.points
    top_share = max([point.share_high for point in points] + [1 / len(points)])
    ceiling = min(100, max(10, int(np.ceil(top_share * 10)) * 10))
    plot_width, plot_height = view.right_edge - view.left, view.bottom_edge - view.top

    def x_of(percent: float) -> float:
        return view.left + percent / 100 * plot_width

    def y_of(share: float) -> float:
        return view.bottom_edge - min(share * 100, ceiling) / ceiling * plot_height

    view.x_ticks = [Tick(coordinate(x_of(value)), str(value)) for value in range(0, 101, 20)]
    step = 10 if ceiling <= 50 else 20
    view.y_ticks = [Tick(coordinate(y_of(value / 100)), str(value)) for value in range(0, ceiling + 1, step)]
    view.average_y = coordinate(y_of(1 / len(points)))
    favourable = [point.favourable for point in points if point.favourable is not None]
    view.middle_x = coordinate(x_of(float(np.median(favourable)))) if favourable else ""
    for point in points:
        point.x = coordinate(x_of(point.favourable or 0.0))
        point.y = coordinate(y_of(point.share))
        point.label_y = coordinate(y_of(point.share) - 8)
        point.bar_top = coordinate(y_of(point.share_high))
        point.bar_bottom = coordinate(y_of(max(point.share_low, 0.0)))


def _room_to_gain(point: PriorityPoint) -> float:
    """What acting on a driver could gain: its share of what the drivers explain times the share
    of its answers that are not yet favourable."""
    return point.share * (100 - (point.favourable or 0)) / 100


def _summaries(view: OutcomeView) -> None:
    """Names the driver to act on first: among those that matter more than average and score
    below the middle (the matrix's top-left corner) the one with the most room to gain; when
    that corner is empty, the driver of above-average importance with the most room to gain."""
    points = view.points
    top = points[0]
    lowest = min(points, key=lambda point: point.favourable or 0)
    corner = view.act_first
    candidates = corner or [point for point in points if point.share >= 1 / len(points)] or [top]
    first = max(candidates, key=_room_to_gain)
    values = {
        "outcome": view.label,
        "driver": first.driver.name,
        "share": _percent(first.share),
        "low": _percent(first.share_low),
        "high": _percent(first.share_high),
        "favourable": _percent((first.favourable or 0) / 100),
    }
    if corner and first is top and first is lowest:
        text = _(
            "Act on %(driver)s first: it matters most for %(outcome)s (%(share)s of what the drivers explain, "
            "95%% interval %(low)s to %(high)s) and it scores lowest (%(favourable)s favourable)."
        )
    elif corner and first is top:
        text = _(
            "Act on %(driver)s first: it matters most for %(outcome)s (%(share)s of what the drivers explain, "
            "95%% interval %(low)s to %(high)s) and it scores below most drivers (%(favourable)s favourable)."
        )
    elif corner:
        text = _(
            "Act on %(driver)s first: it matters more than average for %(outcome)s (%(share)s of what the "
            "drivers explain, 95%% interval %(low)s to %(high)s) and it scores below most drivers "
            "(%(favourable)s favourable)."
        )
    elif first is top:
        text = _(
            "Start with %(driver)s: it matters most for %(outcome)s (%(share)s of what the drivers explain, "
            "95%% interval %(low)s to %(high)s) and, with %(favourable)s favourable, leaves the most room to gain. "
            "No driver both matters more than average and scores below the middle."
        )
    else:
        text = _(
            "Start with %(driver)s: it matters more than average for %(outcome)s (%(share)s of what the drivers "
            "explain, 95%% interval %(low)s to %(high)s) and, with %(favourable)s favourable, leaves the most room "
            "to gain. No driver both matters more than average and scores below the middle."
        )
    view.summary = text % values
    view.named = first
    point = first
    sure = {"driver": point.driver.name, "sure": _percent(point.above_average), "draws": number(view.draws, 0)}
    if view.across_units:
        view.sureness = (
            _("How sure: %(driver)s was of above-average importance in %(sure)s of %(draws)s resamples of the units.")
            % sure
        )
        explained = _(
            "Together the drivers explain %(r2)s of the differences between units in %(outcome)s (95%% interval "
            "%(low)s to %(high)s). This is an association between units within one month, not proof that changing a "
            "driver changes the outcome."
        )
        if view.protected_units:
            explained += " " + ngettext(
                "%(count)s unit's driver scores carry protective noise, which can only blur the association.",
                "%(count)s units' driver scores carry protective noise, which can only blur the association.",
                view.protected_units,
            ) % {"count": view.protected_units}
    else:
        view.sureness = (
            _(
                "How sure: %(driver)s was of above-average importance in %(sure)s of %(draws)s resamples of the "
                "respondents."
            )
            % sure
        )
        explained = _(
            "Together the drivers explain %(r2)s of the differences between respondents in %(outcome)s (95%% "
            "interval %(low)s to %(high)s). This is an association within one round, not proof that changing a "
            "driver changes the outcome."
        )
    view.explained = explained % {
        "r2": _percent(view.r2),
        "low": _percent(view.r2_low),
        "high": _percent(view.r2_high),
        "outcome": view.label,
    }
    view.description = " ".join([view.summary, view.sureness])


def _outcome_view(entry: dict, names: dict[int, Driver]) -> OutcomeView:
    view = OutcomeView(
        outcome=entry["outcome"],
        label=outcome_label(entry["outcome"]),
        respondents=entry["respondents"],
        across_units=entry["outcome"] == OUTCOME_IKM,
        protected_units=entry.get("protected_units", 0),
    )
    if entry.get("reason"):
        view.reason = reason_text(entry["reason"], entry.get("reason_params", {}))
        return view
    view.r2, view.r2_low, view.r2_high, view.draws = entry["r2"], entry["r2_low"], entry["r2_high"], entry["draws"]
    favourable = entry.get("favourable", {})
    view.points = [
        PriorityPoint(
            driver=names[row["driver"]],
            importance=row["importance"],
            low=row["low"],
            high=row["high"],
            share=row["share"],
            share_low=row["share_low"],
            share_high=row["share_high"],
            favourable=favourable.get(str(row["driver"])),
            above_average=row["above_average"],
        )
        for row in entry["drivers"]
        if row["driver"] in names
    ]
    if not view.points:
        view.reason = reason_text("not_computed", {})
        return view
    view.points.sort(key=lambda point: (-point.share, point.favourable or 0))
    scores = [point.favourable for point in view.points if point.favourable is not None]
    middle = float(np.median(scores)) if scores else 0.0
    for point in view.points:
        point.act_first = point.share >= 1 / len(view.points) and (point.favourable or 0) <= middle
        point.title = _(
            "%(driver)s: %(share)s of what the drivers explain (95%% interval %(low)s to %(high)s), "
            "%(favourable)s favourable"
        ) % {
            "driver": point.driver.name,
            "share": _percent(point.share, 1),
            "low": _percent(point.share_low, 1),
            "high": _percent(point.share_high, 1),
            "favourable": _percent((point.favourable or 0) / 100, 1),
        }
    view.left_out = [names[pk].name for pk in entry.get("left_out", []) if pk in names]
    _place(view)
    _summaries(view)
    return view


def _agreement_view(data: dict, breakdown: list[RoundResult]) -> AgreementView:
    icc1, icc2, p_value = data["icc1"], data["icc2"], data["p_value"]
    if p_value < 0.05 and icc1 > 0:
        first = _(
            "People in the same unit answer more alike than people across units: ICC(1) = %(icc1)s, so about "
            "%(share)s of the differences between people lie between units (F test %(p)s)."
        )
    else:
        first = _(
            "There is no reliable evidence that people in the same unit answer more alike than people across "
            "units: ICC(1) = %(icc1)s (F test %(p)s)."
        )
    if icc2 >= 0.7:
        second = _("Unit averages are reliable enough to compare: ICC(2) = %(icc2)s (0.70 or more).")
    else:
        second = _(
            "Unit averages are not reliable enough to compare on their own: ICC(2) = %(icc2)s (below 0.70). "
            "Read them with their margins, or use the shrunk scores below."
        )
    values = {
        "icc1": number(icc1, 2),
        "icc2": number(icc2, 2),
        "share": _percent(max(icc1, 0)),
        "p": p_text(p_value),
    }
    summary = " ".join([first % values, second % values])
    if data.get("rwg_median") is not None:
        summary += " " + _(
            "Within units, agreement r_wg(J) has a median of %(median)s; %(agreeing)s of %(units)s units reach 0.70."
        ) % {
            "median": number(data["rwg_median"], 2),
            "agreeing": data["rwg_agreeing"],
            "units": data["rwg_units"],
        }
    anova = stats.Agreement(
        units=data["units"],
        respondents=data["respondents"],
        ms_between=data["ms_between"],
        ms_within=data["ms_within"],
        k0=data["k0"],
        icc1=icc1,
        icc2=icc2,
        f=data["f"],
        p_value=p_value,
        tau2=data["tau2"],
        grand_mean=data["grand_mean"],
    )
    shrunk = []
    for result in breakdown:
        if result.suppressed or result.score is None:
            continue
        estimate, reliability = stats.shrink(
            result.score, result.responded, anova, extra_variance=result.score_noise_variance or 0.0
        )
        shrunk.append({"result": result, "shrunk": estimate, "reliability": reliability})
    return AgreementView(
        icc1=icc1,
        icc2=icc2,
        units=data["units"],
        respondents=data["respondents"],
        rwg_units=data["rwg_units"],
        rwg_median=data["rwg_median"],
        rwg_agreeing=data["rwg_agreeing"],
        summary=summary,
        shrunk=shrunk,
    )


def _headline(view: ImpactView) -> None:
    """The sentence that names what to act on first for both engagement and IKM: when the driver
    the engagement summary names is also the one that matters most for IKM across units. Left
    empty otherwise (the engagement summary then speaks alone, with IKM's own below it)."""
    engagement = next((o for o in view.outcomes if not o.across_units and o.named is not None), None)
    ikm = next((o for o in view.outcomes if o.across_units and o.points), None)
    if engagement is None or ikm is None:
        return
    first = engagement.named
    top_engagement = engagement.points[0]
    top_ikm = ikm.points[0]
    if not first.act_first or first.driver.pk != top_engagement.driver.pk or first.driver.pk != top_ikm.driver.pk:
        return
    lowest = min(engagement.points, key=lambda point: point.favourable or 0)
    values = {"driver": first.driver.name, "favourable": _percent((first.favourable or 0) / 100)}
    if first is lowest:
        text = _(
            "Act on %(driver)s first: it matters most for both engagement and IKM here, and it scores lowest "
            "(%(favourable)s favourable)."
        )
    else:
        text = _(
            "Act on %(driver)s first: it matters most for both engagement and IKM here, and it scores below most "
            "drivers (%(favourable)s favourable)."
        )
    view.headline = text % values
    view.headline_sureness = _(
        "How sure: it was of above-average importance in %(engagement)s of the resamples of the respondents for "
        "engagement and in %(ikm)s of the resamples of the units for IKM."
    ) % {"engagement": _percent(first.above_average), "ikm": _percent(top_ikm.above_average)}


def impact_view(*, pulse_round: Round, department_id: int | None, breakdown: list[RoundResult] = ()) -> ImpactView:
    """What the pages show of a round's driver impact for one group (None: the whole audience),
    with the agreement within units and the shown children's shrunk scores (three queries)."""
    rows = DriverAnalysis.objects.filter(round=pulse_round).filter(
        models.Q(is_total=True) | models.Q(department_id=department_id)
    )
    analyses, ikm = {}, None
    for row in rows:
        if row.outcome == DriverAnalysis.Outcome.IKM:
            ikm = row
        else:
            analyses[row.department_id if not row.is_total else None] = row
    view = ImpactView(department_id=department_id)
    analysis = analyses.get(department_id)
    total = analyses.get(None)
    if analysis is None:
        view.reason = reason_text("not_computed", {})
    elif analysis.reason:
        view.reason = reason_text(analysis.reason, analysis.reason_params)
    else:
        ids = {row["driver"] for entry in analysis.outcomes for row in entry.get("drivers", [])}
        ids |= {pk for entry in analysis.outcomes for pk in entry.get("left_out", [])}
        names = drivers_by_id(ids)
        view.outcomes = [_outcome_view(entry, names) for entry in analysis.outcomes]
    if department_id is None and ikm is not None:
        if ikm.reason:
            view.ikm_reason = reason_text(ikm.reason, ikm.reason_params)
        else:
            ids = {row["driver"] for entry in ikm.outcomes for row in entry.get("drivers", [])}
            view.outcomes += [_outcome_view(entry, drivers_by_id(ids)) for entry in ikm.outcomes]
        _headline(view)
    if total is not None and total.agreement:
        if total.agreement.get("reason"):
            view.agreement_reason = reason_text(total.agreement["reason"], total.agreement.get("reason_params", {}))
        else:
            view.agreement = _agreement_view(total.agreement, list(breakdown))
    return view


def analyses_payload(analyses) -> list[dict]:
    """The API's view of stored analyses that ran (a group whose analysis did not run is left
    out whole): one entry per group and outcome, with each driver's share, its interval, its
    current favourable score and whether the priority matrix says to act on it first."""
    analyses = [analysis for analysis in analyses if not analysis.reason]
    ids = {row["driver"] for analysis in analyses for entry in analysis.outcomes for row in entry.get("drivers", [])}
    names = drivers_by_id(ids)
    payload = []
    for analysis in analyses:
        for entry in analysis.outcomes:
            view = _outcome_view(entry, names)
            item = {
                "outcome": entry["outcome"],
                "label": view.label,
                "group": {"department": analysis.department_id, "is_total": analysis.is_total},
                "cases": "units" if view.across_units else "respondents",
                "n": entry.get("units", entry["respondents"]),
                "reason": view.reason or None,
                "drivers": [],
            }
            if not view.reason:
                item.update(
                    r2=view.r2,
                    r2_low=view.r2_low,
                    r2_high=view.r2_high,
                    draws=view.draws,
                    summary=view.summary,
                    drivers=[
                        {
                            "driver": point.driver.key,
                            "name": point.driver.name,
                            "importance": point.importance,
                            "importance_low": point.low,
                            "importance_high": point.high,
                            "share": point.share,
                            "share_low": point.share_low,
                            "share_high": point.share_high,
                            "above_average": point.above_average,
                            "favourable": point.favourable,
                            "act_first": point.act_first,
                        }
                        for point in view.points
                    ],
                )
            payload.append(item)
    return payload


def agreement_for_period(period_to) -> tuple[Round | None, ImpactView | None]:
    """Agreement within units in the latest closed round up to `period_to` (a correlation
    report's last month), for the reports that use unit scores."""
    pulse_round = (
        Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True, period__lte=period_to)
        .select_related("survey")
        .order_by("-period", "-closed_at", "-id")
        .first()
    )
    if pulse_round is None:
        return None, None
    return pulse_round, impact_view(pulse_round=pulse_round, department_id=None)
