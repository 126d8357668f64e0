"""One way to write a PDF in Prima: reportlab with the Bitstream Vera fonts it ships, embedded in
the file (they cover the dashes, ≥, ± and × of the text; the Greek letters a text may hold are
written out, as Vera has none), the brand colours, the paragraph styles, escaped markup, tables
whose number columns align right, and an A4 document with a footer naming Prima and the page."""

import io
from pathlib import Path
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

FONT, BOLD, ITALIC = "PrimaVera", "PrimaVera-Bold", "PrimaVera-Italic"
_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf"}
GREEK = {"α": "alpha", "ρ": "rho"}

BRAND = colors.HexColor("#0f766e")
GRID = colors.HexColor("#e5e7eb")
MUTED = colors.HexColor("#6b7280")
INK = colors.HexColor("#1f2937")
MARGIN = 20 * mm


def register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file_name in _FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file_name)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles: title, h2, body, small, and table cells (text and numbers)."""
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=BOLD, fontSize=17, leading=21, spaceAfter=8),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=5, textColor=BRAND
        ),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=MUTED),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0),
        "num": ParagraphStyle("num", parent=body, fontSize=8, leading=10, spaceAfter=0, alignment=TA_RIGHT),
    }


def markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, Greek letters written out."""
    text = escape(str(text))
    for letter, name in GREEK.items():
        text = text.replace(letter, name)
    return text


def table(rows: list[list], widths: list[float], styles: dict, *, numbers_from: int = 2) -> Table:
    """A table whose first row is its header and whose columns from `numbers_from` on hold
    numbers (right-aligned)."""
    header, body = rows[0], rows[1:]

    def style(index: int):
        return styles["num"] if index >= numbers_from else styles["cell"]

    cells = [[Paragraph(f"<b>{markup(text)}</b>", style(index)) for index, text in enumerate(header)]]
    cells += [[Paragraph(markup(value), style(index)) for index, value in enumerate(row)] for row in body]
    built = Table(cells, colWidths=widths, repeatRows=1)
    built.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, MUTED),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return built


def document(story: list, *, title: str, subject: str) -> bytes:
    """The A4 PDF of `story`, each page's footer naming Prima, the title and the page."""
    register_fonts()
    buffer = io.BytesIO()
    pages = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Prima",
        subject=subject,
    )

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, 10 * mm, f"Prima · {title}")
        canvas.drawRightString(A4[0] - MARGIN, 10 * mm, str(doc.page))
        canvas.restoreState()

    pages.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
