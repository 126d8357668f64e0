"""The leadership dashboard: its sections (charts with their text alternatives and the data
tables behind them) and the CSV export of every table it shows.

Each section is built from the selectors in a fixed number of queries; the export of a table
builds only its own section.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext as _

from core.formatting import month, number, percent
from insights import selectors
from insights.charts import LineChart, SeriesInput, line_chart, scale_around

IKM_FLOOR, IKM_CEILING = 25, 100  # the IKM's own scale (PermenPANRB 14/2017)


@dataclass
class CsvTable:
    filename: str
    header: list[str]
    rows: list[list] = field(default_factory=list)


# --- Internal satisfaction, eNPS and response rates.


@dataclass
class SatisfactionSection:
    months: list[dt.date]
    trend: list[selectors.MonthlySatisfaction]
    chart: LineChart
    description: str
    enps_chart: LineChart
    enps_description: str


def _from_to(values: list[tuple[dt.date, float]], formatter) -> dict:
    lowest = min(values, key=lambda item: item[1])
    highest = max(values, key=lambda item: item[1])
    return {
        "first_month": month(values[0][0]),
        "first": formatter(values[0][1]),
        "last_month": month(values[-1][0]),
        "last": formatter(values[-1][1]),
        "lowest": formatter(lowest[1]),
        "lowest_month": month(lowest[0]),
        "highest": formatter(highest[1]),
        "highest_month": month(highest[0]),
    }


def _satisfaction_text(trend: list[selectors.MonthlySatisfaction]) -> str:
    scores = [(row.period, row.score) for row in trend if row.score is not None]
    if not scores:
        return _("No results of closed pulse rounds in these months.")
    text = _(
        "Internal satisfaction (0–100) went from %(first)s in %(first_month)s to %(last)s in %(last_month)s; "
        "lowest %(lowest)s (%(lowest_month)s), highest %(highest)s (%(highest_month)s)."
    ) % _from_to(scores, lambda value: number(value, 1))
    rates = [(row.period, row.response_rate) for row in trend if row.response_rate is not None]
    if rates:
        text += " " + _("The response rate went from %(first)s to %(last)s.") % _from_to(
            rates, lambda value: percent(value)
        )
    return text


def _enps_text(trend: list[selectors.MonthlySatisfaction]) -> str:
    values = [(row.period, row.enps) for row in trend if row.enps is not None]
    if not values:
        return _("No eNPS results in these months.")
    return _(
        "eNPS (−100 to 100) went from %(first)s in %(first_month)s to %(last)s in %(last_month)s; "
        "lowest %(lowest)s (%(lowest_month)s), highest %(highest)s (%(highest_month)s)."
    ) % _from_to(values, lambda value: number(value, 0))


def satisfaction_section(today: dt.date) -> SatisfactionSection:
    """One query."""
    period_from, period_to = selectors.dashboard_window(today)
    trend = selectors.satisfaction_trend(period_from=period_from, period_to=period_to)
    months = selectors.months_between(period_from, period_to)
    chart = line_chart(
        months,
        [
            SeriesInput(_("Satisfaction"), {row.period: row.score for row in trend}, "series-0"),
            SeriesInput(_("Response rate"), {row.period: row.response_rate for row in trend}, "series-rate"),
        ],
        low=0,
        high=100,
        step=20,
        places=1,
    )
    enps_chart = line_chart(
        months, [SeriesInput("eNPS", {row.period: row.enps for row in trend}, "series-1")], low=-100, high=100, step=50
    )
    return SatisfactionSection(months, trend, chart, _satisfaction_text(trend), enps_chart, _enps_text(trend))


def satisfaction_csv(today: dt.date) -> CsvTable:
    section = satisfaction_section(today)
    table = CsvTable("satisfaction.csv", ["period", "satisfaction", "enps", "invited", "responded", "response_rate"])
    for row in section.trend:
        rate = None if row.response_rate is None else round(row.response_rate, 1)
        table.rows.append(
            [f"{row.period:%Y-%m}", _round(row.score, 2), _round(row.enps, 1), row.invited, row.responded, rate]
        )
    return table


def _round(value: float | None, places: int) -> float | None:
    return None if value is None else round(value, places)


# --- Departments × drivers.


def heatmap_csv() -> CsvTable:
    heatmap = selectors.latest_heatmap()
    drivers = heatmap.drivers if heatmap else []
    table = CsvTable(
        "heatmap.csv",
        [
            "round",
            "department_code",
            "department",
            "invited",
            "responded",
            "suppressed",
            "suppression_reason",
            "score",
            "enps",
            *(f"driver:{driver.key}" for driver in drivers),
            # A protected result's figures carry stored noise; the margins are their 95% half-widths.
            "protected",
            "score_margin",
            "enps_margin",
            *(f"driver_margin:{driver.key}" for driver in drivers),
            "note",
        ],
    )
    for row in heatmap.rows if heatmap else []:
        result = row.result
        table.rows.append(
            [
                f"{heatmap.pulse_round.survey.title} #{heatmap.pulse_round.number}",
                row.code,
                row.name or _("Whole audience"),
                result.invited,
                result.responded,
                "yes" if result.suppressed else "no",
                result.reason,
                None if result.suppressed else _round(result.score, 2),
                None if result.suppressed else _round(result.enps, 1),
                *(None if result.suppressed else _round(cell["score"], 2) for cell in row.cells),
                "yes" if result.protected else "no",
                result.score_margin,
                result.enps_margin,
                *(cell["margin"] if result.protected else None for cell in row.cells),
                result.protection_note,
            ]
        )
    return table


# --- External quality per unit.


# Beyond this many service units, the chart and its table show the spread of the units' IKM
# (the lowest quarter, the median, the highest quarter) instead of a line per unit, and the
# cards show the units with the lowest IKM first: a thousand lines or cards tell a reader
# nothing (and made the page 0.9 MB). The CSV files keep every unit.
UNIT_LINES = 8
UNIT_CARDS = 12


@dataclass
class QualitySection:
    cards: list[dict]  # the ones shown
    cards_total: int  # every service unit's
    cards_measured: int  # those with an IKM
    months: list[dt.date]
    units: list[dict]  # every unit with a value: {department, values: {period: float}, cells}
    lines: list[dict]  # what the chart and its table show: {label, values, cells}
    chart: LineChart
    description: str

    @property
    def spread(self) -> bool:
        return len(self.units) > UNIT_LINES


def _quality_text(cards: list[dict], *, spread: bool) -> str:
    measured = [card for card in cards if card["result"] is not None]
    if not measured:
        return _("No SKM results yet.")
    best = max(measured, key=lambda card: card["result"].ikm)
    worst = min(measured, key=lambda card: card["result"].ikm)
    if len(measured) == 1:
        text = _(
            "IKM (25–100) of one service unit per month. "
            "Latest result: %(best)s with %(best_ikm)s (grade %(best_grade)s)."
        )
    elif spread:
        text = _(
            "IKM (25–100) of %(count)s service units per month: the median unit, and the units at the edge of "
            "the lowest and of the highest quarter. Latest results: highest %(best)s with %(best_ikm)s "
            "(grade %(best_grade)s), lowest %(worst)s with %(worst_ikm)s (grade %(worst_grade)s)."
        )
    else:
        text = _(
            "IKM (25–100) of %(count)s service units per month. Latest results: highest %(best)s with %(best_ikm)s "
            "(grade %(best_grade)s), lowest %(worst)s with %(worst_ikm)s (grade %(worst_grade)s)."
        )
    return text % {
        "count": number(len(measured), 0),
        "best": best["department"].name,
        "best_ikm": number(best["result"].ikm, 2),
        "best_grade": best["result"].grade.letter,
        "worst": worst["department"].name,
        "worst_ikm": number(worst["result"].ikm, 2),
        "worst_grade": worst["result"].grade.letter,
    }


def _spread_lines(units: list[dict], months: list[dt.date]) -> list[dict]:
    """The 25th, 50th and 75th percentiles of the units' IKM in each month (numpy's linear
    interpolation), over the units with a score that month."""
    labels = (
        _("Lowest quarter's edge (25th percentile)"),
        _("Median unit"),
        _("Highest quarter's edge (75th percentile)"),
    )
    lines = [{"label": label, "values": {}} for label in labels]
    for period in months:
        values = [unit["values"][period] for unit in units if period in unit["values"]]
        if values:
            for line, value in zip(lines, np.percentile(values, [25, 50, 75]).tolist(), strict=True):
                line["values"][period] = value
    for line in lines:
        line["cells"] = [line["values"].get(period) for period in months]
    return lines


def _cards_shown(cards: list[dict]) -> list[dict]:
    """Every unit's card, or beyond `UNIT_CARDS` units those with the lowest latest IKM (none
    where no unit has one)."""
    if len(cards) <= UNIT_CARDS:
        return cards
    measured = sorted(
        (card for card in cards if card["result"] is not None),
        key=lambda card: (card["result"].ikm, card["department"].name),
    )
    return measured[:UNIT_CARDS]


def quality_section(today: dt.date) -> QualitySection:
    """Four queries: the units, their latest periods, their scores, and the series."""
    period_from, period_to = selectors.dashboard_window(today)
    cards = selectors.ikm_cards()
    series = selectors.ikm_series(period_from=period_from, period_to=period_to)
    months = selectors.months_between(period_from, period_to)
    values: dict[int, dict[dt.date, float]] = {}
    for row in series:
        values.setdefault(row["department_id"], {})[row["period"]] = row["value"]
    units = [
        {
            "department": card["department"],
            "label": card["department"].name,
            "values": values.get(card["department"].pk, {}),
            "cells": [values.get(card["department"].pk, {}).get(period) for period in months],
        }
        for card in cards
        if card["department"].pk in values
    ]
    spread = len(units) > UNIT_LINES
    lines = _spread_lines(units, months) if spread else units
    low, high = scale_around(
        [value for line in lines for value in line["values"].values()], floor=IKM_FLOOR, ceiling=IKM_CEILING
    )
    chart = line_chart(
        months,
        [SeriesInput(line["label"], line["values"]) for line in lines],
        low=low,
        high=high,
        step=10 if high - low > 20 else 5,
        places=2,
    )
    measured = sum(1 for card in cards if card["result"] is not None)
    return QualitySection(
        _cards_shown(cards), len(cards), measured, months, units, lines, chart, _quality_text(cards, spread=spread)
    )


def ikm_csv() -> CsvTable:
    table = CsvTable("ikm.csv", ["department_code", "department", "period", "ikm", "grade", "respondents"])
    for card in selectors.ikm_cards():
        result = card["result"]
        table.rows.append(
            [
                card["department"].code,
                card["department"].name,
                f"{result.period:%Y-%m}" if result else None,
                result.ikm if result else None,
                result.grade.letter if result else None,
                result.respondents if result else None,
            ]
        )
    return table


def ikm_trend_csv(today: dt.date) -> CsvTable:
    section = quality_section(today)
    table = CsvTable("ikm-trend.csv", ["department_code", "department", "period", "ikm"])
    for unit in section.units:
        for period, value in sorted(unit["values"].items()):
            table.rows.append([unit["department"].code, unit["department"].name, f"{period:%Y-%m}", round(value, 2)])
    return table


CSV_TABLES = {
    "satisfaction": lambda today: satisfaction_csv(today),
    "heatmap": lambda today: heatmap_csv(),
    "ikm": lambda today: ikm_csv(),
    "ikm-trend": lambda today: ikm_trend_csv(today),
}
