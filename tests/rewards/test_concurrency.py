"""Races on PostgreSQL: row locks keep budgets, allowances and balances whole when many
requests arrive at once. Each thread has its own database connection and transaction."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from core.errors import Conflict
from rewards import selectors, services
from rewards.models import Bonus, BonusStatus, BonusTransition, Recognition, Redemption
from tests.factories import UserFactory
from tests.rewards.factories import RewardFactory, make_bonus

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(calls):
    """Runs every call in its own thread, all released at once; returns (successes, refusals)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait()
            result = call()
            outcome = ("ok", result)
        except (Conflict, ValidationError) as error:
            outcome = ("refused", error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(calls), "a thread failed with an unexpected error"
    return [o for kind, o in outcomes if kind == "ok"], [o for kind, o in outcomes if kind == "refused"]


def test_many_approvals_racing_against_one_budget_never_exceed_it(rorg):
    # given CS's budget of 10,000,000 and 24 submitted bonuses of 700,000 (16,800,000 in all)
    team = [UserFactory(department=rorg.cs) for _ in range(24)]
    bonuses = [
        make_bonus(creator=rorg.hana, employee=person, amount=Decimal("700000"), status="submitted") for person in team
    ]
    # when another HR person approves all of them at once, from 24 connections
    approved, refused = race(
        [lambda bonus=bonus: services.bonus_approve(bonus=bonus, actor=rorg.hadi) for bonus in bonuses]
    )
    # then exactly as many as fit are approved (14 × 700,000 = 9,800,000) and the rest are over budget
    total = sum(Bonus.objects.filter(status=BonusStatus.APPROVED).values_list("amount", flat=True), Decimal(0))
    assert total == Decimal("9800000.00") <= rorg.cs_budget.amount
    assert len(approved) == 14
    assert len(refused) == 10
    assert {error.code for error in refused} == {"over_budget"}
    assert Bonus.objects.filter(status=BonusStatus.SUBMITTED).count() == 10
    assert selectors.budget_committed(department_id=rorg.cs.pk, year=2026) == total


def test_two_people_approving_the_same_bonus_at_once_approve_it_once(rorg):
    third = UserFactory(username="hesti", role="hr", department=rorg.hrd)
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, status="submitted")
    approved, refused = race(
        [lambda actor=actor: services.bonus_approve(bonus=bonus, actor=actor) for actor in (rorg.hadi, third)]
    )
    assert (len(approved), len(refused)) == (1, 1)
    assert refused[0].code == "state"
    assert BonusTransition.objects.filter(bonus=bonus, to_status=BonusStatus.APPROVED).count() == 1


def test_points_given_at_once_never_exceed_the_monthly_allowance(org):
    colleagues = [UserFactory(department=org.cs) for _ in range(10)]
    given, refused = race(
        [
            lambda person=person: services.recognition_create(
                giver=org.ani, recipient=person, dimension="teamwork", message="thanks", points=30
            )
            for person in colleagues
        ]
    )
    assert len(given) == 3  # 3 × 30 = 90 of 100
    assert len(refused) == 7
    assert sum(Recognition.objects.values_list("points", flat=True)) == 90


def test_redemptions_at_once_never_overdraw_the_balance(org):
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=100)
    voucher = RewardFactory(points_cost=30)
    redeemed, refused = race([lambda: services.redemption_create(employee=org.bayu, reward=voucher) for _ in range(8)])
    assert len(redeemed) == 3
    assert len(refused) == 5
    assert selectors.points_balance(employee=org.bayu) == 10
    assert Redemption.objects.count() == 3


def test_bonus_transitions_cannot_be_changed_or_deleted(rorg):
    from django.db import DatabaseError, transaction

    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani)
    step = BonusTransition.objects.get(bonus=bonus)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        BonusTransition.objects.filter(pk=step.pk).update(note="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        BonusTransition.objects.filter(pk=step.pk).delete()
    assert BonusTransition.objects.get(pk=step.pk).note == ""
