"""Owners' reminders run by a real worker against PostgreSQL and Redis: each due action is
claimed once, so a second run in the same week sends nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from improvement.models import Action
from tasks.improvement import action_reminders_task
from tests.factories import DepartmentFactory, UserFactory
from tests.improvement.factories import ActionFactory

pytestmark = pytest.mark.integration


def test_the_worker_reminds_each_due_action_once_a_week(celery_worker):
    # given two overdue actions and one due next month, committed
    unit = DepartmentFactory(code="CS", is_service_unit=True)
    manager = UserFactory(role="manager", department=unit)
    owner = UserFactory(department=unit, manager=manager)
    today = timezone.localdate()
    actions = [ActionFactory(actor=manager, department=unit, owner=owner) for _index in range(3)]
    for action, days in zip(actions, (-2, 3, 40), strict=True):
        Action.objects.filter(pk=action.pk).update(
            start_date=today - dt.timedelta(days=60), due_date=today + dt.timedelta(days=days)
        )

    # when the job runs twice on the worker
    first = action_reminders_task.delay().get(timeout=60)
    second = action_reminders_task.delay().get(timeout=60)

    # then the two due actions were reminded once, the later one not at all
    assert (first, second) == (2, 0)
    reminded = dict(Action.objects.values_list("pk", "last_reminded_at"))
    assert reminded[actions[0].pk] is not None and reminded[actions[1].pk] is not None
    assert reminded[actions[2].pk] is None
