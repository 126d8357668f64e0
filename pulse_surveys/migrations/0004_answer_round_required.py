"""`Answer.round` required, with its foreign key constraint and the index a round's results are
read through."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pulse_surveys", "0003_answer_round")]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="round",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="answers",
                to="pulse_surveys.round",
            ),
        ),
        migrations.AddIndex(
            model_name="answer",
            index=models.Index(fields=["round", "question", "value"], name="pulse_answer_round_values"),
        ),
    ]
