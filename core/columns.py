"""Wide reads of numbers as numpy columns.

A report that reads a hundred thousand rows of numbers spends its time building Python objects
(model rows, tuples, one float or Decimal per value), not in the database. `fetch` runs a
`values()` queryset's own SQL and keeps each selected name as one array. On PostgreSQL the
database packs each column into one bytea (`string_agg` of each value's binary send form, all
columns fed the same rows in the same order by one aggregate), which numpy reads in place; on
other engines a plain cursor reads the rows. Dates arrive as numpy dates, which
`month_numbers` turns into one integer per month.
"""

import datetime as dt

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# PostgreSQL types a column may be read as, and how numpy reads their binary send form (a date
# is sent as int4 days since 2000-01-01); text travels joined by the unit separator, which no
# value may hold.
TYPES = {"int8": ">i8", "int4": ">i4", "float8": ">f8", "bool": "?", "date": ">i4", "text": "O"}
DTYPES = {"int8": "i8", "int4": "i4", "float8": "f8", "bool": "?", "date": "datetime64[D]", "text": "O"}
SEPARATOR = "\x1f"
SEND = {"int8": "int8send", "int4": "int4send", "float8": "float8send", "bool": "boolsend", "date": "date_send"}
POSTGRES_EPOCH = np.datetime64("2000-01-01", "D")


def month_numbers(days: np.ndarray) -> np.ndarray:
    """year × 12 + month − 1 of each date (datetime64[D]): a month as one integer."""
    return days.astype("datetime64[M]").astype(np.int64) + 1970 * 12


def month_of(number: int) -> dt.date:
    """The first day of the month `month_numbers` gave."""
    return dt.date(number // 12, number % 12 + 1, 1)


def fetch(queryset: QuerySet, types: dict[str, str]) -> dict[str, np.ndarray]:
    """The rows of a `values()` queryset as {name: array} for the names in `types` (each read as
    that PostgreSQL type: int8, int4, float8, bool, date (as datetime64[D]) or text), in the
    queryset's order. No value may be NULL: coalesce in the queryset where one could be."""
    try:
        sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    except EmptyResultSet:  # a filter no row can pass, such as `__in=[]`
        return {name: np.empty(0, dtype=DTYPES[kind]) for name, kind in types.items()}
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return _fetch_plain(connection, sql, params, types)
    quote = connection.ops.quote_name
    packed = ", ".join(
        f"string_agg(q.{quote(name)}::text, E'\\x1f')"
        if kind == "text"
        else f"string_agg({SEND[kind]}(q.{quote(name)}::{kind}), ''::bytea)"
        for name, kind in types.items()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), {packed} FROM ({sql}) q", params)  # noqa: S608 - names are ours
        count, *columns = cursor.fetchone()
    arrays = {}
    for (name, kind), data in zip(types.items(), columns, strict=True):
        if data is None and count:  # string_agg of nothing but NULL
            raise ValueError(f"column {name} holds NULL")
        if kind == "text":
            values = np.asarray(data.split(SEPARATOR) if count else [], dtype=object)
        else:
            values = np.frombuffer(data or b"", dtype=TYPES[kind]).astype(DTYPES[kind] if kind != "date" else "i4")
            if kind == "date":
                values = POSTGRES_EPOCH + values.astype("timedelta64[D]")
        if values.size != count:  # string_agg skips NULL
            raise ValueError(f"column {name} holds NULL or the separator")
        arrays[name] = values
    return arrays


def _fetch_plain(connection, sql: str, params, types: dict[str, str]) -> dict[str, np.ndarray]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
    columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else dict.fromkeys(names, ())
    arrays = {}
    for name, kind in types.items():
        if name not in columns:
            raise ValueError(f"column {name} is not selected")
        values = columns[name]
        if None in values:
            raise ValueError(f"column {name} holds NULL")
        arrays[name] = np.asarray(values, dtype=DTYPES[kind])
    return arrays
