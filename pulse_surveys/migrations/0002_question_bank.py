"""Loads the shipped drivers and question bank (English and Bahasa Indonesia)."""

from django.db import migrations


def load(apps, schema_editor):
    from pulse_surveys.bank import bank_load

    bank_load(apps.get_model("pulse_surveys", "Driver"), apps.get_model("pulse_surveys", "Question"))


class Migration(migrations.Migration):
    dependencies = [("pulse_surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
