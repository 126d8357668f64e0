"""Plain-language reading of a report, in the reader's language, with numbers formatted for it.

A correlation says that two things went together, never that one caused the other: the text
speaks of units whose staff were more satisfied and the scores they received, and every
sentence about a relationship ends by saying that correlation does not prove cause.

Strength words by |r| (Cohen 1988's conventions for r): below 0.10 no clear relationship,
0.10–0.29 weak, 0.30–0.49 moderate, 0.50 and above strong.
"""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.dimensions import ServiceDimension
from correlation.models import Family, Granularity, Variant
from correlation.stats import MIN_PAIRS

# (lower bound of |r|, strength key), strongest first.
STRENGTH_BANDS = ((0.50, "strong"), (0.30, "moderate"), (0.10, "weak"), (0.0, "negligible"))
SIGNIFICANCE = 0.05

LEVER_LABELS = {
    "lever:bonus_per_head": gettext_lazy("bonus amount per head"),
    "lever:recognitions_per_head": gettext_lazy("recognitions per head"),
    "lever:leave_days_per_head": gettext_lazy("leave days taken per head"),
    "lever:actions_completed_per_head": gettext_lazy("improvement actions completed per head"),
    "lever:training_hours_per_head": gettext_lazy("training hours per head"),
}


def strength(r: float) -> str:
    return next(key for bound, key in STRENGTH_BANDS if abs(r) >= bound)


def number(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def p_value(value: float | None) -> str:
    if value is None:
        return "—"
    if value < 0.001:
        return "< " + number(0.001, 3)
    return number(value, 3)


def _relationship(r: float) -> str:
    key = strength(r)
    if key == "negligible":
        return _("no clear relationship")
    positive = r > 0
    return {
        ("weak", True): _("weak positive relationship"),
        ("weak", False): _("weak negative relationship"),
        ("moderate", True): _("moderate positive relationship"),
        ("moderate", False): _("moderate negative relationship"),
        ("strong", True): _("strong positive relationship"),
        ("strong", False): _("strong negative relationship"),
    }[(key, positive)]


def when(lag: int, granularity: str) -> str:
    """“in the same quarter”, “one quarter later”, “2 quarters later”."""
    steps = abs(lag)
    if steps == 0:
        return {
            Granularity.MONTH: _("in the same month"),
            Granularity.QUARTER: _("in the same quarter"),
            Granularity.YEAR: _("in the same year"),
        }[granularity]
    if granularity == Granularity.MONTH:
        return ngettext("one month later", "%(count)d months later", steps) % {"count": steps}
    if granularity == Granularity.QUARTER:
        return ngettext("one quarter later", "%(count)d quarters later", steps) % {"count": steps}
    return ngettext("one year later", "%(count)d years later", steps) % {"count": steps}


def metric_label(metric: str) -> str:
    """A readable name for a metric key: `overall`, `driver:workload`, `skm:ikm`, `lever:…`."""
    if metric == "overall":
        return _("overall satisfaction")
    if metric.startswith("driver:"):
        return metric.removeprefix("driver:").replace("_", " ")
    if metric in LEVER_LABELS:
        return str(LEVER_LABELS[metric])
    source, _sep, dimension = metric.partition(":")
    return f"{source.upper()} · {dimension_label(dimension)}"


def headline_label(report) -> str:
    """The name of the external series a report's headline compares with, e.g. `SKM · IKM`."""
    from correlation.series import headline_external_metric

    metric = headline_external_metric(report.external_source, report.external_dimension)
    return metric_label(metric.removeprefix("external:"))


def dimension_label(dimension: str) -> str:
    if dimension == "all":
        return _("all dimensions")
    if dimension in ServiceDimension.values:
        return str(ServiceDimension(dimension).label)
    if dimension == "ikm" or (dimension[:1] == "u" and dimension[1:].isdigit()):
        return dimension.upper()
    return dimension.replace("_", " ")


def _satisfaction_and_external(r: float, lag: int, variant: str, later: str) -> str:
    better = r >= 0
    if variant == Variant.WITHIN_UNIT:
        if lag >= 0:
            text = (
                _(
                    "when a unit's staff were more satisfied than usual for that unit, "
                    "its external scores were better than usual %(when)s"
                )
                if better
                else _(
                    "when a unit's staff were more satisfied than usual for that unit, "
                    "its external scores were worse than usual %(when)s"
                )
            )
        else:
            text = (
                _(
                    "when a unit's external scores were better than usual for that unit, "
                    "its staff were more satisfied than usual %(when)s"
                )
                if better
                else _(
                    "when a unit's external scores were better than usual for that unit, "
                    "its staff were less satisfied than usual %(when)s"
                )
            )
    elif lag >= 0:
        text = (
            _("units whose staff were more satisfied received better external scores %(when)s")
            if better
            else _("units whose staff were more satisfied received worse external scores %(when)s")
        )
    else:
        text = (
            _("units that received better external scores had more satisfied staff %(when)s")
            if better
            else _("units that received better external scores had less satisfied staff %(when)s")
        )
    return text % {"when": later}


def _lever_and_satisfaction(r: float, lag: int, variant: str, later: str, lever: str) -> str:
    more = r >= 0
    if variant == Variant.WITHIN_UNIT:
        if lag >= 0:
            text = (
                _("when a unit had more %(lever)s than usual, its staff were more satisfied than usual %(when)s")
                if more
                else _("when a unit had more %(lever)s than usual, its staff were less satisfied than usual %(when)s")
            )
        else:
            text = (
                _("when a unit's staff were more satisfied than usual, it had more %(lever)s than usual %(when)s")
                if more
                else _("when a unit's staff were more satisfied than usual, it had less %(lever)s than usual %(when)s")
            )
    elif lag >= 0:
        text = (
            _("units with more %(lever)s had more satisfied staff %(when)s")
            if more
            else _("units with more %(lever)s had less satisfied staff %(when)s")
        )
    else:
        text = (
            _("units whose staff were more satisfied had more %(lever)s %(when)s")
            if more
            else _("units whose staff were more satisfied had less %(lever)s %(when)s")
        )
    return text % {"lever": lever, "when": later}


def _driver_and_dimension(r: float, driver: str, dimension: str, later: str) -> str:
    text = (
        _("units scoring higher on %(driver)s received better %(dimension)s scores %(when)s")
        if r >= 0
        else _("units scoring higher on %(driver)s received worse %(dimension)s scores %(when)s")
    )
    return text % {"driver": driver, "dimension": dimension, "when": later}


def describe(result, *, granularity: str) -> str:
    """One result in a sentence (or two): strength, r with its interval and n, what went with
    what and when, and that correlation does not prove cause."""
    if result.insufficient_data or result.pearson_r is None:
        return _("Insufficient data: %(n)d pairs; at least %(minimum)d are needed.") % {
            "n": result.n,
            "minimum": MIN_PAIRS,
        }
    r = result.pearson_r
    later = when(result.lag, granularity)
    if result.family == Family.LEVERS:
        what = _lever_and_satisfaction(r, result.lag, result.variant, later, metric_label(result.external_metric))
    elif result.family == Family.DRIVERS_DIMENSIONS:
        what = _driver_and_dimension(
            r, metric_label(result.internal_metric), metric_label(result.external_metric), later
        )
    else:
        what = _satisfaction_and_external(r, result.lag, result.variant, later)
    text = _("%(relationship)s (r = %(r)s, 95%% CI %(low)s to %(high)s, n = %(n)d): %(what)s.") % {
        "relationship": _relationship(r),
        "r": number(r),
        "low": number(result.ci_low),
        "high": number(result.ci_high),
        "n": result.n,
        "what": what,
    }
    text = text[:1].upper() + text[1:]
    notes = []
    if result.ci_low is not None and result.ci_low <= 0 <= result.ci_high and strength(r) != "negligible":
        notes.append(_("The interval includes zero, so the data are also consistent with no relationship."))
    if result.q_value is not None and result.q_value >= SIGNIFICANCE:
        notes.append(
            _("Counting every test in this report, this could be chance (q = %(q)s).") % {"q": number(result.q_value)}
        )
    notes.append(_("Correlation does not prove cause."))
    return " ".join([text, *notes])


def min_detectable_sentence(n: int, r: float | None) -> str:
    if r is None:
        return ""
    return _(
        "With n = %(n)d, this report reliably detects (80%% power, two-sided α = 0.05) only relationships of "
        "|r| ≥ %(r)s; weaker ones may go unseen."
    ) % {"n": n, "r": number(r)}


def _lag_phrase(lag: int, granularity: str) -> str:
    if lag == 0:
        return when(0, granularity)
    if lag > 0:
        return _("internal satisfaction first, external scores %(when)s") % {"when": when(lag, granularity)}
    return _("external scores first, internal satisfaction %(when)s") % {"when": when(lag, granularity)}


def summarise(report, results: list) -> list[str]:
    """The report's plain-language summary: the headline (same period, all unit-periods), the
    lag at which the link is strongest, the within-unit reading, what the report could detect,
    and how many findings survive the multiple-testing correction."""
    headline = [r for r in results if r.family == Family.SATISFACTION_EXTERNAL]
    pooled = {r.lag: r for r in headline if r.variant == Variant.POOLED}
    within = {r.lag: r for r in headline if r.variant == Variant.WITHIN_UNIT}
    paragraphs = []
    same_period = pooled.get(0)
    if same_period is not None:
        paragraphs.append(describe(same_period, granularity=report.granularity))
    tested = [r for r in pooled.values() if r.pearson_r is not None]
    if tested:
        strongest = max(tested, key=lambda r: (abs(r.pearson_r), -abs(r.lag)))
        if strongest.lag != 0:
            paragraphs.append(
                _("The relationship is strongest with %(lag)s: %(text)s")
                % {
                    "lag": _lag_phrase(strongest.lag, report.granularity),
                    "text": describe(strongest, granularity=report.granularity),
                }
            )
    if within.get(0) is not None and within[0].pearson_r is not None:
        paragraphs.append(
            _("Within units (each unit compared with itself over time): %(text)s")
            % {"text": describe(within[0], granularity=report.granularity)}
        )
    if same_period is not None and same_period.min_detectable_r is not None:
        paragraphs.append(min_detectable_sentence(same_period.n, same_period.min_detectable_r))
    counted = [r for r in results if r.q_value is not None]
    if counted:
        discoveries = sum(1 for r in counted if r.q_value < SIGNIFICANCE)
        paragraphs.append(
            ngettext(
                "q-values control the false discovery rate over the %(tests)d test in this report "
                "(Benjamini–Hochberg); %(found)d has q < 0.05.",
                "q-values control the false discovery rate over the %(tests)d tests in this report "
                "(Benjamini–Hochberg); %(found)d of them have q < 0.05.",
                len(counted),
            )
            % {"tests": len(counted), "found": discoveries}
        )
    elif results:
        paragraphs.append(
            _("Insufficient data: no test had at least %(minimum)d pairs of values.") % {"minimum": MIN_PAIRS}
        )
    for sentence in dict.fromkeys(missing_input_sentence(note) for note in report.notes):
        paragraphs.append(sentence)
    return paragraphs


MISSING_INPUTS = {
    "pulse_surveys": gettext_lazy("Pulse survey results were not available to this report."),
    "service_quality": gettext_lazy(
        "External service-quality scores and historical internal scores were not available to this report."
    ),
    "rewards": gettext_lazy("Bonuses and recognitions were not available to this report."),
    "leave": gettext_lazy("Leave taken was not available to this report."),
}


def missing_input_sentence(note: str) -> str:
    if note.startswith("protected:"):
        protected, months, attenuation = note.split(":")[1:]
        return _(
            "%(protected)s of the %(months)s unit-months of pulse results carry protective noise (their groups "
            "changed by a few people since another round); the noise is known, and it shrinks their "
            "correlations by a factor of about %(attenuation)s."
        ) % {"protected": protected, "months": months, "attenuation": attenuation}
    app = note.removeprefix("missing:").split(".")[0]
    return str(MISSING_INPUTS.get(app, note))
