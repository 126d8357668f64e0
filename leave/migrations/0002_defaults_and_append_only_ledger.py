from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION prima_leave_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the leave ledger is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER leave_leaveledgerentry_append_only BEFORE UPDATE OR DELETE ON leave_leaveledgerentry
    FOR EACH ROW EXECUTE FUNCTION prima_leave_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS leave_leaveledgerentry_append_only ON leave_leaveledgerentry;
DROP FUNCTION IF EXISTS prima_leave_ledger_append_only();
"""


def install_defaults(apps, schema_editor):
    from leave.defaults import install_policies

    install_policies(apps.get_model("leave", "LeavePolicy"), apps.get_model("leave", "LeaveType"))


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def drop_append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("leave", "0001_initial")]
    operations = [
        migrations.RunPython(install_defaults, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
