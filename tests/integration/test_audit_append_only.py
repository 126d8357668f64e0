import pytest
from django.db import DatabaseError, transaction

from core.audit import audit_record
from core.models import AuditEntry

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_postgresql_refuses_to_change_or_delete_an_audit_entry(org):
    entry = audit_record(actor=org.hana, action="test.action", summary="kept forever")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(summary="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "kept forever"
