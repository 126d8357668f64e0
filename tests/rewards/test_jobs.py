"""The rewards jobs: the recognition e-mail and HR's weekly reminder."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache

from rewards import services
from tasks.rewards import bonus_approval_reminder_task, recognition_notify_task
from tasks.schedule import BEAT_SCHEDULE
from tests.rewards.factories import make_bonus

pytestmark = pytest.mark.django_db


WEEKS = ["2026-10", "2026-11"]  # the ISO weeks of 2 and 9 March 2026


@pytest.fixture(autouse=True)
def _forget_reminders():
    """Only this test's keys: the cache may be the Redis that other runs share."""
    keys = [f"prima:rewards:approval-reminder:{week}" for week in WEEKS]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_the_reminder_is_scheduled_weekly():
    entry = BEAT_SCHEDULE["rewards-approval-reminder"]
    assert entry["task"] == "tasks.rewards.bonus_approval_reminder_task"
    assert entry["schedule"].day_of_week == {1}


def test_hr_is_reminded_of_waiting_bonuses_once_a_week(rorg):
    make_bonus(creator=rorg.budi, employee=rorg.ani, status="submitted")
    make_bonus(creator=rorg.budi, employee=rorg.andi, status="submitted")
    monday = dt.date(2026, 3, 2)
    # when the job runs twice in one week, then again the next week
    assert services.bonus_approval_reminder_send(today=monday) == 2
    assert services.bonus_approval_reminder_send(today=monday + dt.timedelta(days=2)) == 2
    assert services.bonus_approval_reminder_send(today=monday + dt.timedelta(days=7)) == 2
    # then HR received one reminder a week
    assert len(mail.outbox) == 2
    assert sorted(mail.outbox[0].to) == sorted([rorg.hana.email, rorg.hadi.email])
    assert "2 bonuses wait" in mail.outbox[0].subject


def test_no_reminder_when_nothing_waits(rorg):
    assert bonus_approval_reminder_task.delay().get() == 0
    assert mail.outbox == []


def test_the_notification_job_is_safe_to_run_twice(org):
    recognition = services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x")
    assert recognition_notify_task.delay(recognition.pk).get() is True
    assert recognition_notify_task.delay(recognition.pk).get() is False
    assert len(mail.outbox) == 1
    assert recognition_notify_task.delay(999999).get() is False
