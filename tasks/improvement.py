"""Jobs of continuous improvement: reminders to the owners of improvement actions."""

from celery import shared_task


@shared_task
def action_reminders_task() -> int:
    """E-mails owners of open actions that are overdue or due within a week (at most once a
    week per action); safe to run again at any time. Returns how many were sent."""
    from improvement.services import action_reminders_send

    return action_reminders_send()
