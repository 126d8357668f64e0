from django.db import migrations


def load_default_themes(apps, schema_editor):
    """The shipped themes (`feedback.defaults`), matched by key: HR's edits are kept."""
    from feedback.defaults import THEMES

    Theme = apps.get_model("feedback", "Theme")
    Driver = apps.get_model("pulse_surveys", "Driver")
    drivers = dict(Driver.objects.values_list("key", "pk"))
    for position, (key, name_en, name_id, driver, element, words_id, words_en) in enumerate(THEMES):
        Theme.objects.get_or_create(
            key=key,
            defaults={
                "name_en": name_en,
                "name_id": name_id,
                "driver_id": drivers.get(driver),
                "skm_element": element,
                "keywords_id": words_id,
                "keywords_en": words_en,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_themes"),
        ("pulse_surveys", "0002_question_bank"),
    ]

    operations = [migrations.RunPython(load_default_themes, migrations.RunPython.noop)]
