"""Printed matter of an SKM collection, drawn with reportlab: the A4 poster (unit, QR code,
short link, in Bahasa Indonesia and English), the sheet of visit codes for the counter, and
the SKM report per unit and period that PermenPANRB 14/2017 asks for.

The QR code is drawn from segno's module matrix as vector squares, so it prints sharp at any
size and needs no image library."""

import io
from xml.sax.saxutils import escape

import segno
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from service_quality import collection_selectors
from service_quality.models import SkmCollection, VisitCode

BRAND = colors.HexColor("#0f766e")
INK = colors.HexColor("#1f2937")
QR_SIZE = 120 * mm
# The poster's words, printed in both languages whatever the reader's.
POSTER_TITLE = gettext_noop("How did we serve you?")
POSTER_LINES = (
    (gettext_noop("Scan the code with your phone's camera and answer nine short questions."), 14),
    (gettext_noop("It takes less than a minute, and your name is never asked."), 12),
)
POSTER_FOOTER = gettext_noop("Public satisfaction survey (SKM)")
CODES_PER_ROW = 4
CODE_ROWS_PER_PAGE = 12


def draw_qr(pdf: canvas.Canvas, text: str, *, x: float, y: float, size: float) -> None:
    """A QR code of `text` (error correction M, quiet zone of four modules) with its lower-left
    corner at (x, y)."""
    code = segno.make(text, error="m", micro=False)
    matrix = list(code.matrix_iter(scale=1, border=4))
    module = size / len(matrix)
    pdf.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for column_index, dark in enumerate(row):
            if dark:
                pdf.rect(
                    x + column_index * module,
                    y + size - (row_index + 1) * module,
                    module,
                    module,
                    stroke=0,
                    fill=1,
                )


def _both(message: str) -> tuple[str, str]:
    with translation.override("id"):
        indonesian = _(message)
    with translation.override("en"):
        english = _(message)
    return indonesian, english


def poster_pdf(collection: SkmCollection, *, public_url: str) -> bytes:
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"SKM — {collection.department.name}")
    pdf.setFillColor(BRAND)
    pdf.rect(0, height - 45 * mm, width, 45 * mm, stroke=0, fill=1)
    pdf.setFillColor(colors.white)
    title_id, title_en = _both(POSTER_TITLE)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 22 * mm, title_id)
    pdf.setFont("Helvetica", 18)
    pdf.drawCentredString(width / 2, height - 34 * mm, title_en)
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawCentredString(width / 2, height - 62 * mm, collection.department.name)
    draw_qr(pdf, public_url, x=(width - QR_SIZE) / 2, y=height - 72 * mm - QR_SIZE, size=QR_SIZE)
    line = height - 82 * mm - QR_SIZE
    for message, size in POSTER_LINES:
        indonesian, english = _both(message)
        pdf.setFont("Helvetica-Bold", size)
        pdf.drawCentredString(width / 2, line, indonesian)
        pdf.setFont("Helvetica", size - 2)
        pdf.drawCentredString(width / 2, line - 6 * mm, english)
        line -= 15 * mm
    pdf.setFont("Courier-Bold", 15)
    pdf.drawCentredString(width / 2, line, public_url)
    pdf.setFont("Helvetica", 10)
    survey_id, survey_en = _both(POSTER_FOOTER)
    pdf.drawCentredString(
        width / 2,
        18 * mm,
        f"{survey_id} / {survey_en} · {collection.period_from:%d.%m.%Y}–{collection.period_to:%d.%m.%Y}",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def visit_codes_pdf(collection: SkmCollection, codes: list[VisitCode], *, public_url: str) -> bytes:
    """The unused visit codes as cut-out slips: each with the link and its code."""
    buffer = io.BytesIO()
    width, height = A4
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"{_('Visit codes')} — {collection.department.name}")
    slip_width = (width - 20 * mm) / CODES_PER_ROW
    slip_height = (height - 30 * mm) / CODE_ROWS_PER_PAGE
    per_page = CODES_PER_ROW * CODE_ROWS_PER_PAGE
    label = _("Visit code")
    for start in range(0, max(len(codes), 1), per_page):
        pdf.setFont("Helvetica-Bold", 11)
        pdf.drawString(10 * mm, height - 12 * mm, f"{collection.department.name} — {_('Visit codes')}")
        for index, code in enumerate(codes[start : start + per_page]):
            column, row = index % CODES_PER_ROW, index // CODES_PER_ROW
            x = 10 * mm + column * slip_width
            y = height - 20 * mm - (row + 1) * slip_height
            pdf.setStrokeColor(colors.lightgrey)
            pdf.rect(x, y, slip_width, slip_height, stroke=1, fill=0)
            pdf.setFont("Helvetica", 7)
            pdf.drawString(x + 2 * mm, y + slip_height - 5 * mm, label)
            pdf.setFont("Courier-Bold", 13)
            pdf.drawString(x + 2 * mm, y + slip_height / 2 - 2 * mm, code.code)
            pdf.setFont("Helvetica", 6)
            pdf.drawString(x + 2 * mm, y + 2 * mm, public_url[:48])
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=13, textColor=INK, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName="Helvetica-Bold", fontSize=12, leading=15, spaceBefore=8, textColor=BRAND
        ),
        "body": body,
    }


def _table(rows: list[list[str]]) -> Table:
    table = Table(rows, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return table


def skm_report_pdf(collection: SkmCollection, *, actions: list) -> bytes:
    """The SKM report of a unit and period: method, sample against target, respondent profile,
    IKM per element and overall with its grade, the lowest elements, the complaints and
    suggestions by element, and the improvement actions already linked to those elements."""
    styles = _styles()
    results = collection_selectors.collection_results(collection)
    story = [
        Paragraph(escape(_("Public satisfaction survey (SKM) report")), styles["title"]),
        Paragraph(
            escape(f"{collection.department.name} · {collection.period_from:%d.%m.%Y}–{collection.period_to:%d.%m.%Y}"),
            styles["body"],
        ),
        Paragraph(escape(_("Method")), styles["h2"]),
        Paragraph(
            escape(
                _(
                    "Nine service elements (U1–U9) of PermenPANRB 14/2017, each answered 1–4 at a public form and a "
                    "kiosk with no sign-in. IKM = 25 × the mean of the nine element means (weight 1/9 each); grade A "
                    "from 88.31, B from 76.61, C from 65.00, else D. Minimum sample by Krejcie & Morgan (1970): "
                    "s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3.841, P = 0.5, d = 0.05. Answers flagged as bursts "
                    "are left out of the index."
                ).replace("χ²", "chi²")
            ),
            styles["body"],
        ),
        Paragraph(escape(_("Sample")), styles["h2"]),
        _table(
            [
                [
                    _("Expected customers"),
                    _("Sample target"),
                    _("Responses"),
                    _("Counted"),
                    _("Verified"),
                    _("Flagged"),
                ],
                [
                    str(collection.expected_customers),
                    str(results.sample_target),
                    str(results.responses),
                    str(results.counted),
                    str(results.verified),
                    str(results.flagged),
                ],
            ]
        ),
        Paragraph(
            escape(
                _("The sample target was reached.")
                if results.sample_reached
                else _("The sample target was not reached.")
            ),
            styles["body"],
        ),
        Paragraph(escape(_("Index")), styles["h2"]),
    ]
    if results.ikm is None:
        story.append(Paragraph(escape(_("No results yet.")), styles["body"]))
    else:
        story.append(
            Paragraph(
                escape(f"IKM {results.ikm} — {_('grade')} {results.grade.letter} ({results.grade.label})"),
                styles["body"],
            )
        )
        story.append(
            _table(
                [[_("Element"), _("Mean (1–4)"), _("Score (25–100)")]]
                + [
                    [f"{element.element.upper()} {element.label}", f"{element.mean}", f"{element.score}"]
                    for element in results.elements
                ]
            )
        )
        story.append(Paragraph(escape(_("Lowest elements")), styles["h2"]))
        story.append(
            Paragraph(
                escape(
                    ", ".join(
                        f"{element.element.upper()} {element.label} ({element.mean})" for element in results.lowest
                    )
                ),
                styles["body"],
            )
        )
    story.append(Paragraph(escape(_("Respondent profile")), styles["h2"]))
    for name, groups in collection_selectors.results_by_profile(collection).items():
        story.append(
            _table(
                [[str(dict(collection_selectors.PROFILE_LABELS)[name]), _("Respondents"), "IKM"]]
                + [
                    [group.label, str(group.responses), "—" if group.ikm is None else str(group.ikm)]
                    for group in groups
                ]
            )
        )
        story.append(Spacer(1, 3 * mm))
    story.append(Paragraph(escape(_("Complaints and suggestions")), styles["h2"]))
    grouped = collection_selectors.suggestions(collection)
    if not grouped:
        story.append(Paragraph(escape(_("None were given.")), styles["body"]))
    for group in grouped:
        story.append(Paragraph(escape(f"{group['element'].upper()} {group['label']}"), styles["body"]))
        for item in group["items"]:
            story.append(Paragraph("• " + escape(item["text"]), styles["body"]))
    story.append(Paragraph(escape(_("Improvement actions on these elements")), styles["h2"]))
    if not actions:
        story.append(Paragraph(escape(_("None are linked yet.")), styles["body"]))
    for item in actions:
        story.append(
            Paragraph(escape(f"{item['element'].upper()}: {item['title']} ({item['status']})"), styles["body"])
        )
    story.append(Spacer(1, 4 * mm))
    story.append(
        Paragraph(escape(_("Made by Prima on %(date)s.") % {"date": timezone.localdate().isoformat()}), styles["body"])
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=_("SKM report"), pageCompression=0).build(story)
    return buffer.getvalue()
