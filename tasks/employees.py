"""Jobs about people: applying an organisation file."""

from celery import shared_task


@shared_task(acks_late=True)
def org_import_apply_task(org_import_id: int) -> str:
    """Applies a checked organisation file, all or nothing; safe to run again."""
    from employees.services import org_import_apply

    return org_import_apply(org_import_id=org_import_id).status
