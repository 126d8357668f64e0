"""Wide reads of numbers as numpy columns.

A report that reads a hundred thousand rows of numbers spends its time building model rows and
running Django's per-value converters, not in the database. `fetch` runs a `values()`
queryset's own SQL on a plain cursor and keeps each selected name as one array; dates travel
as month numbers (`month_number`), which both database engines compute, so nothing needs
converting on the way back.
"""

import datetime as dt

import numpy as np
from django.db import connections
from django.db.models import ExpressionWrapper, IntegerField, QuerySet
from django.db.models.functions import ExtractMonth, ExtractYear


def month_number(field: str) -> ExpressionWrapper:
    """year × 12 + month − 1 of a date field, computed by the database."""
    return ExpressionWrapper(ExtractYear(field) * 12 + ExtractMonth(field) - 1, output_field=IntegerField())


def month_of(number: int) -> dt.date:
    """The first day of the month `month_number` gave."""
    return dt.date(number // 12, number % 12 + 1, 1)


def fetch(queryset: QuerySet) -> dict[str, np.ndarray]:
    """The rows of a `values()` queryset as {selected name: array}, in the queryset's order."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    if not rows:
        return {name: np.empty(0) for name in names}
    return {name: np.asarray(values) for name, values in zip(names, zip(*rows, strict=True), strict=True)}
