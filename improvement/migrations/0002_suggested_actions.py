from django.db import migrations


def load(apps, schema_editor):
    from improvement.library import suggestions_load

    suggestions_load(apps.get_model("improvement", "SuggestedAction"))


class Migration(migrations.Migration):
    dependencies = [
        ("improvement", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
