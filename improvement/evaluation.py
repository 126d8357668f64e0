"""Did acting on a driver work? Reads the pulse series of every unit and the completed actions
on the same driver, and estimates the effect with `improvement.effects` (a read: nothing is
stored; a handful of months × units).

Units are the departments with shown results for the driver that hold no other such department
below them (so that no one is counted twice), plus the action's own department (without its
sub-departments). A unit "acted" from the month after its first completed action on the driver;
units with an action still open on it are left out of the comparison (they may be acting).
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import number
from core.periods import Period
from employees.models import Department
from improvement import effects
from improvement.models import Action, ActionStatus
from pulse_surveys.impact import p_text

LOOKBACK_MONTHS = 12  # months before the first completion that the comparison reads


@dataclass
class ActionEffect:
    method: str  # "did", "series" or "" (the data cannot tell)
    text: str
    estimate: effects.Effect | effects.SeriesEffect | None = None
    event_study: effects.EventStudy | None = None  # by month relative to acting ("did" only)
    pre_trend: str = ""  # what the months before acting say about the comparison


def _units(department_ids: set[int], own: int) -> list[int]:
    paths = dict(Department.objects.filter(pk__in=department_ids | {own}).values_list("pk", "path"))
    own_path = paths.get(own, "")
    units = []
    for pk, path in paths.items():
        related = pk != own and (path.startswith(own_path) or own_path.startswith(path))
        has_below = any(other != pk and other_path.startswith(path) for other, other_path in paths.items())
        if pk == own or (not related and not has_below):
            units.append(pk)
    return sorted(units)


def _cannot_tell(code: str, params: dict) -> str:
    texts = {
        "too_few_treated": _(
            "The data cannot tell yet whether acting on this driver worked: it takes at least %(minimum)s units "
            "that completed an action on it with results before and after, and there are %(units)s."
        ),
        "too_few_periods": _(
            "The data cannot tell yet whether the action worked: it takes at least two months of results before "
            "and two after."
        ),
        "no_variation": _("The data cannot tell whether the action worked: the scores did not vary at all."),
        "not_yet": _("The data cannot tell yet: no month after the action was completed has results."),
    }
    return texts.get(code, texts["too_few_periods"]) % params


def action_effect(action: Action, *, today: dt.date | None = None) -> ActionEffect | None:
    """The effect of completed actions on this action's driver against units that had not
    (yet) acted; this department's before and after when no unit is left to compare with."""
    if not action.driver or action.status != ActionStatus.DONE or action.completed_on is None:
        return None
    from pulse_surveys.selectors import internal_satisfaction_series

    today = today or timezone.localdate()
    acted_from = Period.of(action.completed_on).shift(1)
    last = Period.of(today)
    if acted_from > last:
        return ActionEffect("", _cannot_tell("not_yet", {}))
    first_month = acted_from.shift(-LOOKBACK_MONTHS)
    months = []
    month = first_month
    while month <= last:
        months.append(month.first_day)
        month = month.shift(1)
    rows = internal_satisfaction_series(
        period_from=months[0], period_to=months[-1], metrics=[f"driver:{action.driver}"]
    )
    units = _units({row["department_id"] for row in rows}, action.department_id)
    others = Action.objects.filter(driver=action.driver, department_id__in=units).exclude(status=ActionStatus.DROPPED)
    first: dict[int, int] = {}
    busy = set()
    for other in others.values("department_id", "status", "completed_on"):
        from_month = Period.of(other["completed_on"]).shift(1).first_day if other["completed_on"] else None
        if other["status"] == ActionStatus.DONE and from_month in months:
            index = months.index(from_month)
            first[other["department_id"]] = min(first.get(other["department_id"], index), index)
        else:  # still acting, or acted outside the window: not a clean comparison
            busy.add(other["department_id"])
    busy -= set(first)
    units = [unit for unit in units if unit not in busy or unit == action.department_id]
    row_of = {unit: i for i, unit in enumerate(units)}
    column_of = {month: j for j, month in enumerate(months)}
    panel = np.full((len(units), len(months)), np.nan)
    for row in rows:
        if row["department_id"] in row_of and row["period"] in column_of:
            panel[row_of[row["department_id"]], column_of[row["period"]]] = row["value"]
    first_treated = np.array([first.get(unit, -1) for unit in units])
    try:
        estimate = effects.staggered_did(panel, first_treated)
    except effects.NotEstimable as error:
        if error.code == "too_few_controls":
            return _series_effect(panel[row_of[action.department_id]], column_of[acted_from.first_day])
        return ActionEffect("", _cannot_tell(error.code, error.params))
    values = {
        "change": number(estimate.att),
        "low": number(estimate.low),
        "high": number(estimate.high),
        "p": p_text(estimate.p_value),
        "treated": estimate.treated_units,
        "controls": estimate.units - estimate.treated_units,
    }
    text = (
        _(
            "Units that completed an action on this driver (%(treated)s) changed by %(change)s points against "
            "%(controls)s units that had not acted yet (95%% interval %(low)s to %(high)s, %(p)s; a staggered "
            "difference in differences)."
        )
        % values
    )
    if estimate.p_value < 0.05:
        text += " " + (
            _("The evidence points to a real improvement.")
            if estimate.att > 0
            else _("The evidence points to a real decline.")
        )
    else:
        text += " " + _("The data cannot tell whether acting moved the score.")
    text += " " + _(
        "This assumes the units would otherwise have moved alike; it is evidence, not proof, that the action "
        "caused the change."
    )
    study = effects.event_study(panel, first_treated)
    return ActionEffect("did", text, estimate, study, _pre_trend_text(study))


def _pre_trend_text(study: effects.EventStudy) -> str:
    if study.pre_p_value is None:
        return _(
            "There are too few months before the actions to check whether the units were already drifting apart "
            "before them."
        )
    values = {"p": p_text(study.pre_p_value)}
    if study.diverging:
        return (
            _(
                "The units were already diverging before the action (joint test of the months before acting, "
                "%(p)s); the estimate may be biased."
            )
            % values
        )
    return (
        _(
            "Before acting, the units that acted and the others moved alike (joint test of the months before "
            "acting, %(p)s): no sign that they were already drifting apart."
        )
        % values
    )


def _series_effect(series: np.ndarray, acted_at: int) -> ActionEffect:
    try:
        estimate = effects.interrupted_series(series[:acted_at], series[acted_at:])
    except effects.NotEstimable as error:
        return ActionEffect("", _cannot_tell(error.code, error.params))
    text = _(
        "No unit that had not acted is left to compare with, so only this department's months before and after "
        "are compared: the score changed by %(change)s points (95%% interval %(low)s to %(high)s, %(p)s). "
        "This cannot separate the action from anything else that changed at the same time."
    ) % {
        "change": number(estimate.change),
        "low": number(estimate.low),
        "high": number(estimate.high),
        "p": p_text(estimate.p_value),
    }
    return ActionEffect("series", text, estimate)
