"""Many rows written without building model objects."""

import time
from collections.abc import Iterable

from django.db import connection, models


def insert_rows(model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> None:
    """Inserts `rows` (one value per field in `names`, foreign keys as ids): COPY on PostgreSQL,
    one executemany elsewhere. The table's constraints check every row as an INSERT would.
    Values must be plain Python (int, float, str, bool, bytes, date, UUID, None): COPY adapts
    them as they are, without the fields' own preparation, which costs a call per value. Where
    Django logs queries, a COPY is logged too, its time including the rows' passing through
    (their values are not logged)."""
    fields = [model._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            started = time.monotonic()
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            if connection.queries_logged:  # as Django logs its own queries (DEBUG, tests, benches)
                connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - model names
            [
                tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True))
                for row in rows
            ],
        )
