"""Checking an import file row by row: every problem is found and reported with its row,
column and message before anything is written.

The formats (docs/IMPORTS.md):
- scores:   department_code,period,source,dimension,value,respondents   (value 0–100)
- skm:      department_code,period,respondent,u1,…,u9                  (each u 1–4)
- internal: department_code,period,score,respondents                   (score 0–100)
Columns may come in any order; names are matched without regard to case.
"""

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.periods import Period
from employees.models import Department
from service_quality.dimensions import (
    IKM_DIMENSION,
    PRIMA_DIMENSION_KEYS,
    SKM_ELEMENT_KEYS,
    allowed_dimensions,
)
from service_quality.files import Cell, RowError, Table, UnreadableFile, open_table
from service_quality.ikm import IKM_SCALE, SKM_MAX_ANSWER, SKM_MIN_ANSWER
from service_quality.models import (
    HIGHER_IS_BETTER_SOURCES,
    SCORE_MAX,
    SCORE_MIN,
    Direction,
    ExternalMetric,
    ImportKind,
    Source,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    ImportKind.SCORES: ("department_code", "period", "source", "dimension", "value", "respondents"),
    ImportKind.SKM: ("department_code", "period", "respondent", *SKM_ELEMENT_KEYS),
    ImportKind.INTERNAL: ("department_code", "period", "score", "respondents"),
}
# Columns a file may leave out: a score file's `direction` (`higher` or `lower` is better).
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {ImportKind.SCORES: ("direction",)}
PREVIEW_ROWS = 10
MAX_DIMENSION_LENGTH = 64
MAX_RESPONDENT_LENGTH = 64
PROGRESS_EVERY_ROWS = 2_000

ProgressCallback = Callable[[int, int], None]


@dataclass
class ScoreRecord:
    row: int
    department_id: int
    period: dt.date
    source: str
    dimension: str
    value: Decimal
    respondents: int | None
    direction: str = ""  # "" where the file does not say


@dataclass
class SkmRecord:
    row: int
    department_id: int
    period: dt.date
    respondent: str
    answers: list[int]


@dataclass
class InternalRecord:
    row: int
    department_id: int
    period: dt.date
    value: Decimal
    respondents: int | None


@dataclass
class CheckedFile:
    kind: str
    file_format: str = ""
    rows_total: int = 0
    records: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    preview: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --- Rules shared with the API (one place says what a valid score is).


def dimension_problem(source: str, dimension: str) -> str | None:
    allowed = allowed_dimensions(source)
    if not dimension:
        return _("A dimension is required.")
    if len(dimension) > MAX_DIMENSION_LENGTH:
        return _("A dimension has at most %(n)d characters.") % {"n": MAX_DIMENSION_LENGTH}
    if allowed is None:
        if not all(char.isalnum() or char in "_-.:" for char in dimension):
            return _("A dimension is written with letters, digits and _ - . : only.")
        return None
    if dimension not in allowed:
        return _("“%(dimension)s” is not a %(source)s dimension; use one of: %(allowed)s.") % {
            "dimension": dimension,
            "source": source,
            "allowed": ", ".join(sorted(allowed)),
        }
    return None


def value_problem(source: str, dimension: str, value: Decimal) -> str | None:
    if not value.is_finite() or not (SCORE_MIN <= value <= SCORE_MAX):
        return _("A value lies between 0 and 100.")
    on_skm_scale = source == Source.SKM and dimension in (IKM_DIMENSION, *SKM_ELEMENT_KEYS, *PRIMA_DIMENSION_KEYS)
    if on_skm_scale and value < SKM_MIN_ANSWER * IKM_SCALE:
        return _("An SKM value (IKM or element) lies between 25 and 100.")
    return None


DIRECTION_WORDS = {
    "higher": Direction.HIGHER,
    "higher_is_better": Direction.HIGHER,
    "tinggi": Direction.HIGHER,
    "lower": Direction.LOWER,
    "lower_is_better": Direction.LOWER,
    "rendah": Direction.LOWER,
}


def direction_problem(source: str, dimension: str, direction: str, recorded: str | None) -> str | None:
    """What is wrong with saying `direction` of a measure whose recorded direction is `recorded`
    (None: not yet described)."""
    if direction not in Direction.values:
        return _("Say which way is better with “higher” or “lower”.")
    if direction == Direction.LOWER and source in HIGHER_IS_BETTER_SOURCES:
        return _(
            "SKM, SERVQUAL, CSAT and NPS scores are higher-is-better by definition; only a custom measure can be "
            "lower-is-better."
        )
    if recorded is not None and recorded != direction:
        return _(
            "%(source)s/%(dimension)s is recorded as “%(recorded)s”; a score cannot turn it around. An administrator "
            "can change the measure itself."
        ) % {"source": source, "dimension": dimension, "recorded": Direction(recorded).label}
    return None


def period_problem(period: Period) -> str | None:
    if period > Period.of(timezone.localdate()):
        return _("The period %(period)s lies in the future.") % {"period": period}
    return None


# --- Cells.


class CellError(Exception):
    pass


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _period(cell: Cell, cache: dict) -> dt.date:
    key = cell if not isinstance(cell, str) else cell.strip()
    if key in cache:
        return cache[key]
    if isinstance(cell, dt.datetime | dt.date):
        day = cell.date() if isinstance(cell, dt.datetime) else cell
        if day.day != 1:
            raise CellError(_("“%(value)s” is not a period: use YYYY-MM.") % {"value": day.isoformat()})
        period = Period.of(day)
    else:
        try:
            period = Period.parse(_text(cell))
        except ValidationError:
            raise CellError(_("“%(value)s” is not a period: use YYYY-MM.") % {"value": _text(cell)}) from None
    problem = period_problem(period)
    if problem:
        raise CellError(problem)
    cache[key] = period.first_day
    return period.first_day


def _decimal(cell: Cell) -> Decimal:
    if isinstance(cell, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": cell})
    if isinstance(cell, int | float):
        value = Decimal(str(cell))
    else:
        text = _text(cell)
        if not text:
            raise CellError(_("A value is required."))
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a decimal comma, as Indonesian spreadsheets write it
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": _text(cell)})
    return value


def _whole(cell: Cell, *, required: bool) -> int | None:
    if isinstance(cell, bool):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": cell})
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    text = _text(cell)
    if not text:
        if required:
            raise CellError(_("A whole number is required."))
        return None
    if not text.lstrip("-").isdigit():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": text})
    return int(text)


def _respondents(cell: Cell) -> int | None:
    number = _whole(cell, required=False)
    if number is not None and number < 1:
        raise CellError(_("The number of respondents is at least 1."))
    return number


# --- The file.


def _check_header(kind: str, table: Table) -> list[RowError]:
    expected = (*COLUMNS[kind], *OPTIONAL_COLUMNS.get(kind, ()))
    errors = []
    seen = set()
    for position, name in enumerate(table.header):
        label = table.raw_header[position].strip() or _("column %(n)d") % {"n": position + 1}
        if not name:
            errors.append(RowError(1, label, _("This column has no name.")))
            continue
        if name in seen:
            errors.append(RowError(1, label, _("This column appears twice.")))
        elif name not in expected:
            errors.append(RowError(1, label, _("Unexpected column.")))
        seen.add(name)
    for name in COLUMNS[kind]:
        if name not in seen:
            errors.append(RowError(1, name, _("Missing column.")))
    if errors:
        for other_kind, columns in COLUMNS.items():
            if other_kind != kind and set(columns) == {name for name in table.header if name}:
                errors.append(
                    RowError(
                        1,
                        None,
                        _("These are the columns of a “%(kind)s” file: choose that kind.")
                        % {"kind": ImportKind(other_kind).label},
                    )
                )
    return errors


class _Directions:
    """The directions measures are recorded with, read once, and those earlier rows of the file
    said: a file may not say both ways of one measure."""

    def __init__(self):
        self.known = {
            (source, dimension): direction
            for source, dimension, direction in ExternalMetric.objects.values_list("source", "dimension", "direction")
        }

    def said(self, source: str, dimension: str) -> str | None:
        return self.known.get((source, dimension))

    def say(self, source: str, dimension: str, direction: str) -> None:
        self.known[(source, dimension)] = direction


class _Departments:
    """Department codes, read once."""

    def __init__(self):
        self.by_code = {}
        self.by_lower = {}
        for pk, code, is_service_unit in Department.objects.values_list("id", "code", "is_service_unit"):
            self.by_code[code] = (pk, is_service_unit)
            self.by_lower.setdefault(code.lower(), []).append((pk, is_service_unit))

    def find(self, code: str, *, service_unit: bool) -> int:
        if not code:
            raise CellError(_("A department code is required."))
        found = self.by_code.get(code)
        if found is None:
            candidates = self.by_lower.get(code.lower(), [])
            found = candidates[0] if len(candidates) == 1 else None
        if found is None:
            raise CellError(_("There is no department with the code “%(code)s”.") % {"code": code})
        if service_unit and not found[1]:
            raise CellError(
                _("“%(code)s” is not a service unit; mark it as one before importing its customers' scores.")
                % {"code": code}
            )
        return found[0]


def check_file(
    *,
    kind: str,
    content: bytes,
    file_name: str = "",
    on_progress: ProgressCallback | None = None,
    preview_only: bool = False,
) -> CheckedFile:
    """Reads and checks the whole file. `records` are only meaningful when `errors` is empty.
    With `preview_only`, rows are not checked (the job will)."""
    checked = CheckedFile(kind=kind)
    try:
        table = open_table(content, file_name)
    except UnreadableFile as problem:
        checked.errors = problem.errors
        return checked
    checked.file_format = table.file_format
    checked.rows_total = table.rows_total
    checked.notes = table.notes
    first_rows = itertools.islice(table.rows(), PREVIEW_ROWS)
    checked.preview = {
        "columns": [str(name) for name in table.raw_header],
        "rows": [[_text(cell) for cell in cells] for _row, cells in first_rows],
    }
    checked.errors = _check_header(kind, table)
    if checked.errors:
        return checked
    if table.rows_total == 0:
        checked.errors = [RowError(None, None, _("The file has a header but no rows."))]
        return checked
    if preview_only:
        return checked
    positions = {name: position for position, name in enumerate(table.header) if name}
    check_row = {ImportKind.SCORES: _score_row, ImportKind.SKM: _skm_row, ImportKind.INTERNAL: _internal_row}[kind]
    context = {"departments": _Departments(), "periods": {}, "keys": {}, "directions": _Directions()}
    width = len(table.header)
    for done, (row_number, cells) in enumerate(table.rows(), start=1):
        extra = [value for value in cells[width:] if _text(value)]
        if extra:
            checked.errors.append(
                RowError(
                    row_number,
                    None,
                    _("This row has %(found)d values but the header names %(expected)d columns.")
                    % {"found": width + len(extra), "expected": len(positions)},
                )
            )
        values = {name: (cells[position] if position < len(cells) else None) for name, position in positions.items()}
        record = check_row(row_number, values, context, checked.errors)
        if record is not None:
            checked.records.append(record)
        if on_progress and done % PROGRESS_EVERY_ROWS == 0:
            on_progress(done, table.rows_total)
    if on_progress:
        on_progress(table.rows_total, table.rows_total)
    return checked


def _cell(row: int, column: str, errors: list[RowError], parse, *args, **kwargs):
    try:
        return parse(*args, **kwargs)
    except CellError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def _common(row: int, values: dict, context: dict, errors: list[RowError], *, service_unit: bool):
    department_id = _cell(
        row,
        "department_code",
        errors,
        context["departments"].find,
        _text(values["department_code"]),
        service_unit=service_unit,
    )
    period = _cell(row, "period", errors, _period, values["period"], context["periods"])
    return department_id, period


def _once(row: int, key: tuple, column: str, context: dict, errors: list[RowError]) -> bool:
    first = context["keys"].setdefault(key, row)
    if first != row:
        errors.append(RowError(row, column, _("The same entry is already on row %(row)d.") % {"row": first}))
        return False
    return True


def _score_row(row: int, values: dict, context: dict, errors: list[RowError]) -> ScoreRecord | None:
    before = len(errors)
    department_id, period = _common(row, values, context, errors, service_unit=True)
    source = _text(values["source"]).lower()
    dimension = _text(values["dimension"]).lower()
    if source not in Source.values:
        errors.append(
            RowError(
                row,
                "source",
                _("“%(source)s” is not a source; use one of: %(allowed)s.")
                % {"source": source, "allowed": ", ".join(Source.values)},
            )
        )
    else:
        problem = dimension_problem(source, dimension)
        if problem:
            errors.append(RowError(row, "dimension", problem))
    value = _cell(row, "value", errors, _decimal, values["value"])
    if value is not None and source in Source.values:
        problem = value_problem(source, dimension, value)
        if problem:
            errors.append(RowError(row, "value", problem))
        elif value.as_tuple().exponent < -4:
            value = value.quantize(Decimal("0.0001"))
    respondents = _cell(row, "respondents", errors, _respondents, values["respondents"])
    direction = _text(values.get("direction")).lower()
    if direction and source in Source.values:
        direction = DIRECTION_WORDS.get(direction, direction)
        problem = direction_problem(source, dimension, direction, context["directions"].said(source, dimension))
        if problem:
            errors.append(RowError(row, "direction", problem))
        else:
            context["directions"].say(source, dimension, direction)
    if len(errors) > before:
        return None
    if not _once(row, (department_id, period, source, dimension), "dimension", context, errors):
        return None
    return ScoreRecord(row, department_id, period, source, dimension, value, respondents, direction)


_ANSWERS = {
    **{str(answer): answer for answer in range(SKM_MIN_ANSWER, SKM_MAX_ANSWER + 1)},
    **{answer: answer for answer in range(SKM_MIN_ANSWER, SKM_MAX_ANSWER + 1)},
}


def _skm_row(row: int, values: dict, context: dict, errors: list[RowError]) -> SkmRecord | None:
    before = len(errors)
    department_id, period = _common(row, values, context, errors, service_unit=True)
    respondent = _text(values["respondent"])
    if not respondent:
        errors.append(RowError(row, "respondent", _("A respondent number or code is required.")))
    elif len(respondent) > MAX_RESPONDENT_LENGTH:
        errors.append(
            RowError(
                row, "respondent", _("A respondent code has at most %(n)d characters.") % {"n": MAX_RESPONDENT_LENGTH}
            )
        )
    answers = []
    for key in SKM_ELEMENT_KEYS:
        cell = values[key]
        answer = _ANSWERS.get(cell.strip() if isinstance(cell, str) else cell)  # the common case, quickly
        if answer is not None:
            answers.append(answer)
            continue
        answer = _cell(row, key, errors, _whole, cell, required=True)
        if answer is not None and not (SKM_MIN_ANSWER <= answer <= SKM_MAX_ANSWER):
            errors.append(RowError(row, key, _("An SKM element is scored 1 to 4, not %(value)d.") % {"value": answer}))
        answers.append(answer)
    if len(errors) > before:
        return None
    if not _once(row, (department_id, period, respondent), "respondent", context, errors):
        return None
    return SkmRecord(row, department_id, period, respondent, answers)


def _internal_row(row: int, values: dict, context: dict, errors: list[RowError]) -> InternalRecord | None:
    before = len(errors)
    department_id, period = _common(row, values, context, errors, service_unit=False)
    value = _cell(row, "score", errors, _decimal, values["score"])
    if value is not None:
        if not (SCORE_MIN <= value <= SCORE_MAX):
            errors.append(RowError(row, "score", _("A score lies between 0 and 100.")))
        elif value.as_tuple().exponent < -4:
            value = value.quantize(Decimal("0.0001"))
    respondents = _cell(row, "respondents", errors, _respondents, values["respondents"])
    if len(errors) > before:
        return None
    if not _once(row, (department_id, period), "period", context, errors):
        return None
    return InternalRecord(row, department_id, period, value, respondents)
