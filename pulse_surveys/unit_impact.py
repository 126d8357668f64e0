"""Driver impact across units for customers' IKM: which drivers matter for a unit's service
quality, from each unit's driver scores in a closed round and its IKM in the round's month.

The statistics are those of driver impact among respondents (`pulse_surveys.drivers`: the exact
Shapley decomposition of R² with a seeded percentile bootstrap), with units in place of
respondents: the bootstrap resamples units. A unit's driver scores are read only from its shown
results (`selectors.round_unit_driver_scores`: never a hidden one; a protected one with its
noise, which can only blur the association, and is counted); its IKM from
`service_quality.selectors`. Units are the departments with both, less any department that holds
another such department below it (its result would count the other's people twice).

With n units and p drivers the regression needs many more units than drivers: the analysis runs
only with at least `MIN_UNITS` units and more than p + 2, and otherwise stores why not.
"""

import numpy as np
from django.db import transaction

from employees.models import Department
from pulse_surveys import drivers as stats
from pulse_surveys import selectors
from pulse_surveys.impact import OUTCOME_IKM, OVERALL_DRIVER_KEY, RoundAnswers, outcome_analysis
from pulse_surveys.models import Driver, DriverAnalysis, Round, RoundStatus
from service_quality import selectors as service_quality
from service_quality.dimensions import IKM_DIMENSION
from service_quality.models import Source

MIN_UNITS = 8  # below this no bootstrap over units can rank drivers


def units_needed(drivers: int) -> int:
    """The fewest units an analysis of `drivers` drivers runs on: MIN_UNITS, and more than p + 2."""
    return max(MIN_UNITS, drivers + 3)


def _leaf_units(department_ids: set[int]) -> list[int]:
    paths = dict(Department.objects.filter(pk__in=department_ids).values_list("pk", "path"))
    return sorted(
        pk
        for pk, path in paths.items()
        if not any(other != pk and other_path.startswith(path) for other, other_path in paths.items())
    )


def unit_table(pulse_round: Round) -> tuple[list[int], list[int], np.ndarray, np.ndarray, int]:
    """(units, driver ids, units × drivers scores 0–100, IKM per unit, protected units) for the
    units with every driver's shown score and an IKM in the round's month."""
    scores = selectors.round_unit_driver_scores(pulse_round=pulse_round)
    overall = set(Driver.objects.filter(key=OVERALL_DRIVER_KEY).values_list("pk", flat=True))
    scores = [row for row in scores if row["driver_id"] not in overall]
    ikm = {
        row["department_id"]: row["value"]
        for row in service_quality.external_score_series(
            period_from=pulse_round.period,
            period_to=pulse_round.period,
            department_ids={row["department_id"] for row in scores},
            source=Source.SKM,
            dimension=IKM_DIMENSION,
        )
    }
    driver_ids = sorted({row["driver_id"] for row in scores})
    by_unit: dict[int, dict[int, float]] = {}
    protected: set[int] = set()
    for row in scores:
        by_unit.setdefault(row["department_id"], {})[row["driver_id"]] = row["score"]
        if row["protected"]:
            protected.add(row["department_id"])
    complete = {unit for unit, values in by_unit.items() if unit in ikm and len(values) == len(driver_ids)}
    units = _leaf_units(complete)
    x = np.array([[by_unit[unit][driver] for driver in driver_ids] for unit in units], dtype=float)
    y = np.array([ikm[unit] for unit in units], dtype=float)
    return units, driver_ids, x.reshape(len(units), len(driver_ids)), y, len(protected & set(units))


def _favourable_of_total(pulse_round: Round) -> dict[str, float]:
    """The drivers' favourable shares of the whole audience (the matrix's current score)."""
    total = DriverAnalysis.objects.filter(
        round=pulse_round, is_total=True, outcome=DriverAnalysis.Outcome.ENGAGEMENT
    ).first()
    for entry in total.outcomes if total else []:
        if entry.get("favourable"):
            return entry["favourable"]
    return {}


@transaction.atomic
def round_ikm_analysis_materialise(*, round_id: int, draws: int = stats.BOOTSTRAP_DRAWS) -> bool:
    """Computes and stores the driver impact across units for IKM of a closed round (one row:
    the figures, or the reason why not). Idempotent; True when the analysis ran. Two runs for one
    round (a close job and a refresh after an import) take turns on the round's row."""
    pulse_round = Round.objects.select_for_update().get(pk=round_id)
    DriverAnalysis.objects.filter(round=pulse_round, outcome=DriverAnalysis.Outcome.IKM).delete()
    if pulse_round.status != RoundStatus.CLOSED or not pulse_round.results_ready or pulse_round.period is None:
        return False
    units, driver_ids, x, y, protected = unit_table(pulse_round)
    analysis = DriverAnalysis(
        round=pulse_round, outcome=DriverAnalysis.Outcome.IKM, is_total=True, respondents=len(units)
    )
    needed = units_needed(len(driver_ids))
    if len(units) < needed:
        analysis.reason = "too_few_units_ikm"
        analysis.reason_params = {"units": len(units), "minimum": needed, "drivers": len(driver_ids)}
    else:
        data = RoundAnswers(
            departments=np.array(units),
            driver_ids=driver_ids,
            driver_scores=x,
            favourable=np.zeros_like(x),
            answered=np.zeros_like(x),
            likert=np.zeros((len(units), 0)),
            outcomes={OUTCOME_IKM: y},
        )
        entry = outcome_analysis(data, np.ones(len(units), dtype=bool), OUTCOME_IKM, draws, needed)
        entry.update(units=len(units), protected_units=protected, favourable=_favourable_of_total(pulse_round))
        analysis.outcomes = [entry]
    analysis.save()
    return not analysis.reason and not analysis.outcomes[0].get("reason")


def rounds_for_periods(periods) -> list[int]:
    """Closed rounds of the given months (whose IKM analysis new scores change)."""
    return list(
        Round.objects.filter(status=RoundStatus.CLOSED, results_ready=True, period__in=list(periods))
        .order_by("id")
        .values_list("pk", flat=True)
    )
