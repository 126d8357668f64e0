"""The one writer of every CSV Prima serves. A text cell a spreadsheet would run as a formula
(starting with =, +, -, @, a tab or a carriage return, and not a plain number) is quoted with an
apostrophe, so that text someone typed (a suggestion, a name) is shown and never run."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_cell(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in FORMULA_STARTS and not _is_number(text):
        return f"'{text}"
    return text


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    """An attachment `filename` with `header` and `rows`, every cell guarded."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return response
