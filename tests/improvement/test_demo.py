"""The demo's action plans and trainings: planned once, some visibly moving their metric."""

import random

import pytest
from django.utils import timezone

from core.demo import DemoOrg
from employees import demo as employees_demo
from improvement import demo
from improvement.models import Action, Training, TrainingAttendance
from improvement.selectors import Verdict, action_follow_ups, actions_due, training_hours_series
from pulse_surveys import demo as pulse_demo
from service_quality import demo as service_quality_demo
from tests.shared_rows import written_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_org(django_db_setup, django_db_blocker):
    """The demo organisation with its pulse rounds, SKM results and improvement plans."""
    with written_once(django_db_blocker):
        org = DemoOrg(today=timezone.localdate(), rng=random.Random(2026))
        for module in (employees_demo, pulse_demo, service_quality_demo, demo):
            module.seed(org)
        yield org


def test_the_demo_plans_actions_and_trainings_once_for_the_demo_logins(demo_org):
    counts = (Action.objects.count(), Training.objects.count(), TrainingAttendance.objects.count())
    demo.seed(demo_org)
    assert (Action.objects.count(), Training.objects.count(), TrainingAttendance.objects.count()) == counts
    assert counts[0] == len(demo.ACTIONS) and counts[1] == len(demo.TRAININGS)
    # the demo logins have something to do, and training hours to correlate
    manager, employee = demo_org.people["manager"], demo_org.people["employee"]
    assert actions_due(viewer=manager).filter(owner=employee).exists()
    today = timezone.localdate()
    hours = training_hours_series(period_from=today.replace(year=today.year - 1, day=1), period_to=today.replace(day=1))
    assert sum(row["hours"] for row in hours) > 0


def test_some_demo_actions_visibly_moved_their_metric(demo_org):
    actions = list(Action.objects.select_related("department"))
    follow_ups = action_follow_ups(actions)
    verdicts = {(action.department.code, action.title): follow_ups[action.pk].verdict for action in actions}

    assert verdicts[("LYN-PLG", "Apresiasi pelayanan mingguan")] == Verdict.IMPROVED
    assert verdicts[("LYN-PLG", "Nomor antrean dan petugas tambahan jam sibuk")] == Verdict.IMPROVED
    assert verdicts[("CAB-SBY", "Tanggapi setiap pengaduan dalam waktu standar")] == Verdict.WORSE
    hidden = next(action for action in actions if action.department.code == "PGD")
    assert follow_ups[hidden.pk].after.suppressed
