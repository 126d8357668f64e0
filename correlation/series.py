"""From the monthly input rows to one value per unit, period and metric at the report's
granularity.

- Satisfaction and external scores: the respondent-weighted mean of the months in the period
  (a month without a respondent count weighs 1).
- Internal satisfaction: pulse results; historical imports fill the unit-months that have no
  pulse result (a pulse result wins where both exist).
- Levers: the period's total per head (today's headcount of the unit's own members). A unit with
  no bonus, recognition or leave in a period counts 0, from the first month in which the
  organisation recorded any of that lever (before it, the lever was not in use).

The result is plain JSON (stored on the report between the job's steps):
`{"periods": ["YYYY-MM", ...], "metrics": {name: [[department_id, "YYYY-MM", value], ...]}}`
with names `internal:overall`, `internal:driver:<key>`, `external:<source>:<dimension>` and
`lever:<name>`.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from core.periods import Period
from correlation.inputs import Inputs
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


def _weight(row: dict) -> float:
    respondents = row.get("respondents")
    return float(respondents) if respondents else 1.0


class _Buckets(dict):
    """month → the first month of its bucket, computed once per distinct month."""

    def __init__(self, granularity: Granularity):
        super().__init__()
        self.granularity = granularity

    def __missing__(self, month: dt.date) -> dt.date:
        self[month] = bucket = self.granularity.bucket(month)
        return bucket


def _weighted_means(rows: Iterable[tuple[str, int, dt.date, float, float]], granularity: Granularity) -> dict:
    """(metric, department, month, value, weight) rows → {metric: {(department, bucket): mean}}."""
    sums: dict = defaultdict(lambda: [0.0, 0.0])
    bucket_of = _Buckets(granularity)
    for metric, department_id, period, value, weight in rows:
        cell = sums[(metric, department_id, bucket_of[period])]
        cell[0] += value * weight
        cell[1] += weight
    out: dict = defaultdict(dict)
    for (metric, department_id, bucket), (total, weight) in sums.items():
        out[metric][(department_id, bucket)] = total / weight
    return out


def _per_head(
    rows: list[dict], field: str, headcount: dict[int, int], granularity: Granularity, buckets: list[dt.date]
) -> dict:
    """{(department, bucket): total / headcount}, 0 where nothing was recorded, from the first
    bucket holding any row."""
    if not rows:
        return {}
    totals: dict = defaultdict(float)
    bucket_of = _Buckets(granularity)
    for row in rows:
        totals[(row["department_id"], bucket_of[row["period"]])] += float(row[field])
    first = min(bucket_of.values())
    return {
        (department_id, bucket): totals.get((department_id, bucket), 0.0) / people
        for department_id, people in headcount.items()
        if people > 0
        for bucket in buckets
        if bucket >= first
    }


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

    pulse = [row for row in inputs.internal if row["metric"] == "overall" or row["metric"].startswith("driver:")]
    pulse_overall = {(row["department_id"], row["period"]) for row in pulse if row["metric"] == "overall"}
    imports = [row for row in inputs.internal_imports if (row["department_id"], row["period"]) not in pulse_overall]
    internal = _weighted_means(
        (
            (f"internal:{row['metric']}", row["department_id"], row["period"], float(row["value"]), _weight(row))
            for row in [*pulse, *imports]
        ),
        granularity,
    )

    external_rows = [row for row in inputs.external if row["source"] == external_source]
    external = _weighted_means(
        (
            (
                f"external:{row['source']}:{row['dimension']}",
                row["department_id"],
                row["period"],
                float(row["value"]),
                _weight(row),
            )
            for row in external_rows
        ),
        granularity,
    )
    headline = headline_external_metric(external_source, external_dimension)
    if headline.endswith(":all"):
        external[headline] = _weighted_means(
            (
                (headline, row["department_id"], row["period"], float(row["value"]), _weight(row))
                for row in external_rows
            ),
            granularity,
        )[headline]

    levers = {
        "lever:bonus_per_head": _per_head(inputs.bonus, "amount", inputs.headcount, granularity, buckets),
        "lever:recognitions_per_head": _per_head(inputs.recognitions, "count", inputs.headcount, granularity, buckets),
        "lever:leave_days_per_head": _per_head(inputs.leave_days, "days", inputs.headcount, granularity, buckets),
        "lever:actions_completed_per_head": _per_head(
            inputs.actions_completed, "count", inputs.headcount, granularity, buckets
        ),
        "lever:training_hours_per_head": _per_head(
            inputs.training_hours, "hours", inputs.headcount, granularity, buckets
        ),
    }

    text = {bucket: str(Period.of(bucket)) for bucket in buckets}
    metrics = {}
    for name, cells in sorted({**internal, **external, **levers}.items()):
        if cells:
            metrics[name] = [
                [department_id, text[bucket], value] for (department_id, bucket), value in sorted(cells.items())
            ]
    return {"periods": list(text.values()), "metrics": metrics}
