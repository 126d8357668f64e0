"""`Answer.round`: the answer's round, filled from its response for the answers already stored.

Added nullable and without its foreign key constraint, and filled here; made required, with its
constraint and index, in 0004, in a transaction of its own (PostgreSQL refuses to alter a table
with the filled rows' deferred key checks pending)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_round(apps, schema_editor):
    answer = apps.get_model("pulse_surveys", "Answer")._meta.db_table
    response = apps.get_model("pulse_surveys", "Response")._meta.db_table
    quote = schema_editor.quote_name
    # One set-based UPDATE … FROM (PostgreSQL, and SQLite since 3.33) rather than a subquery per row.
    schema_editor.execute(
        f"UPDATE {quote(answer)} SET round_id = r.round_id FROM {quote(response)} r "
        f"WHERE r.id = {quote(answer)}.response_id"
    )


class Migration(migrations.Migration):
    dependencies = [("pulse_surveys", "0002_question_bank")]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(
                db_constraint=False,  # added in 0004: one check of the filled rows, not one per row
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="pulse_surveys.round",
            ),
        ),
        migrations.RunPython(fill_round, migrations.RunPython.noop),
    ]
