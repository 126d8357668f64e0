"""Plain-language reading of a report, in the reader's language, with numbers formatted for it.

A correlation says that two things went together, never that one caused the other: the text
speaks of units whose staff were more satisfied and the scores they received, and every
sentence about a relationship ends by saying that correlation does not prove cause.

The summary leads with what the confirmatory tests support (`correlation.analysis`): a lead of
one series over the other only where the test of which came first says so, else the
within-unit relationship, else the between-unit one — both as the multilevel model reads them
(`correlation.multilevel`) — else that there is no reliable evidence. Exploratory tests never
lead it, and no lag is picked because its r happens to be the largest.

Strength words by |r| (Cohen 1988's conventions for r): below 0.10 no clear relationship,
0.10–0.29 weak, 0.30–0.49 moderate, 0.50 and above strong. The multilevel model's effects are
standardised (in standard deviations of both series) and read on the same bands.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import formatting
from core.dimensions import ServiceDimension
from correlation import multilevel, stats
from correlation.models import Family, Granularity, Role, Variant
from service_quality.dimensions import OVERALL_DIMENSION, SERVQUAL_DIMENSIONS

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
    return formatting.number(value, decimals)


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


SERVQUAL_LABELS = dict(SERVQUAL_DIMENSIONS)


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
    """A dimension's name in the reader's language (`overall` → "overall", `u3` → "U3")."""
    if dimension == "all":
        return _("all dimensions")
    if dimension == OVERALL_DIMENSION:
        return _("overall")
    if dimension in ServiceDimension.values:
        return str(ServiceDimension(dimension).label)
    if dimension in SERVQUAL_LABELS:
        return str(SERVQUAL_LABELS[dimension])
    if dimension == "ikm" or (dimension[:1] == "u" and dimension[1:].isdigit()):
        return dimension.upper()
    return dimension.replace("_", " ")


# the multilevel model's effects are worded as the readings they estimate
READING = {Variant.MULTILEVEL_WITHIN: Variant.WITHIN_UNIT, Variant.MULTILEVEL_BETWEEN: Variant.BETWEEN_UNIT}


def _satisfaction_and_external(r: float, lag: int, variant: str, later: str, higher_is_better: bool) -> str:
    # a lower-is-better score (complaints, waiting time) is better when it falls
    better = (r >= 0) == higher_is_better
    variant = READING.get(variant, variant)
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
    elif variant == Variant.BETWEEN_UNIT:
        text = (
            _("units whose staff are generally more satisfied generally receive better external scores")
            if better
            else _("units whose staff are generally more satisfied generally receive worse external scores")
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
    elif variant == Variant.BETWEEN_UNIT:
        text = (
            _("units that generally have more %(lever)s generally have more satisfied staff")
            if more
            else _("units that generally have more %(lever)s generally have less satisfied staff")
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


def _driver_and_dimension(r: float, driver: str, dimension: str, later: str, higher_is_better: bool) -> str:
    text = (
        _("units scoring higher on %(driver)s received better %(dimension)s scores %(when)s")
        if (r >= 0) == higher_is_better
        else _("units scoring higher on %(driver)s received worse %(dimension)s scores %(when)s")
    )
    return text % {"driver": driver, "dimension": dimension, "when": later}


def higher_is_better_for(result, *, report_higher_is_better: bool, lower_metrics: set[str]) -> bool:
    """Which way is better for a result's external series: the report's headline measure for
    the headline family, each dimension's own measure for drivers × dimensions."""
    if getattr(result, "family", "") == "drivers_dimensions":
        return f"external:{result.external_metric}" not in lower_metrics
    return report_higher_is_better


def describe(result, *, granularity: str, higher_is_better: bool = True) -> str:
    """One result in a sentence (or two): strength, r with its interval and n, what went with
    what and when, and that correlation does not prove cause."""
    if result.insufficient_data or (result.pearson_r is None and getattr(result, "coefficient", None) is None):
        return not_run(result)
    if result.variant == Variant.CROSS_LAGGED:
        return lead_sentence(result, granularity=granularity, higher_is_better=higher_is_better)
    modelled = result.variant in READING
    r = result.coefficient if modelled else result.pearson_r
    later = when(result.lag, granularity)
    if result.family == Family.LEVERS:
        what = _lever_and_satisfaction(r, result.lag, result.variant, later, metric_label(result.external_metric))
    elif result.family == Family.DRIVERS_DIMENSIONS:
        what = _driver_and_dimension(
            r, metric_label(result.internal_metric), metric_label(result.external_metric), later, higher_is_better
        )
    else:
        what = _satisfaction_and_external(r, result.lag, result.variant, later, higher_is_better)
    numbers = {
        "relationship": _relationship(r),
        "r": number(r),
        "low": number(result.ci_low),
        "high": number(result.ci_high),
        "n": result.n,
        "what": what,
    }
    if modelled:
        numbers["units"] = result.units
        text = (
            _(
                "%(relationship)s (multilevel model: standardised effect %(r)s, 95%% CI %(low)s to %(high)s, "
                "%(units)d units, %(n)d unit-periods): %(what)s."
            )
            % numbers
        )
    else:
        text = _("%(relationship)s (r = %(r)s, 95%% CI %(low)s to %(high)s, n = %(n)d): %(what)s.") % numbers
    text = text[:1].upper() + text[1:]
    notes = []
    if result.ci_low is not None and result.ci_low <= 0 <= result.ci_high and strength(r) != "negligible":
        notes.append(_("The interval includes zero, so the data are also consistent with no relationship."))
    if result.q_value is not None and result.q_value >= SIGNIFICANCE:
        notes.append(
            _("Counting the other tests of its family, this could be chance (adjusted p = %(q)s).")
            % {"q": number(result.q_value)}
        )
    notes.append(_("Correlation does not prove cause."))
    return " ".join([text, *notes])


def not_run(result) -> str:
    """Which analysis could not be run, and why, in words."""
    reason = getattr(result, "reason", "") or stats.FEW_PAIRS
    if reason == stats.FEW_UNITS:
        minimum = (
            stats.MIN_UNITS_WITHIN
            if result.variant in (Variant.WITHIN_UNIT, Variant.CROSS_LAGGED, Variant.MULTILEVEL_WITHIN)
            else 0
        )
        if minimum:
            return _(
                "Not computed: %(units)d units have at least %(periods)d periods of data; at least %(minimum)d are "
                "needed."
            ) % {
                "units": result.units,
                "periods": settings.PRIMA_CORRELATION_MIN_PERIODS_WITHIN,
                "minimum": settings.PRIMA_CORRELATION_MIN_UNITS_WITHIN,
            }
        return _("Not computed: %(units)d units have data; at least %(minimum)d are needed.") % {
            "units": result.units,
            "minimum": settings.PRIMA_CORRELATION_MIN_UNITS,
        }
    if reason == stats.CONSTANT:
        return _("Not computed: one of the two series does not vary, so nothing can go with it.")
    if reason == multilevel.NOT_CONVERGED:
        return _(
            "Not computed: the multilevel model cannot be fitted to these data (one series follows the other "
            "exactly, so nothing is left to estimate its uncertainty from); the plain correlations still apply."
        )
    if reason == stats.SINGULAR:
        return _(
            "Not computed: the series move in lockstep with the periods or with each other, so their parts "
            "cannot be told apart."
        )
    return _("Not computed: %(n)d pairs; at least %(minimum)d are needed.") % {
        "n": result.n,
        "minimum": stats.MIN_PAIRS,
    }


def lead_sentence(result, *, granularity: str, higher_is_better: bool = True) -> str:
    """The test of which came first, in words: the later series on the earlier one, beyond
    their same-period link and the later series' own previous value."""
    steps = when(result.lag, granularity)
    up = (result.coefficient >= 0) == higher_is_better
    if result.lag > 0:
        text = (
            _("when a unit's staff were more satisfied than usual, its external scores were better %(when)s")
            if up
            else _("when a unit's staff were more satisfied than usual, its external scores were worse %(when)s")
        )
    else:
        text = (
            _("when a unit's external scores were better than usual, its staff were more satisfied %(when)s")
            if up
            else _("when a unit's external scores were better than usual, its staff were less satisfied %(when)s")
        )
    text = text % {"when": steps}
    sentence = _(
        "%(what)s, beyond what the same period and the previous period already tell (standardised effect "
        "%(b)s, 95%% CI %(low)s to %(high)s, %(units)d units, adjusted p = %(q)s)."
    ) % {
        "what": text[:1].upper() + text[1:],
        "b": number(result.coefficient),
        "low": number(result.ci_low),
        "high": number(result.ci_high),
        "units": result.units,
        "q": p_value(result.q_value if result.q_value is not None else result.pearson_p),
    }
    return " ".join([sentence, _("Correlation does not prove cause.")])


def power_sentence(result) -> str:
    """What a test could detect, counted in independent pairs rather than unit-periods."""
    if result is None or result.min_detectable_r is None or result.effective_n is None:
        return ""
    if result.variant == Variant.BETWEEN_UNIT:
        return _(
            "Between units the evidence rests on %(units)d units, not on %(n)d unit-periods: it reliably detects "
            "(80%% power, two-sided α = 0.05) only relationships of |r| ≥ %(r)s."
        ) % {"units": result.units, "n": result.n, "r": number(result.min_detectable_r)}
    return _(
        "Within units, %(n)d unit-periods of %(units)d units are worth about %(effective)s independent pairs, "
        "as a unit's periods resemble each other (design effect %(deff)s): it reliably detects (80%% power, "
        "two-sided α = 0.05) only relationships of |r| ≥ %(r)s; weaker ones may go unseen."
    ) % {
        "n": result.n,
        "units": result.units,
        "effective": number(result.effective_n, 0),
        "deff": number(result.design_effect),
        "r": number(result.min_detectable_r),
    }


def _supported(result) -> bool:
    return result is not None and result.q_value is not None and result.q_value < SIGNIFICANCE


def claimed_leads(results: list) -> list:
    """The confirmatory tests of which came first that support a lead (significant after the
    family's Holm correction), the strongest evidence first. Choosing among tests that each
    passed the correction adds no error: Holm bounds the chance of any false one."""
    return sorted(
        (
            r
            for r in results
            if r.variant == Variant.CROSS_LAGGED
            and r.family == Family.SATISFACTION_EXTERNAL
            and r.role == Role.CONFIRMATORY
            and _supported(r)
        ),
        key=lambda r: (r.q_value, abs(r.lag)),
    )


def headline_sentence(report, results: list) -> str:
    """The summary's first sentence: what the confirmatory tests support, and nothing more."""
    confirmatory = {
        (r.variant, r.lag): r
        for r in results
        if r.role == Role.CONFIRMATORY and r.family == Family.SATISFACTION_EXTERNAL
    }
    within = confirmatory.get((Variant.MULTILEVEL_WITHIN, 0))
    between = confirmatory.get((Variant.MULTILEVEL_BETWEEN, 0))
    leads = claimed_leads(results)
    granularity = report.granularity
    better = getattr(report, "external_higher_is_better", True)
    if leads:
        return _("Within the same units over time: %(text)s") % {
            "text": describe(leads[0], granularity=granularity, higher_is_better=better)
        }
    if _supported(within):
        return _("Within the same units over time: %(text)s") % {
            "text": describe(within, granularity=granularity, higher_is_better=better)
        }
    if _supported(between):
        return _("Between units (each unit's average over the periods): %(text)s") % {
            "text": describe(between, granularity=granularity, higher_is_better=better)
        }
    tested = [r for r in (within, between) if r is not None and r.coefficient is not None]
    if not tested:
        return _(
            "The data cannot tell whether internal satisfaction and %(external)s go together: neither the "
            "within-unit nor the between-unit analysis could be run (see below)."
        ) % {"external": headline_label(report)}
    return _(
        "There is no reliable evidence that internal satisfaction and %(external)s go together, neither within "
        "the same units over time nor between units, once each unit's periods are counted as one unit's and the "
        "report's tests are counted."
    ) % {"external": headline_label(report)}


def disclosure_sentences(report) -> list[str]:
    """What the headline rests on and what it leaves out."""
    facts = getattr(report, "disclosure", None) or {}
    if not facts:
        return []
    sentences = [
        _(
            "The headline rests on %(paired)d unit-periods of %(units)d units. Of the %(cells)d unit-periods in the "
            "report, %(internal)d have no internal result (hidden for anonymity or not measured) and %(external)d "
            "no external score; they are left out, never counted as 0."
        )
        % {
            "paired": facts["paired"],
            "units": facts["units_paired"],
            "cells": facts["units"] * facts["periods"],
            "internal": facts["internal_missing"],
            "external": facts["external_missing"],
        }
    ]
    if facts.get("units_too_short_for_within"):
        sentences.append(
            ngettext(
                "%(count)d unit has too few periods for the within-unit reading and is left out of it.",
                "%(count)d units have too few periods for the within-unit reading and are left out of it.",
                facts["units_too_short_for_within"],
            )
            % {"count": facts["units_too_short_for_within"]}
        )
    sentences.append(
        _(
            "Between units, the multilevel model weighs each unit's average by how many periods back it, and the "
            "plain correlation counts each unit once; neither weighs a unit by its number of people, so a small "
            "unit's average, which is less precise, counts as much as a large one's."
        )
    )
    sentences += weighted_between_sentences(facts.get("weighted_between") or {})
    sentences += headcount_sentences(facts.get("headcount_basis") or {})
    if facts.get("imported_paired"):
        sentences.append(
            _(
                "%(cells)d of the headline's unit-periods rest on imported historical scores rather than pulse "
                "results; in %(units)d units the series changes from one to the other, so a change within those "
                "units may be a change of instrument."
            )
            % {"cells": facts["imported_paired"], "units": facts.get("units_changing_instrument", 0)}
        )
    sentences += sensitivity_sentences(facts.get("without_small_units") or {})
    return sentences


def weighted_between_sentences(reading: dict) -> list[str]:
    """The between-unit reading with units weighted by their respondents: a check on the equally
    weighted one, never a claim of its own."""
    if reading.get("r") is None:
        return []
    return [
        _(
            "Weighting each unit by its respondents instead, the between-unit correlation is r = %(r)s (p = %(p)s, "
            "with a variance robust to unequal units); its %(units)d units are as precise as %(effective)s equally "
            "weighted ones. This is a check on the result, not a separate finding."
        )
        % {
            "r": number(reading["r"]),
            "p": p_value(reading["p"]),
            "units": reading["units"],
            "effective": number(reading["effective_units"], 1),
        }
    ]


def headcount_sentences(basis: dict) -> list[str]:
    """Which headcount the per-head levers divide by."""
    if not any(basis.values()):
        return []
    sentences = [
        _(
            "Per-head levers divide each period's totals by that period's headcount, as pulse rounds recorded it "
            "when they opened (%(recorded)d unit-periods)."
        )
        % {"recorded": basis.get("recorded", 0)}
    ]
    if basis.get("carried"):
        sentences.append(
            ngettext(
                "%(count)d unit-period without a round keeps the unit's last recorded headcount before it (or, "
                "before any round, its first).",
                "%(count)d unit-periods without a round keep the unit's last recorded headcount before them (or, "
                "before any round, its first).",
                basis["carried"],
            )
            % {"count": basis["carried"]}
        )
    if basis.get("today"):
        sentences.append(
            ngettext(
                "%(count)d unit-period of units never surveyed takes today's headcount.",
                "%(count)d unit-periods of units never surveyed take today's headcount.",
                basis["today"],
            )
            % {"count": basis["today"]}
        )
    return sentences


def sensitivity_sentences(without: dict) -> list[str]:
    """The same-period readings again without the small units, so that a reader sees whether
    the result leans on them."""
    if not without.get("small_units"):
        return []
    readings = []
    for key, label in (("within", _("within units")), ("between", _("between units"))):
        reading = without.get(key) or {}
        if reading.get("r") is None:
            readings.append(_("%(reading)s: not computed") % {"reading": label})
        else:
            readings.append(
                _("%(reading)s: r = %(r)s (95%% CI %(low)s to %(high)s)")
                % {
                    "reading": label,
                    "r": number(reading["r"]),
                    "low": number(reading["low"]),
                    "high": number(reading["high"]),
                }
            )
    return [
        ngettext(
            "Without the %(count)d unit of fewer than %(people)d people: %(readings)s.",
            "Without the %(count)d units of fewer than %(people)d people: %(readings)s.",
            without["small_units"],
        )
        % {"count": without["small_units"], "people": without["people"], "readings": "; ".join(readings)}
    ]


def summarise(report, results: list) -> list[str]:
    """The report's plain-language summary: the headline the confirmatory tests support, the
    other confirmatory readings, whether either series came first, what the report could
    detect, the test families, and what was left out."""
    granularity = report.granularity
    better = getattr(report, "external_higher_is_better", True)
    paragraphs = [headline_sentence(report, results)] if results else []
    confirmatory = {
        (r.variant, r.lag): r
        for r in results
        if r.role == Role.CONFIRMATORY and r.family == Family.SATISFACTION_EXTERNAL
    }
    model_within = confirmatory.get((Variant.MULTILEVEL_WITHIN, 0))
    model_between = confirmatory.get((Variant.MULTILEVEL_BETWEEN, 0))
    plain = {
        r.variant: r
        for r in results
        if r.family == Family.SATISFACTION_EXTERNAL
        and r.lag == 0
        and r.variant in (Variant.WITHIN_UNIT, Variant.BETWEEN_UNIT)
    }
    within, between = plain.get(Variant.WITHIN_UNIT), plain.get(Variant.BETWEEN_UNIT)
    if model_within is not None:
        paragraphs.append(
            _(
                "Within units (each unit compared with itself over time, what moved every unit in a period "
                "taken out): %(text)s"
            )
            % {"text": describe(model_within, granularity=granularity, higher_is_better=better)}
        )
    if model_between is not None:
        paragraphs.append(
            _("Between units (each unit's average over the periods, weighted by how many periods back it): %(text)s")
            % {"text": describe(model_between, granularity=granularity, higher_is_better=better)}
        )
    paragraphs += [
        _("As a plain correlation (exploratory), %(reading)s: %(text)s")
        % {
            "reading": Variant(result.variant).label,
            "text": describe(result, granularity=granularity, higher_is_better=better),
        }
        for result in (within, between)
        if result is not None and not result.insufficient_data
    ]
    if report.max_lag and results:
        leads = claimed_leads(results)
        paragraphs += [
            _("The test of which came first also supports: %(text)s")
            % {"text": describe(lead, granularity=granularity, higher_is_better=better)}
            for lead in leads[1:]
        ]
        if not leads:
            paragraphs.append(
                _(
                    "Which came first: no test supports that either series leads the other, once each series' "
                    "same-period link and the later series' own previous value are taken into account."
                )
            )
    paragraphs += [text for text in (power_sentence(within), power_sentence(between)) if text]
    counted = [r for r in results if r.q_value is not None]
    if counted:
        confirmed = [r for r in counted if r.role == Role.CONFIRMATORY]
        explored = [r for r in counted if r.role != Role.CONFIRMATORY]
        paragraphs.append(
            _(
                "The %(confirmatory)d confirmatory tests were fixed before the data were seen and are corrected "
                "together (Holm); only they may lead this summary. The other %(exploratory)d tests are "
                "exploratory, corrected within their own families (Benjamini–Hochberg, Spearman's too): "
                "%(found)d have an adjusted p below 0.05, and they are leads to look into, not findings."
            )
            % {
                "confirmatory": len(confirmed),
                "exploratory": len(explored),
                "found": sum(1 for r in explored if r.q_value < SIGNIFICANCE),
            }
        )
    paragraphs += disclosure_sentences(report)
    for sentence in dict.fromkeys(missing_input_sentence(note) for note in report.notes):
        paragraphs.append(sentence)
    return paragraphs


def missing_input_sentence(note: str) -> str:
    if note.startswith("protected:"):
        protected, months, attenuation = note.split(":")[1:]
        return _(
            "%(protected)s of the %(months)s unit-months of pulse results carry protective noise (their groups "
            "changed by a few people since another round); the noise is known, and it shrinks their "
            "correlations by a factor of about %(attenuation)s."
        ) % {"protected": protected, "months": months, "attenuation": attenuation}
    if note.startswith("shrunk:"):
        shrunk, months, reliability = note.split(":")[1:]
        return _(
            "Shrunk scores: %(shrunk)s of the %(months)s unit-months of pulse results are empirical-Bayes estimates, "
            "moved toward their month's organisation mean by how few respondents they rest on (a median of "
            "%(kept)s of each unit's distance from the mean is kept); the others had no estimate of agreement "
            "within units and are as measured."
        ) % {"shrunk": shrunk, "months": months, "kept": number(float(reliability))}
    return note
