"""What a correlation report reads, through the other apps' agreed selectors.

Every series is a list of plain dicts computed by a GROUP BY in the owning app (per department
and month, from materialised results), so a report's cost grows with units × periods, never
with the number of answers. An app that does not offer its selector yet contributes no rows
and a note saying so (`missing:<app>.<function>`), rather than stopping the report.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec

import numpy as np

from config.replica import heavy_reads

# The sources an external score can come from (CONTRACT.md), accepted before the
# service-quality app can list which ones hold data.
KNOWN_SOURCES = ("skm", "servqual", "csat", "nps", "custom")


def _selector(module_name: str, function_name: str) -> Callable | None:
    """The other app's selector, or None while that app does not offer it yet."""
    if find_spec(module_name) is None:
        return None
    return getattr(import_module(module_name), function_name, None)


@dataclass
class Inputs:
    """The monthly rows a report reads, and notes about what was missing."""

    internal: list[dict] = field(default_factory=list)
    internal_imports: list[dict] = field(default_factory=list)
    external: list[dict] = field(default_factory=list)
    bonus: list[dict] = field(default_factory=list)
    recognitions: list[dict] = field(default_factory=list)
    leave_days: list[dict] = field(default_factory=list)
    actions_completed: list[dict] = field(default_factory=list)
    training_hours: list[dict] = field(default_factory=list)
    headcount: dict[int, int] = field(default_factory=dict)
    drivers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def latest_period(self, *, until: dt.date | None = None) -> dt.date | None:
        """The latest month any row holds, not after `until` (the report's last month): rows a
        selector returns beyond the report's range are no data the report rests on."""
        periods = [
            row["period"]
            for rows in (self.internal, self.internal_imports, self.external, self.bonus, self.recognitions)
            for row in rows
        ] + [row["period"] for rows in (self.leave_days, self.actions_completed, self.training_hours) for row in rows]
        return max((period for period in periods if until is None or period <= until), default=None)


def _call(inputs: Inputs, module_name: str, function_name: str, default, **kwargs):
    function = _selector(module_name, function_name)
    if function is None:
        inputs.notes.append(f"missing:{module_name.split('.')[0]}.{function_name}")
        return default
    return function(**kwargs)


def unit_ids() -> list[int]:
    """The departments a report compares: those without sub-departments. A parent's pulse
    result covers its whole subtree, so it would count its children's people twice and set
    subtree satisfaction against the levers of its own few members."""
    from employees.models import Department

    return list(Department.objects.filter(children__isnull=True).order_by("id").values_list("id", flat=True))


@heavy_reads()
def read(*, period_from: dt.date, period_to: dt.date, external_source: str) -> Inputs:
    """Every input of a report for the months `period_from`..`period_to` (inclusive), for
    the units that `unit_ids` names."""
    from employees.selectors import headcount_by_department

    inputs = Inputs()
    units = unit_ids()
    span = {"period_from": period_from, "period_to": period_to, "department_ids": units}
    inputs.internal = list(_call(inputs, "pulse_surveys.selectors", "internal_satisfaction_series", [], **span))
    _note_protected(inputs)
    inputs.drivers = sorted(_call(inputs, "pulse_surveys.selectors", "driver_keys", []))
    inputs.internal_imports = list(_call(inputs, "service_quality.selectors", "internal_import_series", [], **span))
    inputs.external = list(
        _call(inputs, "service_quality.selectors", "external_score_series", [], source=external_source, **span)
    )
    inputs.bonus = list(_call(inputs, "rewards.selectors", "bonus_amount_series", [], **span))
    inputs.recognitions = list(_call(inputs, "rewards.selectors", "recognition_count_series", [], **span))
    inputs.leave_days = list(_call(inputs, "leave.selectors", "leave_days_taken_series", [], **span))
    inputs.actions_completed = list(_call(inputs, "improvement.selectors", "actions_completed_series", [], **span))
    inputs.training_hours = list(_call(inputs, "improvement.selectors", "training_hours_series", [], **span))
    unit_set = set(units)
    inputs.headcount = {unit: people for unit, people in headcount_by_department().items() if unit in unit_set}
    return inputs


def _note_protected(inputs: Inputs) -> None:
    """Notes how many unit-months' overall pulse scores carry protective noise, and the factor
    by which that noise shrinks their correlations: the square root of the share of their
    spread that is not noise (the classic attenuation of a correlation by measurement error)."""
    overall = [row for row in inputs.internal if row["metric"] == "overall"]
    protected = [row for row in overall if row.get("protected")]
    if not protected:
        return
    spread = float(np.var([row["value"] for row in overall])) if len(overall) > 1 else 0.0
    noise = float(np.mean([row.get("noise_variance", 0.0) for row in overall]))
    attenuation = float(np.sqrt(max(0.0, 1 - noise / spread))) if spread else 0.0
    inputs.notes.append(f"protected:{len(protected)}:{len(overall)}:{attenuation:.2f}")


def external_sources_and_dimensions() -> list[tuple[str, str]] | None:
    """The (source, dimension) pairs that hold external scores; None while the service-quality
    app cannot tell yet."""
    function = _selector("service_quality.selectors", "external_sources_and_dimensions")
    return None if function is None else sorted(function())
