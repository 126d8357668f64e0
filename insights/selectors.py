"""Reads for the insight pages. Each section of the dashboard is read in a fixed number of
queries, whatever the number of departments, units or months; the apps' own selectors are used
where they answer the question, and nothing here reads an individual pulse response."""

import datetime as dt
from dataclasses import dataclass, field

from core.charts import SCORE_HEAT_BANDS, heat_band
from core.periods import Period
from correlation import interpretation
from correlation.selectors import latest_succeeded_report
from employees.models import Role
from employees.permissions import has_role
from pulse_surveys import impact as pulse_impact
from pulse_surveys import selectors as pulse
from service_quality import collection_selectors
from service_quality import selectors as service_quality
from service_quality.dimensions import IKM_DIMENSION
from service_quality.models import Source

READERS = frozenset({Role.LEADERSHIP, Role.HR})
MONTHS_SHOWN = 12


def can_read_insights(user) -> bool:
    return has_role(user, READERS)


def dashboard_window(today: dt.date, months: int = MONTHS_SHOWN) -> tuple[dt.date, dt.date]:
    """The first and last month the dashboard's trends cover: the `months` months up to this one."""
    last = Period.of(today)
    return last.shift(1 - months).first_day, last.first_day


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current, end = [], Period.of(first), Period.of(last)
    while current <= end:
        months.append(current.first_day)
        current = current.shift(1)
    return months


# --- Internal satisfaction over time.


@dataclass(frozen=True)
class MonthlySatisfaction:
    period: dt.date
    score: float | None
    enps: float | None
    invited: int
    responded: int

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.invited * 100 if self.invited else None


def satisfaction_trend(*, period_from: dt.date, period_to: dt.date) -> list[MonthlySatisfaction]:
    """The whole audience's satisfaction (0–100), eNPS (−100..100) and response rate per month,
    oldest first, from the materialised results of closed rounds. A suppressed result is left
    out entirely; rounds closing in the same month are pooled, weighted by their respondents.
    One query (GROUP BY month)."""
    rows = pulse.whole_audience_monthly_sums(period_from=period_from, period_to=period_to)
    return [
        MonthlySatisfaction(
            period=row["month"],
            score=row["score_sum"] / row["score_weight"] if row["score_weight"] else None,
            enps=row["enps_sum"] / row["enps_weight"] if row["enps_weight"] else None,
            invited=row["invited_total"] or 0,
            responded=row["responded_total"] or 0,
        )
        for row in rows
    ]


# --- Departments × drivers in the latest closed round.


@dataclass
class HeatmapRow:
    result: object  # a department's shown or suppressed result (pulse_surveys.selectors)
    depth: int
    cells: list[dict]

    @property
    def name(self) -> str | None:
        return self.result.department.name if self.result.department_id else None

    @property
    def overall_css(self) -> str:
        return heat_class(self.result.score)

    @property
    def code(self) -> str:
        return self.result.department.code if self.result.department_id else ""


@dataclass
class Heatmap:
    pulse_round: object
    drivers: list
    rows: list[HeatmapRow] = field(default_factory=list)
    departments: int = 0  # with a result in the round; `rows` may show the first levels only
    levels: int | None = None  # how many levels of the tree the rows show, when not all

    @property
    def departments_shown(self) -> int:
        return sum(1 for row in self.rows if row.result.department_id)


def heat_class(score: float | None) -> str:
    band = heat_band(score, SCORE_HEAT_BANDS)
    return "heat-none" if band is None else f"heat-{band}"


def latest_heatmap(*, max_rows: int | None = None) -> Heatmap | None:
    """The latest closed round's results, department by department, with a cell per driver
    asked in that round (four queries: the round, the drivers, the results, their driver
    scores). Suppressed results carry no score and keep their reason. With `max_rows` (a fifth
    query: the departments' places in the tree), the departments of as many levels of the tree
    as fit in that many rows, at least the top one."""
    pulse_round = pulse.latest_closed_round()
    if pulse_round is None:
        return None
    shown, levels, departments = None, None, None
    if max_rows is not None:
        paths = pulse.round_result_paths(pulse_round)
        shown, levels = pulse.departments_that_fit(paths, max_rows)
        departments = len(paths)
    drivers = list(pulse.driver_list())
    results = pulse.round_results_all(pulse_round, departments=None if levels is None else shown)
    asked = {score.driver_id for result in results for score in result.driver_scores.all()}
    drivers = [driver for driver in drivers if driver.pk in asked]
    rows = []
    for result in results:
        scores = {score.driver_id: (score.score, score.margin) for score in result.driver_scores.all()}
        cells = [
            {
                "driver": driver,
                "score": scores.get(driver.pk, (None, None))[0],
                "margin": scores.get(driver.pk, (None, None))[1],
                "css": heat_class(scores.get(driver.pk, (None, None))[0]),
            }
            for driver in drivers
        ]
        depth = result.department.depth if result.department_id else 0
        rows.append(HeatmapRow(result=result, depth=depth, cells=cells))
    if departments is None:
        departments = sum(1 for result in results if result.department_id)
    return Heatmap(pulse_round=pulse_round, drivers=drivers, rows=rows, departments=departments, levels=levels)


# --- External quality per unit.


def ikm_cards() -> list[dict]:
    """Every service unit with its latest IKM and grade (three queries)."""
    return service_quality.ikm_overview()


def ikm_series(*, period_from: dt.date, period_to: dt.date) -> list[dict]:
    """Every unit's IKM per month in the window (one query)."""
    return service_quality.external_score_series(
        period_from=period_from, period_to=period_to, source=Source.SKM, dimension=IKM_DIMENSION
    )


# --- The latest correlation report.


@dataclass
class ReportDigest:
    report: object
    summary: list[str]
    external_label: str


def latest_report_digest() -> ReportDigest | None:
    """The newest finished (preferably standard) report and its plain-language summary (two
    queries)."""
    report = latest_succeeded_report()
    if report is None:
        return None
    summary = interpretation.summarise(report, list(report.results.all()))
    return ReportDigest(report=report, summary=summary, external_label=interpretation.headline_label(report))


# --- Where to act first.


def latest_driver_impact() -> "pulse_impact.ImpactView | None":
    """The whole audience's driver impact in the latest closed round, as stored when it closed
    (three queries; a round closed before driver impact existed says so until the nightly job
    has computed it)."""
    pulse_round = pulse.latest_closed_round()
    if pulse_round is None:
        return None
    return pulse_impact.impact_view(pulse_round=pulse_round, department_id=None)


@dataclass
class CommentThemes:
    """What people write about most: staff in the latest closed round's comments (when that
    round's whole-audience result is shown), customers in the last year's SKM suggestions."""

    staff: object = None  # feedback.analysis.CommentSummary or None
    customers: object = None


def comment_themes(today: dt.date) -> CommentThemes:
    themes = CommentThemes()
    latest = pulse.latest_closed_round()
    if latest is not None:
        result = pulse.round_total_result(latest)
        if result is not None:
            themes.staff = pulse.result_comment_summary(result)
    since = dt.datetime.combine(today - dt.timedelta(days=365), dt.time.min, tzinfo=dt.UTC)
    themes.customers = collection_selectors.recent_suggestion_summary(since=since)
    return themes
