"""The levers correlation reports read (actions completed, training hours), and the owners'
reminders."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from employees.services import employee_update
from improvement import services
from improvement.models import Action
from improvement.selectors import actions_completed_series, training_hours_series
from tasks.improvement import action_reminders_task
from tests.improvement.factories import ActionFactory, TrainingFactory, backdate

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def test_actions_completed_are_counted_per_department_and_month(org):
    def done(department, owner, completed_on):
        action = ActionFactory(actor=org.hana, department=department, owner=owner)
        return backdate(action, start_date=dt.date(2024, 12, 1), due_date=MAR, completed_on=completed_on)

    done(org.cs, org.ani, dt.date(2025, 1, 5))
    done(org.cs, org.ani, dt.date(2025, 1, 31))
    done(org.cs, org.ani, dt.date(2025, 3, 2))
    done(org.lkt, org.bayu, dt.date(2025, 2, 14))
    done(org.lkt, org.bayu, dt.date(2025, 4, 1))  # after the range
    ActionFactory(actor=org.hana, department=org.cs, owner=org.ani)  # still open

    series = actions_completed_series(period_from=JAN, period_to=MAR)

    assert series == [
        {"department_id": org.cs.pk, "period": JAN, "count": 2},
        {"department_id": org.cs.pk, "period": MAR, "count": 1},
        {"department_id": org.lkt.pk, "period": FEB, "count": 1},
    ]
    assert actions_completed_series(period_from=JAN, period_to=MAR, department_ids=[org.lkt.pk]) == [
        {"department_id": org.lkt.pk, "period": FEB, "count": 1}
    ]


def test_training_hours_are_summed_per_attendees_department_and_month(org):
    def held(day, hours, attended):
        training = TrainingFactory(actor=org.hana, department=org.ops, date=day, hours=Decimal(hours))
        services.training_attendance_record(training=training, actor=org.hana, attendance=attended)

    held(dt.date(2025, 1, 10), "4", {org.ani: True, org.andi: True, org.bayu: False})
    held(dt.date(2025, 1, 20), "2.5", {org.ani: True, org.bayu: True})
    held(dt.date(2025, 3, 3), "8", {org.bayu: True})
    # Andi moves later: his January hours stay with Layanan Pelanggan
    employee_update(user=org.andi, department=org.lkt)

    series = training_hours_series(period_from=JAN, period_to=MAR)

    assert series == [
        {"department_id": org.cs.pk, "period": JAN, "hours": Decimal("10.5")},
        {"department_id": org.lkt.pk, "period": JAN, "hours": Decimal("2.5")},
        {"department_id": org.lkt.pk, "period": MAR, "hours": Decimal("8")},
    ]


# --- reminders -------------------------------------------------------------------------------


@pytest.fixture
def actions_by_due(org):
    today = timezone.localdate()

    def make(days, **fields):
        action = ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, title=f"Due in {days}")
        Action.objects.filter(pk=action.pk).update(
            start_date=today - dt.timedelta(days=60), due_date=today + dt.timedelta(days=days), **fields
        )
        return action

    return make


def test_owners_hear_of_actions_overdue_or_due_within_a_week(org, actions_by_due, mailoutbox):
    overdue, soon, later = actions_by_due(-3), actions_by_due(7), actions_by_due(8)
    actions_by_due(-10, status="dropped")
    actions_by_due(2, status="done", completed_on=timezone.localdate())

    sent = action_reminders_task.delay().get()

    assert sent == 2
    subjects = sorted(mail.subject for mail in mailoutbox)
    assert subjects == [f"Improvement action due soon: {soon.title}", f"Overdue improvement action: {overdue.title}"]
    assert all(mail.to == [org.ani.email] for mail in mailoutbox)
    later.refresh_from_db()
    assert later.last_reminded_at is None


def test_an_action_is_reminded_at_most_once_a_week(org, actions_by_due, mailoutbox):
    actions_by_due(-1)
    now = timezone.now()

    assert services.action_reminders_send(now=now) == 1
    assert services.action_reminders_send(now=now + dt.timedelta(days=6, hours=23)) == 0
    assert services.action_reminders_send(now=now + dt.timedelta(days=7)) == 1
    assert len(mailoutbox) == 2


def test_a_new_due_date_earns_a_fresh_reminder(org, actions_by_due, mailoutbox):
    action = actions_by_due(1)
    services.action_reminders_send()
    services.action_update(action=action, actor=org.budi, due_date=timezone.localdate() + dt.timedelta(days=3))

    assert services.action_reminders_send() == 1
    assert len(mailoutbox) == 2


def test_the_reminders_are_on_the_beat_schedule_daily():
    from config.celery import app
    from tasks.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["improvement-action-reminders"]
    assert entry["task"] == "tasks.improvement.action_reminders_task"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {7} and entry["schedule"].day_of_week == set(range(7))
