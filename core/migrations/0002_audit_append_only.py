from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("core", "0001_audit_trail")]
    operations = [append_only("core_auditentry", message="the audit trail is append-only")]
