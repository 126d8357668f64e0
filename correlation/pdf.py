"""A correlation report as PDF: its parameters, the plain-language summary, the scatter of
internal satisfaction against the external score with the regression line and its 95% band,
r by lag in both directions with interval bars, and the tables behind them, in the reader's
language and number format (fonts, styles, tables and the document: `core.pdf`).
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from core import pdf
from core.formatting import month
from core.pdf import BOLD, BRAND, FONT, GRID, INK, MUTED, markup
from correlation import interpretation, stats
from correlation.charts import nice_ticks
from correlation.models import Family, Variant
from correlation.series import LEVERS
from pulse_surveys.selectors import driver_list

WITHIN = colors.HexColor("#7c3aed")
FIT = colors.HexColor("#b45309")
BAND = colors.Color(0.984, 0.749, 0.141, alpha=0.3)

CHART_WIDTH, CHART_HEIGHT = 170 * mm, 95 * mm
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 14, 34  # chart margins in points
SIGNIFICANCE = 0.05
MATRIX_ROWS_SHOWN = 15  # the strongest driver × dimension findings listed


def _n(value, places: int = 2) -> str:
    return interpretation.number(value, places)


def _ci(result) -> str:
    return f"{_n(result.ci_low)} … {_n(result.ci_high)}"


# --- Charts.


class _Scale:
    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def _text(x, y, text, *, size=7, anchor="start", color=MUTED, bold=False) -> String:
    return String(x, y, text, fontName=BOLD if bold else FONT, fontSize=size, fillColor=color, textAnchor=anchor)


def scatter_drawing(points, *, external_label: str, higher_is_better: bool = True) -> Drawing:
    """Internal satisfaction (across) against the external score (up) per unit-period, with the
    least-squares line and the 95% confidence band of its mean, clustered by unit. For a
    lower-is-better measure the external axis runs with lower values up, as on the page."""
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    xs = [point.internal for point in points]
    ys = [point.external for point in points]
    band = stats.regression_band(xs, ys, units=[point.department_id for point in points])
    y_values = ys + ([float(band.low.min()), float(band.high.max())] if band is not None else [])
    x_ticks, y_ticks = nice_ticks(min(xs), max(xs)), nice_ticks(min(y_values), max(y_values))
    x_of = _Scale(x_ticks[0], x_ticks[-1], LEFT, CHART_WIDTH - RIGHT)
    if higher_is_better:
        y_of = _Scale(y_ticks[0], y_ticks[-1], BOTTOM, CHART_HEIGHT - TOP)
    else:
        y_of = _Scale(y_ticks[0], y_ticks[-1], CHART_HEIGHT - TOP, BOTTOM)
    for tick in y_ticks:
        drawing.add(Line(LEFT, y_of(tick), CHART_WIDTH - RIGHT, y_of(tick), strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(LEFT - 4, y_of(tick) - 2.5, _n(tick, 0 if float(tick).is_integer() else 1), anchor="end"))
    for tick in x_ticks:
        drawing.add(Line(x_of(tick), BOTTOM, x_of(tick), CHART_HEIGHT - TOP, strokeColor=GRID, strokeWidth=0.5))
        drawing.add(_text(x_of(tick), BOTTOM - 10, _n(tick, 0 if float(tick).is_integer() else 1), anchor="middle"))
    if band is not None:
        upper = [coordinate for x, y in zip(band.xs, band.high, strict=True) for coordinate in (x_of(x), y_of(y))]
        lower = [
            coordinate for x, y in zip(band.xs[::-1], band.low[::-1], strict=True) for coordinate in (x_of(x), y_of(y))
        ]
        drawing.add(Polygon(upper + lower, fillColor=BAND, strokeColor=None, strokeWidth=0))
    for x, y in zip(xs, ys, strict=True):
        drawing.add(
            Circle(
                x_of(x),
                y_of(y),
                2.2,
                fillColor=colors.Color(0.06, 0.46, 0.43, alpha=0.55),
                strokeColor=BRAND,
                strokeWidth=0.5,
            )
        )
    if band is not None:
        line = [coordinate for x, y in zip(band.xs, band.fitted, strict=True) for coordinate in (x_of(x), y_of(y))]
        drawing.add(PolyLine(line, strokeColor=FIT, strokeWidth=1.6))
    drawing.add(
        _text(CHART_WIDTH - RIGHT, 4, _("internal satisfaction (0–100)"), size=8, anchor="end", color=INK, bold=True)
    )
    drawing.add(_text(LEFT, CHART_HEIGHT - TOP + 5, external_label, size=8, color=INK, bold=True))
    return drawing


def lag_drawing(results, *, max_lag: int, left_label: str, right_label: str) -> Drawing:
    """r with its 95% interval at each lag, both directions; all unit-periods (circles) and
    within units (squares) side by side, filled where q < 0.05."""
    height = 75 * mm
    drawing = Drawing(CHART_WIDTH, height)
    y_of = _Scale(-1.0, 1.0, BOTTOM, height - TOP - 14)  # the legend sits above the plot
    slots = 2 * max_lag + 1
    slot = (CHART_WIDTH - RIGHT - LEFT) / slots
    for tick in (-1.0, -0.5, 0.0, 0.5, 1.0):
        stroke = MUTED if tick == 0 else GRID
        drawing.add(Line(LEFT, y_of(tick), CHART_WIDTH - RIGHT, y_of(tick), strokeColor=stroke, strokeWidth=0.6))
        drawing.add(_text(LEFT - 4, y_of(tick) - 2.5, _n(tick, 1), anchor="end"))
    for lag in range(-max_lag, max_lag + 1):
        drawing.add(
            _text(LEFT + (lag + max_lag + 0.5) * slot, BOTTOM - 10, f"{lag:+d}" if lag else "0", anchor="middle")
        )
    drawing.add(_text(LEFT, 4, f"« {left_label}", size=7.5, color=INK))
    drawing.add(_text(CHART_WIDTH - RIGHT, 4, f"{right_label} »", size=7.5, anchor="end", color=INK))
    offsets = {Variant.POOLED: -0.15, Variant.WITHIN_UNIT: 0.15}
    for result in results:
        # r by lag: a between-unit result has no lag, a test of which came first no r
        if result.pearson_r is None or result.variant not in offsets:
            continue
        colour = BRAND if result.variant == Variant.POOLED else WITHIN
        x = LEFT + (result.lag + max_lag + 0.5 + offsets.get(result.variant, 0)) * slot
        low, high, r = y_of(result.ci_low), y_of(result.ci_high), y_of(result.pearson_r)
        drawing.add(Line(x, low, x, high, strokeColor=colour, strokeWidth=1))
        drawing.add(Line(x - 3, low, x + 3, low, strokeColor=colour, strokeWidth=1))
        drawing.add(Line(x - 3, high, x + 3, high, strokeColor=colour, strokeWidth=1))
        filled = colour if result.q_value is not None and result.q_value < SIGNIFICANCE else colors.white
        if result.variant == Variant.POOLED:
            drawing.add(Circle(x, r, 3, fillColor=filled, strokeColor=colour, strokeWidth=1.2))
        else:
            drawing.add(Rect(x - 3, r - 3, 6, 6, fillColor=filled, strokeColor=colour, strokeWidth=1.2))
    legend_y = height - 8
    drawing.add(Circle(LEFT + 4, legend_y + 2, 3, fillColor=BRAND, strokeColor=BRAND))
    drawing.add(_text(LEFT + 10, legend_y, _("all unit-periods"), size=7.5, color=INK))
    drawing.add(Rect(LEFT + 110, legend_y - 1, 6, 6, fillColor=WITHIN, strokeColor=WITHIN))
    drawing.add(_text(LEFT + 120, legend_y, _("within units"), size=7.5, color=INK))
    drawing.add(_text(LEFT + 200, legend_y, _("filled: q < 0.05"), size=7.5, color=INK))
    return drawing


# --- Tables.


def _result_rows(results, *, first_header: str, label) -> list[list]:
    rows = [[first_header, _("Variant"), _("Lag"), "n", "r", _("95% CI"), "p", "q"]]
    for result in results:
        tested = result.pearson_r is not None
        rows.append(
            [
                label(result),
                result.get_variant_display(),
                f"{result.lag:+d}" if result.lag else "0",
                str(result.n),
                _n(result.pearson_r) if tested else "—",
                _ci(result) if tested else _("insufficient data"),
                interpretation.p_value(result.pearson_p) if tested else "—",
                interpretation.p_value(result.q_value) if tested else "—",
            ]
        )
    return rows


# --- The document.


def report_title(report) -> str:
    return _("Correlation report: %(first)s – %(last)s") % {
        "first": month(report.period_from),
        "last": month(report.period_to),
    }


def report_story(report) -> list:
    """The document's flowables: text, charts and tables (one query besides the report's own
    prefetched results and points: the drivers' names)."""
    pdf.register_fonts()
    styles = pdf.styles()
    results = list(report.results.all())
    points = list(report.points.all())
    external_label = interpretation.headline_label(report)
    headline = sorted(
        (r for r in results if r.family == Family.SATISFACTION_EXTERNAL), key=lambda r: (r.lag, r.variant)
    )
    title = report_title(report)
    story = [Paragraph(markup(title), styles["title"])]
    facts = [
        [_("Compared by"), report.get_granularity_display()],
        [_("Lags"), _("0 to %(lag)s periods, in both directions") % {"lag": report.max_lag}],
        [_("External scores"), external_label],
        [_("Requested"), formats.date_format(timezone.localtime(report.created_at), "DATETIME_FORMAT")],
    ]
    if report.latest_input_period:
        facts.append([_("Latest data"), month(report.latest_input_period)])
    fact_table = Table(
        [[Paragraph(markup(key), styles["small"]), Paragraph(markup(value), styles["cell"])] for key, value in facts],
        colWidths=[35 * mm, 135 * mm],
        hAlign="LEFT",
    )
    fact_table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    story += [fact_table, Spacer(1, 4)]

    story.append(Paragraph(markup(_("Summary")), styles["h2"]))
    story += [Paragraph(markup(text), styles["body"]) for text in interpretation.summarise(report, results)]

    story.append(Paragraph(markup(_("Internal satisfaction and external scores, same period")), styles["h2"]))
    if points:
        caption = _(
            "Each dot is one unit in one period: internal satisfaction (across) and %(external)s (up), with the "
            "least-squares line and its 95%% confidence band."
        ) % {"external": external_label}
        story.append(
            KeepTogether(
                [
                    Paragraph(markup(caption), styles["small"]),
                    scatter_drawing(
                        points, external_label=external_label, higher_is_better=report.external_higher_is_better
                    ),
                ]
            )
        )
    else:
        story.append(
            Paragraph(markup(_("No unit and period has both an internal and an external score.")), styles["body"])
        )

    lag_section = [Paragraph(markup(_("The relationship at each lag")), styles["h2"])]
    lag_section.append(
        Paragraph(
            markup(
                _(
                    "A positive lag pairs internal satisfaction with the external scores that many periods later; a "
                    "negative lag pairs external scores with internal satisfaction later on."
                )
            ),
            styles["small"],
        )
    )
    lag_section.append(
        lag_drawing(
            headline,
            max_lag=report.max_lag,
            left_label=_("external scores first"),
            right_label=_("internal satisfaction first"),
        )
    )
    story.append(KeepTogether(lag_section))
    story.append(
        pdf.table(
            _result_rows(headline, first_header=_("Series"), label=lambda r: external_label),
            [38 * mm, 28 * mm, 12 * mm, 12 * mm, 15 * mm, 28 * mm, 17 * mm, 17 * mm],
            styles,
        )
    )

    drivers = [r for r in results if r.family == Family.DRIVERS_DIMENSIONS and r.pearson_r is not None]
    if drivers:
        story.append(Paragraph(markup(_("Drivers and external dimensions (same period)")), styles["h2"]))
        strongest = sorted(drivers, key=lambda r: -abs(r.pearson_r))[:MATRIX_ROWS_SHOWN]
        story.append(
            Paragraph(
                markup(
                    _("The %(count)s strongest of %(total)s relationships between a driver and a dimension.")
                    % {"count": len(strongest), "total": len(drivers)}
                ),
                styles["small"],
            )
        )
        names = {driver.key: driver.name for driver in driver_list()}
        rows = [[_("Driver"), _("Dimension"), "n", "r", _("95% CI"), "q"]]
        for result in strongest:
            key = result.internal_metric.removeprefix("driver:")
            rows.append(
                [
                    names.get(key) or interpretation.metric_label(result.internal_metric),
                    interpretation.dimension_label(result.external_metric.partition(":")[2]),
                    str(result.n),
                    _n(result.pearson_r),
                    _ci(result),
                    interpretation.p_value(result.q_value),
                ]
            )
        story.append(pdf.table(rows, [45 * mm, 45 * mm, 12 * mm, 18 * mm, 30 * mm, 20 * mm], styles))

    levers = [r for r in results if r.family == Family.LEVERS]
    if levers:
        story.append(Paragraph(markup(_("Levers and internal satisfaction")), styles["h2"]))
        order = {lever: index for index, lever in enumerate(LEVERS)}
        levers.sort(key=lambda r: (order.get(r.external_metric, len(order)), r.lag, r.variant))
        story.append(
            pdf.table(
                _result_rows(
                    levers, first_header=_("Lever"), label=lambda r: interpretation.metric_label(r.external_metric)
                ),
                [38 * mm, 28 * mm, 12 * mm, 12 * mm, 15 * mm, 28 * mm, 17 * mm, 17 * mm],
                styles,
            )
        )

    story.append(Paragraph(markup(_("How to read this report")), styles["h2"]))
    for text in (
        _(
            "Strength of a relationship by |r|: below 0.10 no clear relationship; 0.10 to 0.29 weak; 0.30 to 0.49 "
            "moderate; 0.50 and above strong."
        ),
        _(
            "q is the Benjamini–Hochberg adjusted p-value over every test in this report: findings with q < 0.05 "
            "keep the expected share of false discoveries below 5%."
        ),
        _("A correlation shows what went together. It does not prove that one caused the other."),
    ):
        story.append(Paragraph(markup(text), styles["body"]))
    return story


def report_pdf(report) -> bytes:
    """The PDF of a finished report (its results and points prefetched), A4."""
    return pdf.document(report_story(report), title=report_title(report), subject=_("Correlation report"))
