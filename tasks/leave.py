"""Leave jobs: monthly accrual, the year-end carry-over and expiry, collective-leave re-counts
after a calendar change, and request e-mails. Each only calls a service and is idempotent, so a
retried or repeated run changes nothing more."""

import datetime as dt

from celery import shared_task

from leave import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def leave_accrual_task(as_of: str | None = None) -> dict:
    """Monthly: accrues what is due and re-counts collective leave on every balance."""
    return services.leave_accrual_run(as_of=dt.date.fromisoformat(as_of) if as_of else None)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def leave_daily_task() -> dict:
    """Daily: loads this and next year's public holidays and opens newcomers' balances."""
    return services.leave_daily_run()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def leave_year_end_task(year: int | None = None) -> dict:
    """On 1 January: closes the year just ended (carry-over up to the cap, the rest expires)."""
    from django.utils import timezone

    return services.leave_year_end_run(year=year or timezone.localdate().year - 1)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def leave_collective_sync_task(year: int) -> int:
    return services.leave_collective_sync_run(year=year)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def leave_request_notify_task(request_id: int, event: str) -> int:
    return services.leave_request_notify(request_id=request_id, event=event)
