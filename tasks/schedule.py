"""Every periodic job, declared in one place. Times are Asia/Jakarta (CELERY_TIMEZONE)."""

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict] = {
    # Every 5 minutes: proves to /healthz that beat and a worker are alive.
    "system-heartbeat": {"task": "tasks.system.heartbeat_task", "schedule": 300.0},
    # Every 5 minutes: reports and imports left running by a lost job are started again or failed.
    "system-stuck-jobs-sweep": {"task": "tasks.system.stuck_jobs_sweep_task", "schedule": 300.0},
    # Monthly, 2nd at 03:30 (after the month's pulse rounds and imports): the standard correlation
    # report of the last twelve complete months (once per set of parameters).
    "correlation-standard-report": {
        "task": "tasks.correlation.correlation_standard_report_task",
        "schedule": crontab(minute=30, hour=3, day_of_month=2),
    },
    # Monthly, 1st at 00:30: leave accrual and collective leave for the month (idempotent).
    "leave-accrual": {"task": "tasks.leave.leave_accrual_task", "schedule": crontab(minute=30, hour=0, day_of_month=1)},
    # Daily at 00:45: this and next year's public holidays loaded, newcomers' balances opened
    # (the leave pages only read).
    "leave-daily": {"task": "tasks.leave.leave_daily_task", "schedule": crontab(minute=45, hour=0)},
    # Yearly, 1 January at 00:10: carry-over and expiry of the year just ended (idempotent).
    "leave-year-end": {
        "task": "tasks.leave.leave_year_end_task",
        "schedule": crontab(minute=10, hour=0, day_of_month=1, month_of_year=1),
    },
    # Daily at 07:00: e-mails owners of improvement actions overdue or due within a week
    # (each action at most once a week).
    "improvement-action-reminders": {
        "task": "tasks.improvement.action_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Daily at 03:00: forget Idempotency-Key answers older than a day.
    "system-idempotency-purge": {"task": "tasks.system.idempotency_purge_task", "schedule": crontab(hour=3, minute=0)},
    # Daily at 03:15: drops service-quality uploads never confirmed and clears old import files.
    "service-quality-import-cleanup": {
        "task": "tasks.service_quality.service_quality_import_cleanup_task",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every 15 minutes: opens pulse rounds that are due (scheduled, or by a survey's cadence).
    "pulse-rounds-open-due": {"task": "tasks.surveys.survey_rounds_open_due_task", "schedule": crontab(minute="*/15")},
    # Every 15 minutes: closes expired pulse rounds; each then materialises its results.
    "pulse-rounds-close-expired": {
        "task": "tasks.surveys.survey_rounds_close_expired_task",
        "schedule": crontab(minute="*/15"),
    },
    # Daily at 02:30: driver impact for closed rounds that have none (closed before it existed);
    # the pages only read it.
    "pulse-driver-analyses-backfill": {
        "task": "tasks.surveys.survey_driver_analyses_backfill_task",
        "schedule": crontab(hour=2, minute=30),
    },
    # Daily at 09:00: pulse reminders to those who have not answered (at most one a day each).
    "pulse-reminders": {"task": "tasks.surveys.survey_reminders_task", "schedule": crontab(hour=9, minute=0)},
    # Mondays at 08:00: reminds HR of bonuses waiting for approval.
    "rewards-approval-reminder": {
        "task": "tasks.rewards.bonus_approval_reminder_task",
        "schedule": crontab(hour=8, minute=0, day_of_week="mon"),
    },
}

__all__ = ["BEAT_SCHEDULE", "crontab"]
