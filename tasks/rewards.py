"""Jobs about recognitions and bonuses."""

from celery import shared_task


@shared_task
def recognition_notify_task(recognition_id: int) -> bool:
    """Tells a recognised person by e-mail (once; running it again sends nothing)."""
    from rewards.services import recognition_notify

    return recognition_notify(recognition_id=recognition_id)


@shared_task
def bonus_approval_reminder_task() -> int:
    """Reminds HR of bonuses waiting for approval; returns how many wait."""
    from rewards.services import bonus_approval_reminder_send

    return bonus_approval_reminder_send()
