"""The before/after chart of an action: bars on the 0–100 scale, drawn as server-side SVG.
Coordinates are computed here so that the template only places them (no inline styles,
no script). A suppressed period is drawn as an empty outlined slot marked "hidden", with no
height that could hint at its value."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from core.charts import Axis, coordinate, nice_ticks
from core.formatting import number
from core.periods import Period
from improvement.effects import EventStudy
from improvement.selectors import FollowUp, Measurement

WIDTH_PER_BAR, LEFT, RIGHT, TOP, BOTTOM, HEIGHT = 96, 40, 16, 16, 44, 240
BAR_WIDTH = 56
GRID = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Bar:
    label: str  # "before" / "after"
    period: str
    value: float | None
    suppressed: bool
    respondents: int | None
    margin: int | None
    x: str  # SVG coordinates, written by core.charts.coordinate
    y: str
    height: str
    css: str
    text_x: str


def _y(value: float) -> float:
    return TOP + (100 - max(0.0, min(100.0, value))) / 100 * (HEIGHT - TOP - BOTTOM)


def follow_up_chart(follow_up: FollowUp) -> dict | None:
    measurements: list[tuple[str, Measurement]] = []
    if follow_up.before is not None:
        measurements.append((_("before"), follow_up.before))
    measurements += [(_("after"), measurement) for measurement in follow_up.after_series]
    if not measurements:
        return None
    width = LEFT + RIGHT + WIDTH_PER_BAR * len(measurements)
    base = _y(0)
    bars = []
    for index, (label, measurement) in enumerate(measurements):
        x = LEFT + WIDTH_PER_BAR * index + (WIDTH_PER_BAR - BAR_WIDTH) / 2
        is_before = index == 0 and follow_up.before is not None
        if measurement.suppressed:
            y, height, css = TOP, base - TOP, "impr-bar-hidden"
        else:
            y = _y(measurement.value)
            height, css = base - y, "impr-bar-before" if is_before else "impr-bar-after"
        bars.append(
            Bar(
                label=label,
                period=str(Period.of(measurement.period)),
                value=None if measurement.suppressed else round(measurement.value, 1),
                suppressed=measurement.suppressed,
                respondents=None if measurement.suppressed else measurement.respondents,
                margin=None if measurement.suppressed else measurement.margin,
                x=coordinate(x),
                y=coordinate(y),
                height=coordinate(height),
                css=css,
                text_x=coordinate(x + BAR_WIDTH / 2),
            )
        )
    baseline = None
    if follow_up.before is not None and not follow_up.before.suppressed:
        baseline = coordinate(_y(follow_up.before.value))
    return {
        "width": width,
        "height": HEIGHT,
        "left": LEFT,
        "right": width - RIGHT,
        "base": coordinate(base),
        "grid": [{"value": value, "y": coordinate(_y(value))} for value in GRID],
        "bars": bars,
        "bar_width": BAR_WIDTH,
        "baseline": baseline,
        "label_y": HEIGHT - BOTTOM + 18,
        "sublabel_y": HEIGHT - BOTTOM + 34,
        "hidden_y": coordinate((TOP + base) / 2),
    }


def follow_up_summary(follow_up: FollowUp) -> str:
    """The chart in one or two sentences: its text alternative."""

    def said(measurement: Measurement | None) -> str:
        if measurement is None:
            return _("not measured")
        period = str(Period.of(measurement.period))
        if measurement.suppressed:
            return _("hidden to protect anonymity (%(period)s)") % {"period": period}
        if measurement.margin:
            return _("%(value).1f ± %(margin)d, protected, in %(period)s") % {
                "value": measurement.value,
                "margin": measurement.margin,
                "period": period,
            }
        return _("%(value).1f in %(period)s") % {"value": measurement.value, "period": period}

    text = _("Before: %(before)s. After: %(after)s.") % {
        "before": said(follow_up.before),
        "after": said(follow_up.after) if follow_up.after_from else _("not yet"),
    }
    verdict = {
        "improved": _("The score improved by %(change).1f points."),
        "worse": _("The score fell by %(change).1f points."),
        "unchanged": _("The score is unchanged (%(change)+.1f points)."),
    }.get(follow_up.verdict or "")
    if verdict:
        text += " " + verdict % {
            "change": abs(follow_up.change) if follow_up.verdict != "unchanged" else follow_up.change
        }
    if follow_up.noise_margin:
        text += " " + _(
            "A protected score carries protective noise, so only a change larger than its 95%% margin"
            " (±%(margin)d points) counts as improved or worse."
        ) % {"margin": follow_up.noise_margin}
    return text


# --- The event study: effects by month relative to acting, with their intervals.

EVENT_WIDTH, EVENT_HEIGHT = 460, 240
EVENT_LEFT, EVENT_RIGHT, EVENT_TOP, EVENT_BOTTOM = 48, 16, 16, 40


def event_study_chart(study: EventStudy) -> dict | None:
    """Coordinates of the event-study chart: one point per month relative to acting with its
    95% interval as a bar, a zero line, and a dashed line between the base month and acting."""
    times = study.times
    if len(times) < 2:
        return None
    bounds = [value for time in times for value in (time.low, time.high)] + [0.0]
    ticks = nice_ticks(min(bounds), max(bounds))
    first, last = times[0].relative, times[-1].relative
    x_axis = Axis(first - 0.5, last + 0.5, EVENT_LEFT, EVENT_WIDTH - EVENT_RIGHT)
    y_axis = Axis(ticks[0], ticks[-1], EVENT_HEIGHT - EVENT_BOTTOM, EVENT_TOP)
    points = [
        {
            "relative": time.relative,
            "x": coordinate(x_axis.at(time.relative)),
            "y": coordinate(y_axis.at(time.att)),
            "top": coordinate(y_axis.at(time.high)),
            "bottom": coordinate(y_axis.at(time.low)),
            "before": time.relative < 0,
            "reference": time.reference,
            "title": _("month %(relative)s: reference (0 by construction)") % {"relative": time.relative}
            if time.reference
            else _("month %(relative)s: %(att)s points (95%% interval %(low)s to %(high)s)")
            % {
                "relative": time.relative,
                "att": number(time.att),
                "low": number(time.low),
                "high": number(time.high),
            },
        }
        for time in times
    ]
    return {
        "width": EVENT_WIDTH,
        "height": EVENT_HEIGHT,
        "left": EVENT_LEFT,
        "right": EVENT_WIDTH - EVENT_RIGHT,
        "zero": coordinate(y_axis.at(0.0)),
        "acting_x": coordinate(x_axis.at(-0.5)),
        "top": EVENT_TOP,
        "bottom": EVENT_HEIGHT - EVENT_BOTTOM,
        "label_y": EVENT_HEIGHT - EVENT_BOTTOM + 16,
        "axis_label_y": EVENT_HEIGHT - 6,
        "y_ticks": [
            {"label": number(value, 0 if float(value).is_integer() else 1), "y": coordinate(y_axis.at(value))}
            for value in ticks
        ],
        "points": points,
    }
