"""Reading an uploaded table of scores, through the one bounded reader every upload uses
(`core.uploads`: UTF-8 CSV with comma, semicolon or tab, or the first sheet of an XLSX; limits on
bytes, rows, columns and unpacked size checked while reading). This module keeps the shape the
score import speaks: a `Table` of numbered rows and `RowError`s."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from core.uploads import Cell, UploadLimits, UploadProblem, UploadRefused, normalise_column, open_rows

__all__ = ["Cell", "RowError", "Table", "UnreadableFile", "count_data_rows", "normalise_column", "open_table"]

# A score file may be long (one row per respondent of every unit's SKM); it is still bounded.
SCORE_FILE_LIMITS = UploadLimits(max_bytes=64 * 1024 * 1024, max_rows=2_000_000, max_columns=64)

RowError = UploadProblem


class UnreadableFile(Exception):
    """The file cannot be read as a table at all; `errors` says why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(error.message) for error in errors))


@dataclass
class Table:
    file_format: str
    header: list[str]
    raw_header: list[str]
    data: list[tuple[int, list[Cell]]] = field(default_factory=list)
    rows_total: int = 0
    notes: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[Cell]]]:
        """(row number, cells) for every non-blank data row."""
        yield from self.data


def open_table(content: bytes, file_name: str = "") -> Table:
    """The table in `content`; raises UnreadableFile with every reason it cannot be read."""
    try:
        stream = open_rows(content, SCORE_FILE_LIMITS)
        data = list(stream.rows())
    except UploadRefused as refused:
        raise UnreadableFile(refused.problems) from None
    return Table(
        file_format=stream.file_format,
        header=stream.header,
        raw_header=stream.raw_header,
        data=data,
        rows_total=len(data),
        notes=stream.notes,
    )


def count_data_rows(content: bytes) -> int:
    """The data rows, counted by reading (never from what a workbook declares), to decide
    whether to import in the background; 0 for a file that cannot be read (`open_table` then
    says why)."""
    try:
        stream = open_rows(content, SCORE_FILE_LIMITS)
        return sum(1 for _row in stream.rows())
    except UploadRefused:
        return 0
