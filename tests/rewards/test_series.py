"""The series the correlation engine reads (see the cross-app interface)."""

import datetime as dt
from decimal import Decimal

import pytest

from rewards import services
from rewards.selectors import bonus_amount_series, recognition_count_series
from tests.rewards.factories import make_bonus

pytestmark = pytest.mark.django_db

MARCH, APRIL, MAY = dt.date(2026, 3, 1), dt.date(2026, 4, 1), dt.date(2026, 5, 1)


def test_bonus_amounts_sum_approved_and_paid_bonuses_by_department_and_period(rorg):
    # given
    make_bonus(creator=rorg.hana, employee=rorg.ani, amount=Decimal("1000000.50"), status="approved", decider=rorg.hadi)
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("2000000"), status="paid", decider=rorg.hadi)
    make_bonus(creator=rorg.budi, employee=rorg.andi, amount=Decimal("500000"), status="submitted")
    make_bonus(creator=rorg.budi, employee=rorg.ani, amount=Decimal("700000"), status="rejected", decider=rorg.hana)
    make_bonus(creator=rorg.hana, employee=rorg.bayu, amount=Decimal("300000"), status="approved", decider=rorg.hadi)
    make_bonus(
        creator=rorg.hana, employee=rorg.ani, amount=Decimal("400000"), period=APRIL, status="paid", decider=rorg.hadi
    )
    # when
    rows = bonus_amount_series(period_from=MARCH, period_to=MAY)
    # then
    assert rows == [
        {"department_id": rorg.cs.pk, "period": MARCH, "amount": Decimal("3000000.50")},
        {"department_id": rorg.cs.pk, "period": APRIL, "amount": Decimal("400000.00")},
        {"department_id": rorg.lkt.pk, "period": MARCH, "amount": Decimal("300000.00")},
    ]
    assert all(isinstance(row["amount"], Decimal) for row in rows)
    assert bonus_amount_series(period_from=APRIL, period_to=APRIL, department_ids=[rorg.lkt.pk]) == []
    assert bonus_amount_series(period_from=MARCH, period_to=MARCH, department_ids=[rorg.lkt.pk]) == [
        {"department_id": rorg.lkt.pk, "period": MARCH, "amount": Decimal("300000.00")}
    ]


def test_recognitions_are_counted_by_the_recipients_department_and_month(org):
    def recognise(giver, recipient, day):
        services.recognition_create(giver=giver, recipient=recipient, dimension="accuracy", message="x", today=day)

    recognise(org.ani, org.bayu, dt.date(2026, 3, 2))
    recognise(org.andi, org.bayu, dt.date(2026, 3, 31))
    recognise(org.bayu, org.ani, dt.date(2026, 3, 15))
    recognise(org.bayu, org.ani, dt.date(2026, 4, 1))
    recognise(org.bayu, org.ani, dt.date(2026, 6, 1))  # outside the range asked for
    # and the count stays with the unit the recipient was in when recognised
    org.bayu.department = org.cs
    org.bayu.save()
    rows = recognition_count_series(period_from=MARCH, period_to=MAY)
    assert rows == [
        {"department_id": org.cs.pk, "period": MARCH, "count": 1},
        {"department_id": org.cs.pk, "period": APRIL, "count": 1},
        {"department_id": org.lkt.pk, "period": MARCH, "count": 2},
    ]
    assert recognition_count_series(period_from=MARCH, period_to=MAY, department_ids=[org.lkt.pk]) == [
        {"department_id": org.lkt.pk, "period": MARCH, "count": 2}
    ]
