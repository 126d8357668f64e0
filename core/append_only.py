"""Append-only tables: on PostgreSQL a trigger refuses UPDATE and DELETE, so that a ledger or a
record of decisions cannot be rewritten even by code that bypasses the services. Used by the
migrations of the audit trail, the leave ledger and the bonus transitions."""

from django.db import migrations


def append_only(table: str, *, message: str) -> migrations.RunPython:
    """A migration operation installing (and on reversal removing) the trigger on `table`."""
    function = f"prima_{table}_append_only"
    trigger = f"{table}_append_only"

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"""
                CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
                BEGIN
                    RAISE EXCEPTION '{message}';
                END;
                $$ LANGUAGE plpgsql;
                CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE ON {table}
                    FOR EACH ROW EXECUTE FUNCTION {function}();
                """
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger} ON {table}; DROP FUNCTION IF EXISTS {function}();")

    return migrations.RunPython(forwards, backwards)
