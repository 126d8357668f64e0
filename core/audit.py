"""Writing to the audit trail. Call inside the service's transaction, so that the entry and
the change it records commit (or roll back) together."""

from django.db import models

from core.models import AuditEntry


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    data: dict | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Records `action` (a dotted name such as `leave.request.approve`) by `actor` on `target`.
    `data` must be JSON-serialisable; Decimals and dates should be passed as strings. A system
    that acts without being a person (a SCIM client) is named by `actor_label`."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or actor_label,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=data or {},
    )
