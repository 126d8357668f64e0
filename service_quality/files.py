"""Reading an uploaded table: CSV (UTF-8, with or without a byte-order mark) or XLSX.

What is accepted, and why:
- UTF-8, with or without the byte-order mark that Excel's "CSV UTF-8" writes (the mark is
  dropped). Any other encoding — Windows-1252 "ANSI" CSV from older Excel, UTF-16 "Unicode
  text" — is refused with the line it fails on: guessing a code page could silently turn a
  name into another, and the fix (save as CSV UTF-8) is one click.
- The separator is read from the header line: comma, semicolon (Excel in an Indonesian locale)
  or tab.
- XLSX: the first worksheet; its first row is the header. Old .xls workbooks are refused.
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
MAX_ENCODING_ERRORS = 50
SEPARATORS = (",", ";", "\t")

Cell = str | int | float | dt.datetime | dt.date | None


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": str(self.message)}


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; `errors` says why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(error.message for error in errors))


@dataclass
class Table:
    file_format: str
    header: list[str]
    raw_header: list[str]
    data: list[list[Cell]] = field(default_factory=list)
    rows_total: int = 0
    notes: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) for every non-blank data row."""
        for offset, cells in enumerate(self.data, start=2):
            if not all(_is_blank(value) for value in cells):
                yield offset, cells


def _is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def normalise_column(name: Cell) -> str:
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


def open_table(content: bytes, file_name: str = "") -> Table:
    """The table in `content`; raises UnreadableFile with every reason it cannot be read."""
    if not content or not content.strip():
        raise UnreadableFile([RowError(None, None, _("The file is empty."))])
    if content.startswith(OLE2_SIGNATURE):
        raise UnreadableFile(
            [RowError(None, None, _("This is an old Excel 97–2003 (.xls) file: save it as .xlsx or CSV UTF-8."))]
        )
    if content.startswith(ZIP_SIGNATURE):
        return _open_xlsx(content)
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile(
            [RowError(None, None, _("The file is UTF-16 (“Unicode text”): save it as CSV UTF-8 and upload it again."))]
        )
    if b"\x00" in content[:8192]:
        raise UnreadableFile([RowError(None, None, _("This is not a CSV or XLSX file."))])
    return _open_csv(content)


def _undecodable_lines(content: bytes) -> list[RowError]:
    errors = []
    for number, line in enumerate(content.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = line[error.start]
            try:
                guess = bytes([byte]).decode("cp1252")
            except UnicodeDecodeError:
                guess = "?"
            errors.append(
                RowError(
                    number,
                    None,
                    _(
                        "Byte 0x%(byte)02X is not UTF-8 (in Windows-1252 it would be “%(guess)s”): "
                        "save the file as CSV UTF-8 and upload it again."
                    )
                    % {"byte": byte, "guess": guess},
                )
            )
            if len(errors) >= MAX_ENCODING_ERRORS:
                break
    return errors


def _open_csv(content: bytes) -> Table:
    notes = []
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
        notes.append(_("The byte-order mark at the start of the file was ignored."))
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableFile(_undecodable_lines(content)) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True))
    except csv.Error as error:
        raise UnreadableFile(
            [RowError(None, None, _("The CSV file is malformed: %(error)s") % {"error": error})]
        ) from None
    while records and all(_is_blank(value) for value in records[0]):
        records.pop(0)
    if not records:
        raise UnreadableFile([RowError(None, None, _("The file is empty."))])
    raw_header = list(records[0])
    while raw_header and not raw_header[-1].strip():
        raw_header.pop()  # a trailing separator names no column
    rows = records[1:]
    return Table(
        file_format="csv",
        header=[normalise_column(name) for name in raw_header],
        raw_header=raw_header,
        data=rows,
        rows_total=sum(1 for row in rows if not all(_is_blank(value) for value in row)),
        notes=notes,
    )


def _open_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(
            [RowError(None, None, _("This is not an Excel workbook (.xlsx) or a CSV file."))]
        ) from None
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile([RowError(None, None, _("The Excel workbook could not be read."))]) from None
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise UnreadableFile([RowError(None, None, _("The workbook has no worksheet."))])
    header_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), None)
    if header_row is None or all(_is_blank(value) for value in header_row):
        raise UnreadableFile([RowError(None, None, _("The file is empty."))])
    raw_header = [str(value) if value is not None else "" for value in header_row]
    while raw_header and not raw_header[-1].strip():
        raw_header.pop()
    rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
    workbook.close()
    return Table(
        file_format="xlsx",
        header=[normalise_column(name) for name in raw_header],
        raw_header=raw_header,
        data=rows,
        rows_total=sum(1 for row in rows if not all(_is_blank(value) for value in row)),
    )


def count_data_rows(content: bytes) -> int:
    """A quick estimate of the data rows (to decide whether to run in the background): lines
    of a CSV, or the worksheet's stated size. Exact counts come from `open_table`."""
    if content.startswith(ZIP_SIGNATURE):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True)
            rows = (workbook.worksheets[0].max_row or 1) - 1 if workbook.worksheets else 0
            workbook.close()
            return max(rows, 0)
        except Exception:  # noqa: BLE001 - an unreadable workbook is reported by open_table
            return 0
    return max(content.count(b"\n") - 1 + (0 if content.endswith(b"\n") else 1), 0)
