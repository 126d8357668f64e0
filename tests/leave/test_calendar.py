"""The working-day calendar on real Indonesian dates, under both policies."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import Conflict
from leave import calendar, services
from leave.models import Holiday, HolidayYear, LeaveBalance, LeaveType
from tests.leave.factories import request_leave

pytestmark = pytest.mark.django_db

# Idul Fitri 1447 H: Saturday 21 and Sunday 22 March 2026. Nyepi: Thursday 19 March. Cuti
# bersama (SKB 2026): Wednesday 18, Friday 20, Monday 23 and Tuesday 24 March.
IDUL_FITRI_WEEKS = (dt.date(2026, 3, 16), dt.date(2026, 3, 27))


def annual(policy) -> LeaveType:
    return policy.types.get(code="annual")


def test_the_shipped_calendar_knows_idul_fitri_2026_and_its_collective_leave():
    days = calendar.package_holidays(2026)
    assert days[dt.date(2026, 3, 21)] == ("Hari Raya Idul Fitri", False)
    assert days[dt.date(2026, 3, 19)][1] is False  # Nyepi, a public holiday
    collective = sorted(day for day, (_name, is_collective) in days.items() if is_collective)
    assert collective == [
        dt.date(2026, 2, 16),
        dt.date(2026, 3, 18),
        dt.date(2026, 3, 20),
        dt.date(2026, 3, 23),
        dt.date(2026, 3, 24),
        dt.date(2026, 5, 15),
        dt.date(2026, 5, 28),
        dt.date(2026, 12, 24),
    ]


@pytest.mark.parametrize("policy_code", ["private", "civil_service"])
def test_two_weeks_around_idul_fitri_count_five_working_days_under_both_policies(policies, policy_code):
    # given the ten weekdays from 16 to 27 March 2026, the year's calendar loaded
    policy = policies[policy_code]
    calendar.holidays_load_year(2026)
    # when they are counted
    count = calendar.count_days(
        policy=policy, leave_type=annual(policy), start=IDUL_FITRI_WEEKS[0], end=IDUL_FITRI_WEEKS[1]
    )
    # then Nyepi and the four collective-leave days are not counted, nor the weekends
    assert count.days == Decimal(5)
    assert count.dates == (
        dt.date(2026, 3, 16),
        dt.date(2026, 3, 17),
        dt.date(2026, 3, 25),
        dt.date(2026, 3, 26),
        dt.date(2026, 3, 27),
    )
    assert [(day.date.day, day.is_collective_leave) for day in count.skipped] == [
        (18, True),
        (19, False),
        (20, True),
        (23, True),
        (24, True),
    ]


def test_collective_leave_reduces_annual_leave_under_the_private_policy_only(org, policies, on_policy):
    # given ani on the private policy and andi on the PNS policy, both long-serving
    on_policy(org.ani, policies["private"])
    on_policy(org.andi, policies["civil_service"])
    # when their 2026 annual balances open (as of 1 March 2026)
    for person in (org.ani, org.andi):
        services.leave_balances_open(employee=person, year=2026, as_of=dt.date(2026, 3, 1))
    private = LeaveBalance.objects.get(employee=org.ani, year=2026)
    civil = LeaveBalance.objects.get(employee=org.andi, year=2026)
    # then the eight 2026 collective-leave weekdays are taken from ani's 12 days, not from andi's
    assert (private.entitled, private.used, private.available) == (12, 8, 4)
    assert (civil.entitled, civil.used, civil.available) == (12, 0, 12)


def test_a_request_across_idul_fitri_fits_a_civil_servant_but_not_a_private_employee(org, policies, on_policy):
    on_policy(org.ani, policies["private"])
    on_policy(org.andi, policies["civil_service"])
    start, end = IDUL_FITRI_WEEKS
    for person in (org.ani, org.andi):
        services.leave_balances_open(employee=person, year=2026, as_of=dt.date(2026, 3, 1))
    # the civil servant's five days come from a full 12
    granted = request_leave(org.andi, annual(policies["civil_service"]), start, end)
    assert granted.working_days == 5
    # the private employee has 4 left after collective leave: refused, naming the reason
    with pytest.raises(Conflict, match=r"4.*available.*5"):
        request_leave(org.ani, annual(policies["private"]), start, end)


def test_calendar_day_types_count_weekends_and_holidays(pns):
    long_leave = pns.types.get(code="long")
    count = calendar.count_days(policy=pns, leave_type=long_leave, start=IDUL_FITRI_WEEKS[0], end=IDUL_FITRI_WEEKS[1])
    assert count.days == 12


def test_a_six_day_work_week_counts_saturdays(private):
    private.work_week = "123456"
    count = calendar.count_days(
        policy=private, leave_type=annual(private), start=dt.date(2027, 6, 7), end=dt.date(2027, 6, 13)
    )
    assert count.days == 6


def test_hr_can_turn_a_listed_holiday_back_into_a_working_day(org, private):
    # given Independence Day 2027 (Tuesday 17 August)
    calendar.holidays_load_year(2027)
    independence = Holiday.objects.get(date=dt.date(2027, 8, 17))
    week = {
        "policy": private,
        "leave_type": annual(private),
        "start": dt.date(2027, 8, 16),
        "end": dt.date(2027, 8, 20),
    }
    assert calendar.count_days(**week).days == 4
    # when HR makes it a working day
    services.holiday_update(holiday=independence, actor=org.hana, is_day_off=False)
    # then it counts
    assert calendar.count_days(**week).days == 5


def test_hr_adds_a_day_off_and_it_is_not_counted(org, private):
    services.holiday_create(date=dt.date(2027, 6, 9), name="Pilkada", actor=org.hana)
    count = calendar.count_days(
        policy=private, leave_type=annual(private), start=dt.date(2027, 6, 7), end=dt.date(2027, 6, 11)
    )
    assert count.days == 4
    with pytest.raises(Conflict):
        services.holiday_create(date=dt.date(2027, 6, 9), name="again", actor=org.hana)


def test_loading_a_year_twice_changes_nothing_and_keeps_hr_edits(org):
    assert calendar.holidays_load_year(2027) is True
    count = Holiday.objects.count()
    christmas = Holiday.objects.get(date=dt.date(2027, 12, 25))
    services.holiday_delete(holiday=christmas, actor=org.hana)
    assert calendar.holidays_load_year(2027) is False
    assert Holiday.objects.count() == count - 1
    assert HolidayYear.objects.filter(year=2027).count() == 1


def test_collective_leave_added_later_is_taken_from_private_balances_and_given_back_when_removed(
    org, policies, on_policy
):
    on_policy(org.ani, policies["private"])
    services.leave_balances_open(employee=org.ani, year=2026, as_of=dt.date(2026, 3, 1))
    balance = LeaveBalance.objects.get(employee=org.ani, year=2026)
    assert balance.used == 8
    # when HR adds a collective-leave day (the job runs after commit; eager here)
    day = services.holiday_create(
        date=dt.date(2026, 12, 28), name="Cuti Bersama tambahan", is_collective_leave=True, actor=org.hana
    )
    services.leave_collective_sync_run(year=2026)
    balance.refresh_from_db()
    assert balance.used == 9
    services.holiday_delete(holiday=day, actor=org.hana)
    services.leave_collective_sync_run(year=2026)
    balance.refresh_from_db()
    assert balance.used == 8


def test_turning_collective_leave_off_for_a_policy_gives_the_days_back(org, policies, on_policy):
    on_policy(org.ani, policies["private"])
    services.leave_balances_open(employee=org.ani, year=2026, as_of=dt.date(2026, 3, 1))
    services.leave_policy_update(policy=policies["private"], actor=org.hana, collective_leave_reduces_annual=False)
    services.leave_collective_sync_run(year=2026)
    balance = LeaveBalance.objects.get(employee=org.ani, year=2026)
    assert (balance.used, balance.available) == (0, 12)
    assert list(balance.entries.values_list("kind", "days")) == [("accrual", 12), ("collective", -8), ("collective", 8)]
