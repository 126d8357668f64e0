from django.db import migrations

from core.append_only import append_only


def install_defaults(apps, schema_editor):
    from leave.defaults import install_policies

    install_policies(apps.get_model("leave", "LeavePolicy"), apps.get_model("leave", "LeaveType"))


class Migration(migrations.Migration):
    dependencies = [("leave", "0001_initial")]
    operations = [
        migrations.RunPython(install_defaults, migrations.RunPython.noop),
        append_only("leave_leaveledgerentry", message="the leave ledger is append-only"),
    ]
