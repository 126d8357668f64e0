"""A report's series is several MB of base64 at 50,000 people, which compression barely shrinks:
PostgreSQL stores it out of line without compressing it (half the time of writing it). Other
engines have nothing to change."""

from django.db import migrations

TABLE = "correlation_correlationreport"


def _storage(kind: str):
    def change(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN series SET STORAGE {kind}")

    return change


class Migration(migrations.Migration):
    dependencies = [
        ("correlation", "0004_shrink_units"),
    ]

    operations = [
        migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED")),
    ]
