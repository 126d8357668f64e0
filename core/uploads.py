"""Every uploaded table Prima reads goes through here, bounded by construction.

An upload is read in chunks up to a hard byte limit (never trusting a declared size), sniffed
for what it really is, and then streamed row by row with limits on rows, columns and cell
length that are checked while reading. Nothing is taken from what a file declares about itself:
an XLSX worksheet's stated dimension is ignored, and a workbook's zip entries are checked for
their unpacked size and compression ratio before any XML is parsed. XLSX cells are read as the
values the workbook stored; formulas are never evaluated.

What is accepted:
- CSV in UTF-8 (with or without Excel's byte-order mark), separated by comma, semicolon (Excel
  in an Indonesian locale) or tab, read from the header line.
- XLSX: the first worksheet, its first row the header. Old .xls workbooks are refused by name.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc (Office 97–2003)
ZIP_SIGNATURE = b"PK\x03\x04"  # .xlsx (and .docx, .zip)
SEPARATORS = (",", ";", "\t")
SNIFF_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024
# A zip entry smaller than this is never judged by its ratio: tiny XML parts compress well.
RATIO_FLOOR_BYTES = 1024 * 1024

Cell = str | int | float | dt.datetime | dt.date | None


@dataclass(frozen=True)
class UploadLimits:
    """The most a single upload may hold. The defaults fit an organisation of 200,000 people
    (about 25 MB of CSV); every reader of uploads uses them unless it has a reason to be
    stricter."""

    max_bytes: int = 32 * 1024 * 1024
    max_rows: int = 250_000
    max_columns: int = 64
    max_cell_chars: int = 4_000
    max_unpacked_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 100


DEFAULT_LIMITS = UploadLimits()


@dataclass(frozen=True)
class UploadProblem:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class UploadRefused(Exception):
    """The upload cannot be read as a table within the limits; `problems` says why."""

    def __init__(self, problems: list[UploadProblem]):
        self.problems = problems
        super().__init__("; ".join(str(problem.message) for problem in problems))

    @classmethod
    def because(cls, message: str, *, row: int | None = None, column: str | None = None) -> "UploadRefused":
        return cls([UploadProblem(row, column, message)])


def read_bounded(stream, limits: UploadLimits = DEFAULT_LIMITS) -> bytes:
    """Reads a file-like object (an UploadedFile, an open file) in chunks, refusing it as soon
    as it holds more than `limits.max_bytes`; the size it claims is never trusted."""
    chunks, total = [], 0
    if getattr(stream, "seekable", lambda: False)():
        stream.seek(0)
    while True:
        chunk = stream.read(READ_CHUNK_BYTES)
        if not chunk:
            break
        total += len(chunk)
        if total > limits.max_bytes:
            raise UploadRefused.because(too_large_message(limits))
        chunks.append(chunk)
    return b"".join(chunks)


def too_large_message(limits: UploadLimits = DEFAULT_LIMITS) -> str:
    return _("The file is larger than %(mb)d MB.") % {"mb": limits.max_bytes // (1024 * 1024)}


def sniff(content: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> str:
    """`csv` or `xlsx`, or UploadRefused saying what the bytes are instead."""
    if len(content) > limits.max_bytes:
        raise UploadRefused.because(too_large_message(limits))
    if not content or not content.strip():
        raise UploadRefused.because(_("The file is empty."))
    if content.startswith(OLE2_SIGNATURE):
        raise UploadRefused.because(_("This is an old Excel 97–2003 (.xls) file: save it as .xlsx or CSV UTF-8."))
    if content.startswith(ZIP_SIGNATURE):
        _check_workbook_archive(content, limits)
        return "xlsx"
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UploadRefused.because(_("The file is UTF-16 (“Unicode text”): save it as CSV UTF-8 and upload it again."))
    head = content[:SNIFF_BYTES]
    if b"\x00" in head:
        raise UploadRefused.because(_("This is not a CSV or XLSX file."))
    # Cut at the last line break so that a multi-byte character split by the window is not
    # taken for bad bytes.
    cut = head.rfind(b"\n") if len(content) > SNIFF_BYTES else len(head)
    try:
        head[: cut if cut > 0 else len(head)].decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused(_undecodable_lines(content)) from None
    printable = sum(1 for byte in head if byte >= 0x20 or byte in b"\t\r\n")
    if printable < len(head) * 0.95:
        raise UploadRefused.because(_("This is not a CSV or XLSX file."))
    return "csv"


def _check_workbook_archive(content: bytes, limits: UploadLimits) -> None:
    """A zip is an XLSX only if it holds a workbook; its unpacked size and each entry's ratio
    are bounded before anything is decompressed."""
    not_a_workbook = _("This is not an Excel workbook (.xlsx) or a CSV file.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused.because(not_a_workbook) from None
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise UploadRefused.because(not_a_workbook)
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > limits.max_unpacked_bytes:
        raise UploadRefused.because(
            _("The workbook unpacks to more than %(mb)d MB.") % {"mb": limits.max_unpacked_bytes // (1024 * 1024)}
        )
    for entry in entries:
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
            raise UploadRefused.because(
                _("The workbook is compressed more than %(ratio)d to 1: it is refused as a possible zip bomb.")
                % {"ratio": limits.max_ratio}
            )


def _undecodable_lines(content: bytes, most: int = 20) -> list[UploadProblem]:
    problems = []
    for number, line in enumerate(content.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = line[error.start]
            try:
                guess = bytes([byte]).decode("cp1252")
            except UnicodeDecodeError:
                guess = "?"
            problems.append(
                UploadProblem(
                    number,
                    None,
                    _(
                        "Byte 0x%(byte)02X is not UTF-8 (in Windows-1252 it would be “%(guess)s”): "
                        "save the file as CSV UTF-8 and upload it again."
                    )
                    % {"byte": byte, "guess": guess},
                )
            )
            if len(problems) >= most:
                break
    return problems


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_column(name: Cell) -> str:
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


@dataclass
class RowStream:
    """A sniffed upload, read lazily. `header` is known at once; `rows()` streams the non-blank
    data rows as (row number, cells), raising UploadRefused when a limit is crossed; a row may
    hold more cells than the header names (the caller says what that means); `rows_read`
    counts what it yielded."""

    file_format: str
    header: list[str]
    raw_header: list[str]
    _rows: Iterator[tuple[int, list[Cell]]]
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        for number, cells in self._rows:
            self.rows_read += 1
            yield number, cells


def open_rows(content: bytes, limits: UploadLimits = DEFAULT_LIMITS) -> RowStream:
    """The upload as a RowStream; UploadRefused if it is not a table Prima can read."""
    file_format = sniff(content, limits)
    if file_format == "xlsx":
        return _xlsx_rows(content, limits)
    return _csv_rows(content, limits)


def _bounded(
    records: Iterator[list[Cell]], header_width: int, limits: UploadLimits, start: int
) -> Iterator[tuple[int, list[Cell]]]:
    data_rows = 0
    for number, cells in enumerate(records, start=start):
        if all(is_blank(value) for value in cells):
            continue
        data_rows += 1
        if data_rows > limits.max_rows:
            raise UploadRefused.because(_("The file has more than %(n)d rows.") % {"n": limits.max_rows}, row=number)
        width = len(cells)
        while width > header_width and is_blank(cells[width - 1]):
            width -= 1
        if width > limits.max_columns:
            raise UploadRefused.because(
                _("The row has more than %(n)d columns.") % {"n": limits.max_columns}, row=number
            )
        for value in cells:
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise UploadRefused.because(
                    _("A cell holds more than %(n)d characters.") % {"n": limits.max_cell_chars}, row=number
                )
        yield number, list(cells[:width])


def _trim_header(raw: list[Cell], limits: UploadLimits) -> list[str]:
    header = ["" if value is None else str(value) for value in raw]
    while header and not header[-1].strip():
        header.pop()  # a trailing separator names no column
    if not header:
        raise UploadRefused.because(_("The file is empty."))
    if len(header) > limits.max_columns:
        raise UploadRefused.because(_("The row has more than %(n)d columns.") % {"n": limits.max_columns}, row=1)
    return header


def _row_stream(file_format: str, records: Iterator[list[Cell]], limits: UploadLimits, notes: list[str]) -> RowStream:
    """The first non-blank record is the header; the rest stream, bounded, from the next line."""
    raw_header, header_line = None, 0
    for raw in records:
        header_line += 1
        if not all(is_blank(value) for value in raw):
            raw_header = raw
            break
    if raw_header is None:
        raise UploadRefused.because(_("The file is empty."))
    header = _trim_header(raw_header, limits)
    return RowStream(
        file_format=file_format,
        header=[normalise_column(name) for name in header],
        raw_header=header,
        _rows=_bounded(records, len(header), limits, start=header_line + 1),
        notes=notes,
    )


def _csv_rows(content: bytes, limits: UploadLimits) -> RowStream:
    notes = []
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
        notes.append(_("The byte-order mark at the start of the file was ignored."))
    text = io.TextIOWrapper(io.BytesIO(content), encoding="utf-8", newline="")
    first_line = content.lstrip(b"\r\n").split(b"\n", 1)[0].decode("utf-8", errors="replace")
    separator = max(SEPARATORS, key=first_line.count)
    csv.field_size_limit(limits.max_cell_chars + 1)
    reader = csv.reader(text, delimiter=separator, strict=True)

    def records() -> Iterator[list[Cell]]:
        try:
            yield from reader
        except UnicodeDecodeError:
            raise UploadRefused(_undecodable_lines(content)) from None
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise UploadRefused.because(
                    _("A cell holds more than %(n)d characters.") % {"n": limits.max_cell_chars},
                    row=reader.line_num,
                ) from None
            raise UploadRefused.because(
                _("The CSV file is malformed: %(error)s") % {"error": error}, row=reader.line_num
            ) from None

    return _row_stream("csv", records(), limits, notes)


def _xlsx_rows(content: bytes, limits: UploadLimits) -> RowStream:
    from openpyxl import load_workbook

    try:
        # read_only streams the sheet's XML; data_only reads stored values, never formulas.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UploadRefused.because(_("This is not an Excel workbook (.xlsx) or a CSV file.")) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise UploadRefused.because(_("The Excel workbook could not be read.")) from None
    if not workbook.worksheets:
        raise UploadRefused.because(_("The workbook has no worksheet."))
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # the declared size is never trusted
    # One column past the limit is read, so that a wider row is seen and refused.
    records = sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1)

    def checked() -> Iterator[list[Cell]]:
        try:
            for record in records:
                yield list(record)
        except UploadRefused:
            raise
        except Exception:  # noqa: BLE001 - a damaged sheet fails while it streams
            raise UploadRefused.because(_("The Excel workbook could not be read.")) from None
        finally:
            workbook.close()

    return _row_stream("xlsx", checked(), limits, [])
