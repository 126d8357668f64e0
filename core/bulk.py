"""Many rows written without building model objects."""

from collections.abc import Iterable

from django.db import connection, models


def insert_rows(model: type[models.Model], names: list[str], rows: Iterable[tuple]) -> None:
    """Inserts `rows` (one value per field in `names`, foreign keys as ids): COPY on PostgreSQL,
    one executemany elsewhere. The table's constraints check every row as an INSERT would.
    Values must be plain Python (int, float, str, bool, bytes, date, UUID, None): COPY adapts them as they are,
    without the fields' own preparation, which costs a call per value."""
    fields = [model._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})",  # noqa: S608 - model names
            [
                tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row, strict=True))
                for row in rows
            ],
        )
