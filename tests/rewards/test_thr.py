"""THR per Permenaker 6/2016, on the boundaries, against rupiah computed by hand.

The holiday is Idul Fitri 1445 H, 10 April 2024; March has 31 days, so "29 days" and
"11 months 30 days" are both short of the next whole month.
"""

import datetime as dt
from decimal import Decimal

import pytest

from core.periods import add_months
from rewards.models import Bonus, BonusStatus, BonusTransition
from rewards.thr import months_of_service, thr_amount
from tests.factories import UserFactory

HOLIDAY = dt.date(2024, 4, 10)
WAGE = Decimal("7350000.00")


@pytest.mark.parametrize(
    ("hire_date", "months", "amount"),
    [
        (dt.date(2024, 3, 12), 0, Decimal("0")),  # 29 days: nothing
        (dt.date(2024, 3, 11), 0, Decimal("0")),  # 30 days, one day short of a month: nothing
        (dt.date(2024, 3, 10), 1, Decimal("612500")),  # exactly 1 month: 7,350,000 / 12
        (dt.date(2023, 5, 10), 11, Decimal("6737500")),  # exactly 11 months: 7,350,000 × 11 / 12
        (dt.date(2023, 4, 11), 11, Decimal("6737500")),  # 11 months 30 days: still 11/12
        (dt.date(2023, 4, 10), 12, Decimal("7350000")),  # 12 months: one month's wage
        (dt.date(2015, 1, 5), 111, Decimal("7350000")),  # long service: still one month's wage
        (HOLIDAY, 0, Decimal("0")),  # hired on the holiday
        (dt.date(2024, 5, 1), 0, Decimal("0")),  # hired after it
    ],
)
def test_thr_on_the_boundaries(hire_date, months, amount):
    got_months = months_of_service(hire_date=hire_date, holiday_date=HOLIDAY)
    assert got_months == months
    assert thr_amount(monthly_wage=WAGE, months=got_months) == amount


@pytest.mark.parametrize(
    ("wage", "months", "amount"),
    [
        (Decimal("5000000"), 1, Decimal("416667")),  # 416,666.67 → up
        (Decimal("5000000"), 11, Decimal("4583333")),  # 4,583,333.33 → down
        (Decimal("5000000"), 6, Decimal("2500000")),
        (Decimal("1000014"), 1, Decimal("83335")),  # 83,334.50 → half up (not to even)
        (Decimal("4750000.50"), 12, Decimal("4750001")),  # a wage with sen: rounded too
    ],
)
def test_thr_is_rounded_half_up_to_the_whole_rupiah(wage, months, amount):
    assert thr_amount(monthly_wage=wage, months=months) == amount


def test_a_month_is_a_calendar_month_clamped_to_the_end_of_a_short_month():
    # given someone hired on 31 January
    hired = dt.date(2023, 1, 31)
    # then one month is reached on the last day of February
    assert add_months(hired, 1) == dt.date(2023, 2, 28)
    assert months_of_service(hire_date=hired, holiday_date=dt.date(2023, 2, 27)) == 0
    assert months_of_service(hire_date=hired, holiday_date=dt.date(2023, 2, 28)) == 1
    # and in a leap year on the 29th
    assert months_of_service(hire_date=dt.date(2024, 1, 31), holiday_date=dt.date(2024, 2, 28)) == 0
    assert months_of_service(hire_date=dt.date(2024, 1, 31), holiday_date=dt.date(2024, 2, 29)) == 1
    # and 29 days across a 28-day February are a whole month (19 Feb → 19 Mar)
    assert months_of_service(hire_date=dt.date(2026, 2, 19), holiday_date=dt.date(2026, 3, 20)) == 1


@pytest.fixture
def thr_people(rorg):
    """Four new colleagues in CS at the boundaries, and the personas (hired 2020)."""
    rorg.cs_budget.year = 2024
    rorg.cs_budget.save()
    people = {
        "d29": UserFactory(department=rorg.cs, hire_date=dt.date(2024, 3, 12), monthly_wage=WAGE),
        "m1": UserFactory(department=rorg.cs, hire_date=dt.date(2024, 3, 10), monthly_wage=WAGE),
        "m11d30": UserFactory(department=rorg.cs, hire_date=dt.date(2023, 4, 11), monthly_wage=WAGE),
        "m12": UserFactory(department=rorg.cs, hire_date=dt.date(2023, 4, 10), monthly_wage=WAGE),
    }
    return rorg, people


def test_the_preview_lists_what_each_person_is_owed(thr_people, api):
    org, people = thr_people
    # when
    response = api(org.hana).post(
        "/api/v1/rewards/thr/preview/", {"holiday_date": "2024-04-10", "department": org.cs.pk}, format="json"
    )
    # then
    assert response.status_code == 200
    by_employee = {row["employee"]: (row["months_of_service"], row["amount"]) for row in response.json()}
    assert by_employee[people["d29"].pk] == (0, "0.00")
    assert by_employee[people["m1"].pk] == (1, "612500.00")
    assert by_employee[people["m11d30"].pk] == (11, "6737500.00")
    assert by_employee[people["m12"].pk] == (12, "7350000.00")
    assert by_employee[org.ani.pk] == (51, "8500000.00")  # hired 6 Jan 2020, wage 8,500,000
    assert org.bayu.pk not in by_employee  # LKT is outside the department asked for


def test_the_preview_is_for_hr_only(thr_people, api):
    org, _people = thr_people
    for persona in (org.budi, org.ani, org.lina):
        response = api(persona).post("/api/v1/rewards/thr/preview/", {"holiday_date": "2024-04-10"}, format="json")
        assert response.status_code == 403


def test_the_preview_refuses_a_bad_date(thr_people, api):
    org, _people = thr_people
    response = api(org.hana).post("/api/v1/rewards/thr/preview/", {"holiday_date": "10/04/2024"}, format="json")
    assert response.status_code == 400
    assert "holiday_date" in response.json()


def test_creating_thr_makes_one_submitted_bonus_for_everyone_eligible(thr_people, api):
    org, people = thr_people
    # when
    response = api(org.hana).post(
        "/api/v1/rewards/thr/create/", {"holiday_date": "2024-04-10", "department": org.ops.pk}, format="json"
    )
    # then
    assert response.status_code == 201
    bonuses = Bonus.objects.filter(kind="thr")
    amounts = {bonus.employee_id: bonus.amount for bonus in bonuses}
    assert amounts == {
        people["m1"].pk: Decimal("612500.00"),
        people["m11d30"].pk: Decimal("6737500.00"),
        people["m12"].pk: Decimal("7350000.00"),
        org.ani.pk: Decimal("8500000.00"),
        org.andi.pk: Decimal("8500000.00"),
        org.budi.pk: Decimal("8500000.00"),
        org.mira.pk: Decimal("8500000.00"),
        org.bayu.pk: Decimal("8500000.00"),
    }
    assert {bonus.status for bonus in bonuses} == {BonusStatus.SUBMITTED}
    assert {bonus.period for bonus in bonuses} == {dt.date(2024, 4, 1)}
    assert BonusTransition.objects.filter(bonus__kind="thr").count() == 2 * len(amounts)
    assert len(response.json()) == len(amounts)


def test_creating_thr_twice_creates_nothing_the_second_time(thr_people, api):
    org, _people = thr_people
    client = api(org.hana)
    first = client.post("/api/v1/rewards/thr/create/", {"holiday_date": "2024-04-10"}, format="json")
    second = client.post("/api/v1/rewards/thr/create/", {"holiday_date": "2024-04-10"}, format="json")
    assert first.status_code == second.status_code == 201
    assert len(second.json()) == 0
    assert Bonus.objects.filter(kind="thr").count() == len(first.json())


def test_the_hr_person_creating_thr_is_not_among_those_paid_by_it(thr_people, api):
    org, _people = thr_people
    api(org.hana).post("/api/v1/rewards/thr/create/", {"holiday_date": "2024-04-10"}, format="json")
    paid = set(Bonus.objects.filter(kind="thr").values_list("employee_id", flat=True))
    assert org.hana.pk not in paid
    assert org.hadi.pk in paid


def test_thr_is_approved_by_someone_else_in_hr_against_the_budget(thr_people, api):
    org, people = thr_people
    api(org.hana).post(
        "/api/v1/rewards/thr/create/", {"holiday_date": "2024-04-10", "department": org.cs.pk}, format="json"
    )
    bonus = Bonus.objects.get(employee=people["m1"], kind="thr")
    assert api(org.hana).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/").status_code == 403
    assert api(org.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/").status_code == 200
