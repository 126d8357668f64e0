"""What a correlation report reads, through the other apps' agreed selectors.

Every series is a list of plain dicts computed by a GROUP BY in the owning app (per department
and month, from materialised results), so a report's cost grows with units × periods, never
with the number of answers.
"""

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Exists, OuterRef, QuerySet

from config.replica import heavy_reads, read_at_once
from core.columns import month_of
from employees.models import Department
from employees.selectors import headcount_by_department
from improvement import selectors as improvement
from leave import selectors as leave
from pulse_surveys import selectors as pulse_surveys
from rewards import selectors as rewards
from service_quality import selectors as service_quality


@dataclass
class Inputs:
    """The monthly rows a report reads, and notes about them (`protected:…`)."""

    # columns (`internal_columns`); rows as dicts are read as the same columns
    internal: "dict[str, np.ndarray] | list[dict]" = field(default_factory=list)
    internal_imports: list[dict] = field(default_factory=list)
    # columns of the report's source (`external_columns`); rows as dicts are read as the same
    external: "dict[str, np.ndarray] | list[dict]" = field(default_factory=list)
    bonus: list[dict] = field(default_factory=list)
    recognitions: list[dict] = field(default_factory=list)
    leave_days: "dict[str, np.ndarray] | list[dict]" = field(default_factory=list)  # columns, or rows
    actions_completed: list[dict] = field(default_factory=list)
    training_hours: list[dict] = field(default_factory=list)
    headcount: dict[int, int] = field(default_factory=dict)  # today's
    # per month, as rounds recorded it (columns, or rows)
    headcount_history: "dict[str, np.ndarray] | list[dict]" = field(default_factory=list)
    drivers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def latest_period(self, *, until: dt.date | None = None) -> dt.date | None:
        """The latest month any row holds, not after `until` (the report's last month): rows a
        selector returns beyond the report's range are no data the report rests on."""
        periods = []
        for rows in (
            self.internal_imports,
            self.bonus,
            self.recognitions,
            self.leave_days,
            self.actions_completed,
            self.training_hours,
            self.external,
            internal_columns(self.internal),
        ):
            if isinstance(rows, dict):  # columns
                periods += [month_of(number) for number in np.unique(rows["month"]).tolist()]
            else:
                periods += [row["period"] for row in rows]
        return max((period for period in periods if until is None or period <= until), default=None)


def month_number_of(day: dt.date) -> int:
    """year × 12 + month − 1 of a date, as `core.columns.month_numbers` gives it."""
    return day.year * 12 + day.month - 1


def _as_columns(rows: list[dict], fields: dict[str, tuple]) -> dict[str, np.ndarray]:
    """Monthly rows as {field: array}: `department_id`, `month` (year × 12 + month − 1 of the
    row's `period`), and each of `fields` read by its function into its dtype."""
    fields = {
        "department_id": (lambda row: row["department_id"], np.int64),
        "month": (lambda row: month_number_of(row["period"]), np.int64),
        **fields,
    }
    return {
        name: np.fromiter(map(read, rows), dtype=dtype, count=len(rows))
        if dtype is not object
        else np.asarray([read(row) for row in rows] or np.empty(0), dtype=object)
        for name, (read, dtype) in fields.items()
    }


def internal_columns(rows: "list[dict] | dict[str, np.ndarray]") -> dict[str, np.ndarray]:
    """Internal satisfaction as columns, as `pulse_surveys.selectors.internal_satisfaction_columns`
    gives them; rows as dicts (imported scores, tests) are turned into the same columns, a
    missing respondent count as 0, a missing reliability as NaN."""
    if isinstance(rows, dict):
        return rows
    return _as_columns(
        rows,
        {
            "metric": (lambda row: row["metric"], object),
            "value": (lambda row: row["value"], float),
            "respondents": (lambda row: row.get("respondents") or 0, np.int64),
            "protected": (lambda row: row.get("protected") or 0, np.int64),
            "noise_variance": (lambda row: row.get("noise_variance") or 0.0, float),
            "reliability": (lambda row: np.nan if row.get("reliability") is None else row["reliability"], float),
        },
    )


def external_columns(rows: "list[dict] | dict[str, np.ndarray]", *, source: str) -> dict[str, np.ndarray]:
    """External scores of `source` as columns, as `service_quality.selectors.external_score_columns`
    gives them; rows as dicts (tests) are filtered to `source` and turned into the same columns."""
    if isinstance(rows, dict):
        return rows
    return _as_columns(
        [row for row in rows if row["source"] == source],
        {
            "dimension": (lambda row: row["dimension"], object),
            "value": (lambda row: row["value"], float),
            "people": (lambda row: row.get("respondents") or 0, np.int64),
        },
    )


def monthly_columns(rows: "list[dict] | dict[str, np.ndarray]", field: str) -> dict[str, np.ndarray]:
    """Monthly amounts (`department_id`, `month` as year × 12 + month − 1, and `field` as float)
    as columns; rows as dicts with a `period` date are turned into the same columns."""
    if isinstance(rows, dict):
        return rows
    return _as_columns(
        rows,
        {
            field: (lambda row: float(row[field]), float),
        },
    )


def _units() -> QuerySet:
    # NOT EXISTS, which PostgreSQL plans as an anti-join and estimates well (a LEFT JOIN … IS
    # NULL was estimated at one row, and the reads that used it went to nested loops)
    return Department.objects.filter(~Exists(Department.objects.filter(parent=OuterRef("pk")))).values("id")


def unit_ids() -> list[int]:
    """The departments a report compares: those without sub-departments. A parent's pulse
    result covers its whole subtree, so it would count its children's people twice and set
    subtree satisfaction against the levers of its own few members."""
    return list(_units().order_by("id").values_list("id", flat=True))


@heavy_reads()
def read(*, period_from: dt.date, period_to: dt.date, external_source: str, shrink: bool = False) -> Inputs:
    """Every input of a report for the months `period_from`..`period_to` (inclusive), for
    the units that `unit_ids` names; with `shrink`, pulse scores as empirical-Bayes estimates."""

    def span() -> dict:  # a queryset of its own for each read: they may run in several threads
        # the units as a subquery: at 50,000 people a thousand ids would be sent with every query
        return {"period_from": period_from, "period_to": period_to, "department_ids": _units()}

    reads = {  # the slowest first (`read_at_once` hands out the calls in this order)
        "leave_days": lambda: leave.leave_days_taken_columns(**span()),
        "internal": lambda: pulse_surveys.internal_satisfaction_columns(**span(), shrink=shrink),
        "external": lambda: service_quality.external_score_columns(source=external_source, **span()),
        "recognitions": lambda: list(rewards.recognition_count_series(**span())),
        "headcount_history": lambda: pulse_surveys.headcount_columns(**span()),
        "bonus": lambda: list(rewards.bonus_amount_series(**span())),
        "internal_imports": lambda: list(service_quality.internal_import_series(**span())),
        "headcount": headcount_by_department,
        "actions_completed": lambda: list(improvement.actions_completed_series(**span())),
        "training_hours": lambda: list(improvement.training_hours_series(**span())),
        "drivers": lambda: sorted(pulse_surveys.driver_keys()),
        "units": unit_ids,
    }
    values = dict(zip(reads, read_at_once(list(reads.values())), strict=True))
    units = set(values.pop("units"))
    values["headcount"] = {unit: people for unit, people in values["headcount"].items() if unit in units}
    inputs = Inputs(**values)
    _note_protected(inputs)
    if shrink:
        _note_shrunk(inputs)
    return inputs


def _note_protected(inputs: Inputs) -> None:
    """Notes how many unit-months' overall pulse scores carry protective noise, and the factor
    by which that noise shrinks their correlations: the square root of the share of their
    spread that is not noise (the classic attenuation of a correlation by measurement error)."""
    internal = internal_columns(inputs.internal)
    overall = internal["metric"] == "overall"
    protected = int(np.count_nonzero(internal["protected"][overall]))
    if not protected:
        return
    values = internal["value"][overall]
    spread = float(np.var(values)) if values.size > 1 else 0.0
    noise = float(np.mean(internal["noise_variance"][overall]))
    attenuation = float(np.sqrt(max(0.0, 1 - noise / spread))) if spread else 0.0
    inputs.notes.append(f"protected:{protected}:{values.size}:{attenuation:.2f}")


def _note_shrunk(inputs: Inputs) -> None:
    """Notes how many unit-months' overall pulse scores were shrunk, of how many, and the median
    reliability λ (the share of a unit's distance from the organisation that is kept)."""
    internal = internal_columns(inputs.internal)
    overall = internal["reliability"][internal["metric"] == "overall"]
    shrunk = overall[np.isfinite(overall)]
    median = float(np.median(shrunk)) if shrunk.size else 0.0
    inputs.notes.append(f"shrunk:{shrunk.size}:{overall.size}:{median:.2f}")


def external_sources_and_dimensions() -> list[tuple[str, str]]:
    """The (source, dimension) pairs that hold external scores."""
    return sorted(service_quality.external_sources_and_dimensions())


def lower_is_better_metrics() -> set[str]:
    """The external series (`external:<source>:<dimension>`) whose measure is lower-is-better."""
    return {f"external:{source}:{dimension}" for source, dimension in service_quality.lower_is_better_measures()}


def external_higher_is_better(*, source: str, dimension: str) -> bool | None:
    """Whether the measure's higher scores are better (None: a source's measures disagree)."""
    return service_quality.higher_is_better(source=source, dimension=dimension)
