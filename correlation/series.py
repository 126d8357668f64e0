"""From the monthly input rows to one value per unit, period and metric at the report's
granularity.

- Satisfaction and external scores: the respondent-weighted mean of the months in the period
  (a month without a respondent count weighs 1).
- Internal satisfaction: pulse results; historical imports fill the unit-months that have no
  pulse result (a pulse result wins where both exist).
- Levers: the period's total over the period's headcount. A period's headcount is the mean of
  its months' audiences as pulse rounds recorded them when they opened; a period without a round
  keeps the unit's last recorded headcount before it (before its first record, that first one),
  and a unit never surveyed takes today's headcount. How many unit-periods rest on each is kept (`headcount_basis`). A
  unit with no bonus, recognition or leave in a period counts 0, from the first month in which
  the organisation recorded any of that lever (before it, the lever was not in use).

The result is plain JSON (stored on the report between the job's steps), with every metric as
a dense units × periods matrix of float64 in base64 (NaN where a unit has no value), so that
storing, hashing and reading it back costs a copy of bytes rather than a float per cell:
`{"periods": ["YYYY-MM", ...], "units": [department_id, ...], "grid": {name: matrix},
"respondents": matrix, "headcount": {"department_id": people}, "headcount_basis":
{"recorded": n, "carried": n, "today": n}, "imported": [[department_id, "YYYY-MM"], ...]}` with
names `internal:overall`, `internal:driver:<key>`, `external:<source>:<dimension>` and
`lever:<name>`; `units` are those with a value of some metric. `headcount` is each unit's
median headcount over the report's periods; `respondents` are the pulse respondents behind each
unit-period's internal satisfaction (imported scores count theirs, or 1). `readable` spells the
matrices out as `[[department_id, "YYYY-MM", value], ...]` for people.
"""

import base64
import datetime as dt

import numpy as np

from core.columns import month_of
from core.periods import Period
from correlation.inputs import Inputs, external_columns, internal_columns, month_number_of, monthly_columns
from correlation.models import Granularity

INTERNAL_OVERALL = "internal:overall"
LEVERS = (
    "lever:bonus_per_head",
    "lever:recognitions_per_head",
    "lever:leave_days_per_head",
    # Improvement actions are counted per head too, so that a large unit's many actions do not
    # outweigh a small unit's few.
    "lever:actions_completed_per_head",
    "lever:training_hours_per_head",
)


def headline_external_metric(source: str, dimension: str) -> str:
    """The external series a report's headline compares with: the chosen dimension; without
    one, the IKM for SKM and the mean over all dimensions for any other source."""
    if dimension:
        return f"external:{source}:{dimension}"
    return "external:skm:ikm" if source == "skm" else f"external:{source}:all"


class Grid:
    """The cells of one metric over units × buckets: `values[i, j]` holds unit `units[i]` in
    bucket j where `present[i, j]`."""

    def __init__(self, units: np.ndarray, values: np.ndarray, present: np.ndarray):
        self.units, self.values, self.present = units, values, present

    def dense(self, units: np.ndarray) -> np.ndarray:
        """The cells over `units` (sorted; a superset of the grid's units with a present cell),
        NaN where absent."""
        matrix = np.full((units.size, self.values.shape[1]), np.nan)
        rows = np.searchsorted(units, self.units)
        inside = rows < units.size
        inside[inside] = units[rows[inside]] == self.units[inside]
        matrix[rows[inside]] = np.where(self.present[inside], self.values[inside], np.nan)
        return matrix

    def rows(self, periods: list[str]) -> list[list]:
        """[[department_id, "YYYY-MM", value], ...] of the present cells, by unit, then period."""
        rows, cols = np.nonzero(self.present)
        return [
            [unit, periods[col], value]
            for unit, col, value in zip(
                self.units[rows].tolist(), cols.tolist(), self.values[rows, cols].tolist(), strict=True
            )
        ]


def _codes(labels: list[str]) -> tuple[list[str], np.ndarray]:
    """(the distinct labels in order, each label's position among them)."""
    names = sorted(set(labels))
    code = {name: index for index, name in enumerate(names)}
    return names, np.fromiter(map(code.__getitem__, labels), dtype=np.intp, count=len(labels))


def weighted_means(
    metrics: list[str],
    departments: list[int],
    months: list[dt.date],
    values: np.ndarray,
    weights: np.ndarray,
    *,
    granularity: Granularity,
    buckets: list[dt.date],
) -> dict[str, Grid]:
    """Columns of monthly rows → {metric: Grid of sum(value × weight) / sum(weight) per unit and
    bucket}."""
    if not metrics:
        return {}
    names, metric_index = _codes(metrics)
    numbers = np.fromiter(map(month_number_of, months), dtype=np.int64, count=len(months))
    bucket_index = _month_buckets(numbers, granularity, buckets)
    return _coded_means(
        names, metric_index, np.asarray(departments, dtype=np.int64), bucket_index, values, weights, len(buckets)
    )


def _coded_means(
    names: list[str],
    metric_index: np.ndarray,
    departments: np.ndarray,
    bucket_index: np.ndarray,
    values: np.ndarray,
    weights: np.ndarray,
    bucket_count: int,
) -> dict[str, Grid]:
    """`weighted_means` over metrics given as positions in `names` and months as bucket
    positions. `np.add.at` adds in row order, as a running sum over the rows would."""
    units, unit_index = np.unique(departments, return_inverse=True)
    shape = (len(names), len(units), bucket_count)
    cell = (metric_index, unit_index.reshape(-1), bucket_index)
    totals, weight_sums, present = np.zeros(shape), np.zeros(shape), np.zeros(shape, dtype=bool)
    np.add.at(totals, cell, values * weights)
    np.add.at(weight_sums, cell, weights)
    present[cell] = True
    with np.errstate(invalid="ignore", divide="ignore"):
        means = totals / weight_sums
    return {name: Grid(units, means[m], present[m]) for m, name in enumerate(names)}


def _month_buckets(months: np.ndarray, granularity: Granularity, buckets: list[dt.date]) -> np.ndarray:
    """The position in `buckets` of each month number's bucket."""
    position = {bucket: j for j, bucket in enumerate(buckets)}
    distinct, inverse = np.unique(months, return_inverse=True)
    of_distinct = [position[granularity.bucket(month_of(number))] for number in distinct.tolist()]
    return np.asarray(of_distinct, dtype=np.intp)[inverse.reshape(-1)]


def _respondents(units: np.ndarray, bucket_index: np.ndarray, weights: np.ndarray, bucket_count: int) -> Grid:
    """The weights behind each unit-bucket's mean."""
    labels, unit_index = np.unique(units, return_inverse=True)
    totals = np.zeros((len(labels), bucket_count))
    np.add.at(totals, (unit_index.reshape(-1), bucket_index), weights)
    return Grid(labels, totals, totals > 0)


class Headcount:
    """People per unit and bucket (`people[i, j]` for unit `units[i]`), and how many unit-buckets
    rest on a recorded audience, on a recorded headcount carried over, or on today's headcount."""

    def __init__(self, units: np.ndarray, people: np.ndarray, basis: dict[str, int]):
        self.units, self.people, self.basis = units, people, basis

    def medians(self) -> dict[int, int]:
        return {unit: round(float(np.median(row))) for unit, row in zip(self.units.tolist(), self.people, strict=True)}


def headcount(
    history: list[dict] | dict[str, np.ndarray],
    today: dict[int, int],
    *,
    granularity: Granularity,
    buckets: list[dt.date],
) -> Headcount:
    """Each unit's headcount per bucket: the mean of the bucket's recorded months (`history`:
    {"department_id", "period", "people"} rows, or columns with `month` numbers); a bucket
    without one keeps the unit's last recorded headcount before it (before the first record,
    that first one), as a headcount stays until a round records another; a unit with no record
    at all takes `today`'s headcount.
    Units with nobody in any of them are left out."""
    history = monthly_columns(history, "people")
    departments, counted = history["department_id"], history["people"].astype(float)
    bucket_index = _month_buckets(history["month"], granularity, buckets)
    recorded = None
    if counted.size:
        one = np.zeros(counted.size, dtype=np.intp)
        recorded = _coded_means(
            ["people"], one, departments, bucket_index, counted, np.ones(counted.size), len(buckets)
        )
        recorded = recorded["people"]
    units = sorted({unit for unit, people in today.items() if people > 0} | set(departments.tolist()))
    people = np.full((len(units), len(buckets)), np.nan)
    if recorded is not None:
        rows = np.searchsorted(np.asarray(units, dtype=np.int64), recorded.units)
        people[rows] = np.where(recorded.present, recorded.values, np.nan)
    known = ~np.isnan(people)
    basis = {"recorded": int(known.sum()), "carried": 0, "today": 0}
    for i, unit in enumerate(units):
        row = people[i]
        if known[i].any():
            columns = np.flatnonzero(known[i])
            earlier = np.maximum.accumulate(np.where(known[i], np.arange(len(buckets)), -1))
            carried_from = np.where(earlier >= 0, earlier, columns[0])
            people[i] = row[carried_from]
            basis["carried"] += int((~known[i]).sum())
        else:
            people[i] = today.get(unit, 0)
            basis["today"] += len(buckets)
    keep = (people > 0).any(axis=1) if len(buckets) else np.zeros(len(units), dtype=bool)
    return Headcount(np.asarray(units, dtype=np.int64)[keep], people[keep], basis)


def per_head(
    rows: list[dict] | dict[str, np.ndarray],
    field: str,
    heads: Headcount,
    *,
    granularity: Granularity,
    buckets: list[dt.date],
) -> Grid | None:
    """The total of `field` per unit and bucket over that bucket's headcount; 0 where nothing
    was recorded, from the first bucket holding any row (None without rows). `rows` may also be
    columns (`department_id`, `month` as year × 12 + month − 1, and `field`)."""
    rows = monthly_columns(rows, field)
    departments, amounts = rows["department_id"], rows[field].astype(float)
    bucket_index = _month_buckets(rows["month"], granularity, buckets)
    if not amounts.size:
        return None
    units = heads.units
    unit_index = np.searchsorted(units, departments)
    counted = unit_index < len(units)
    counted[counted] = units[unit_index[counted]] == departments[counted]
    totals = np.zeros((len(units), len(buckets)))
    np.add.at(totals, (unit_index[counted], bucket_index[counted]), amounts[counted])
    present = np.zeros(totals.shape, dtype=bool)
    present[:, bucket_index.min() :] = True
    present &= heads.people > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        return Grid(units, totals / heads.people, present)


def aggregate(
    inputs: Inputs,
    *,
    granularity: Granularity,
    period_from: dt.date,
    period_to: dt.date,
    external_source: str,
    external_dimension: str,
) -> dict:
    buckets = granularity.buckets(period_from, period_to)
    grid = {"granularity": granularity, "buckets": buckets}

    pulse = internal_columns(inputs.internal)
    names, codes = _codes(pulse["metric"].tolist())
    kept = [index for index, name in enumerate(names) if name == "overall" or name.startswith("driver:")]
    keep = np.isin(codes, kept)
    is_overall = codes == (names.index("overall") if "overall" in names else -1)
    covered = set(zip(pulse["department_id"][is_overall].tolist(), pulse["month"][is_overall].tolist(), strict=True))
    imports = [
        row for row in inputs.internal_imports if (row["department_id"], month_number_of(row["period"])) not in covered
    ]
    # pulse results first, then the imports that fill the gaps
    internal_rows = {
        name: np.concatenate([pulse[name][keep], column])
        for name, column in internal_columns(imports).items()
        if name in ("department_id", "month", "metric", "value", "respondents")
    }
    names, codes = _codes(internal_rows["metric"].tolist())
    bucket_index = _month_buckets(internal_rows["month"], granularity, buckets)
    weights = np.where(internal_rows["respondents"] > 0, internal_rows["respondents"], 1).astype(float)
    internal = _coded_means(
        [f"internal:{name}" for name in names],
        codes,
        internal_rows["department_id"],
        bucket_index,
        internal_rows["value"],
        weights,
        len(buckets),
    )
    overall = internal_rows["metric"] == "overall"
    respondents = _respondents(
        internal_rows["department_id"][overall], bucket_index[overall], weights[overall], len(buckets)
    )

    scores = external_columns(inputs.external, source=external_source)
    names, codes = _codes(scores["dimension"].tolist())
    bucket_index = _month_buckets(scores["month"], granularity, buckets)
    weights = np.where(scores["people"] > 0, scores["people"], 1).astype(float)
    cells = (scores["department_id"], bucket_index, scores["value"].astype(float), weights, len(buckets))
    external = _coded_means([f"external:{external_source}:{name}" for name in names], codes, *cells)
    headline = headline_external_metric(external_source, external_dimension)
    if headline.endswith(":all") and scores["value"].size:
        external[headline] = _coded_means([headline], np.zeros(codes.size, dtype=np.intp), *cells)[headline]

    heads = headcount(inputs.headcount_history, inputs.headcount, **grid)
    levers = {
        "lever:bonus_per_head": per_head(inputs.bonus, "amount", heads, **grid),
        "lever:recognitions_per_head": per_head(inputs.recognitions, "count", heads, **grid),
        "lever:leave_days_per_head": per_head(inputs.leave_days, "days", heads, **grid),
        "lever:actions_completed_per_head": per_head(inputs.actions_completed, "count", heads, **grid),
        "lever:training_hours_per_head": per_head(inputs.training_hours, "hours", heads, **grid),
    }

    periods = [str(Period.of(bucket)) for bucket in buckets]
    grids = {
        name: cells
        for name, cells in sorted({**internal, **external, **levers}.items())
        if cells is not None and cells.present.any()
    }
    units = np.unique(
        np.concatenate([cells.units[cells.present.any(axis=1)] for cells in grids.values()] or [np.empty(0, np.int64)])
    )
    # The unit-periods whose internal satisfaction rests (at least partly) on an imported
    # historical score rather than on a pulse: another instrument.
    imported = sorted(
        {
            (row["department_id"], str(Period.of(granularity.bucket(row["period"]))))
            for row in imports
            if row["metric"] == "overall"
        }
    )
    return {
        "periods": periods,
        "units": units.tolist(),
        "grid": {name: encode(cells.dense(units)) for name, cells in grids.items()},
        "respondents": encode(respondents.dense(units)),
        # each unit's usual size, for the sensitivity of the result to small units
        "headcount": {str(unit): people for unit, people in sorted(heads.medians().items())},
        "headcount_basis": heads.basis,
        "imported": [list(cell) for cell in imported],
    }


def encode(matrix: np.ndarray) -> str:
    """A float64 matrix as base64 text (little-endian, row by row)."""
    return base64.b64encode(np.ascontiguousarray(matrix, dtype="<f8").tobytes()).decode("ascii")


def decode(text: str, shape: tuple[int, int]) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype="<f8").reshape(shape).astype(float)


def matrices(stored: dict) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """(units, {metric: units × periods}, respondents units × periods) of a stored series."""
    units = np.asarray(stored["units"], dtype=np.int64)
    shape = (units.size, len(stored["periods"]))
    grid = {name: decode(text, shape) for name, text in stored["grid"].items()}
    return units, grid, decode(stored["respondents"], shape)


def readable(stored: dict) -> dict:
    """A stored series with its matrices spelled out as `[[department_id, "YYYY-MM", value], ...]`
    by unit, then period (the form people read, and tests write)."""
    periods = stored["periods"]
    units, grid, respondents = matrices(stored)

    def rows(matrix: np.ndarray) -> list[list]:
        return Grid(units, matrix, np.isfinite(matrix)).rows(periods)

    return {
        "periods": periods,
        "metrics": {name: rows(matrix) for name, matrix in grid.items()},
        "headcount": stored["headcount"],
        "headcount_basis": stored["headcount_basis"],
        "respondents": rows(respondents),
        "imported": stored["imported"],
    }
