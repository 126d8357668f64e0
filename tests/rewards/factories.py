"""Rewards factories: write through the services, as the product does."""

import datetime as dt
from decimal import Decimal

import factory

from rewards import services
from rewards.models import Bonus, BonusBudget, BonusStatus, Reward, RewardKind


class BonusBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BonusBudget

    year = 2026
    amount = Decimal("100000000.00")


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    name = factory.Sequence(lambda n: f"Voucher {n}")
    kind = RewardKind.VOUCHER
    points_cost = 50


def make_bonus(
    *,
    creator,
    employee,
    amount: Decimal = Decimal("1500000.00"),
    kind: str = "performance",
    period: dt.date = dt.date(2026, 3, 1),
    status: str = BonusStatus.DRAFT,
    decider=None,
    reason: str = "Excellent service at the counter",
) -> Bonus:
    """A bonus created by `creator` and moved on to `status` (`decider` approves, rejects and
    pays)."""
    bonus = services.bonus_create(
        actor=creator, employee=employee, kind=kind, amount=amount, period=period, reason=reason
    )
    if status == BonusStatus.DRAFT:
        return bonus
    bonus = services.bonus_submit(bonus=bonus, actor=creator)
    if status == BonusStatus.SUBMITTED:
        return bonus
    if status == BonusStatus.REJECTED:
        return services.bonus_reject(bonus=bonus, actor=decider)
    bonus = services.bonus_approve(bonus=bonus, actor=decider)
    if status == BonusStatus.APPROVED:
        return bonus
    return services.bonus_pay(bonus=bonus, actor=decider)
