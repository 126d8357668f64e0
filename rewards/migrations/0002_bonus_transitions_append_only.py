from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION prima_rewards_transition_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'bonus transitions are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rewards_bonustransition_append_only BEFORE UPDATE OR DELETE ON rewards_bonustransition
    FOR EACH ROW EXECUTE FUNCTION prima_rewards_transition_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS rewards_bonustransition_append_only ON rewards_bonustransition;
DROP FUNCTION IF EXISTS prima_rewards_transition_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("rewards", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
