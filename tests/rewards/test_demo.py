"""The demo's rewards: a year of history that differs by department, within budget, once."""

import datetime as dt
import random

import pytest
from django.db.models import Count, F

from core.demo import DemoOrg
from employees import demo as employees_demo
from rewards import demo, selectors
from rewards.models import Bonus, BonusStatus, BonusTransition, Recognition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org():
    org = DemoOrg(today=dt.date(2026, 11, 28), rng=random.Random(2026))
    employees_demo.seed(org)
    return org


def test_the_demo_is_seeded_once_and_keeps_every_rule(demo_org):
    # when seeded twice
    demo.seed(demo_org)
    counts = (Recognition.objects.count(), Bonus.objects.count(), BonusTransition.objects.count())
    demo.seed(demo_org)
    # then the second run adds nothing
    assert (Recognition.objects.count(), Bonus.objects.count(), BonusTransition.objects.count()) == counts
    # and no budget is exceeded, no one decided on a bonus they created or receive
    for budget in selectors.budget_list():
        assert budget.committed <= budget.amount, budget
    assert not Bonus.objects.filter(decided_by=F("created_by")).exists()
    assert not Recognition.objects.filter(giver=F("recipient")).exists()
    # and a year of history: twelve months of recognitions, THR for Idul Fitri 2026
    assert Recognition.objects.values("period").distinct().count() == 12
    assert Bonus.objects.filter(kind="thr", period=dt.date(2026, 3, 1)).count() > 100
    # and a few bonuses wait for HR
    assert 2 <= Bonus.objects.filter(status=BonusStatus.SUBMITTED).count() <= 6


def test_front_line_units_with_a_strong_culture_are_recognised_more(demo_org):
    demo.seed(demo_org)
    per_head = {}
    for row in Recognition.objects.values("department__code").annotate(n=Count("id")):
        staff = demo_org.departments[row["department__code"]].members.count()
        per_head[row["department__code"]] = row["n"] / staff
    assert per_head["LYN-PLG"] > 2 * per_head["CAB-MKS"]
    assert per_head["CAB-BDG"] > 2 * per_head["KEU"]
