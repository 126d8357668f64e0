"""The working-day calendar: a policy's work week minus the days off in `Holiday`.

Public holidays come from the `holidays` package (holidays.country_holidays("ID")) and
collective leave from `defaults.COLLECTIVE_LEAVE_DAYS` (the joint decrees), copied into the
database once per year so that HR can correct them. Reading a year that was never loaded loads
it first (idempotent, one insert per holiday).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import holidays as holiday_package
from django.db import IntegrityError, transaction

from leave import defaults
from leave.models import DayUnit, Holiday, HolidaySource, HolidayYear, LeavePolicy, LeaveType

ONE, HALF = Decimal("1"), Decimal("0.5")


def package_holidays(year: int) -> dict[dt.date, tuple[str, bool]]:
    """{date: (name, is_collective_leave)} for a year, as shipped: public holidays from the
    `holidays` package, collective leave from the decrees (or, for years the decrees table does
    not cover, the package's government category)."""
    days: dict[dt.date, tuple[str, bool]] = {
        day: (name, False) for day, name in holiday_package.country_holidays("ID", years=year, language="id").items()
    }
    if year in defaults.COLLECTIVE_LEAVE_YEARS:
        collective = {day: name for day, name in defaults.COLLECTIVE_LEAVE_DAYS.items() if day.year == year}
    else:
        government = holiday_package.country_holidays("ID", years=year, language="id", categories=("government",))
        collective = dict(government.items())
    for day, name in collective.items():
        days.setdefault(day, (name, True))
    return days


def holidays_load_year(year: int) -> bool:
    """Copies a year's shipped holidays into `Holiday` unless the year was loaded before;
    dates HR already holds are left alone. Safe to run concurrently: the first wins."""
    if HolidayYear.objects.filter(year=year).exists():
        return False
    try:
        with transaction.atomic():
            HolidayYear.objects.create(year=year)
            taken = set(Holiday.objects.filter(date__year=year).values_list("date", flat=True))
            Holiday.objects.bulk_create(
                [
                    Holiday(
                        date=day,
                        name=name[:150],
                        is_collective_leave=collective,
                        source=HolidaySource.DECREE if collective else HolidaySource.PACKAGE,
                    )
                    for day, (name, collective) in sorted(package_holidays(year).items())
                    if day not in taken
                ]
            )
    except IntegrityError:
        return False
    return True


@dataclass(frozen=True)
class DayOff:
    date: dt.date
    name: str
    is_collective_leave: bool


def days_off(start: dt.date, end: dt.date) -> dict[dt.date, DayOff]:
    """Holidays and collective leave between two dates (inclusive), as loaded (a year's public
    holidays are loaded by the daily leave job for this year and the next, and by any change to
    that year's calendar)."""
    rows = Holiday.objects.filter(date__range=(start, end), is_day_off=True).values_list(
        "date", "name", "is_collective_leave"
    )
    return {day: DayOff(day, name, collective) for day, name, collective in rows}


def dates_between(start: dt.date, end: dt.date) -> Iterable[dt.date]:
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


@dataclass(frozen=True)
class DayCount:
    """What a request from `start` to `end` counts: its days (Decimal, 0.5 for a half day) and
    the dates counted, plus the days off it spans (shown to the requester)."""

    days: Decimal
    dates: tuple[dt.date, ...]
    skipped: tuple[DayOff, ...]
    day_value: Decimal


def count_days(
    *, policy: LeavePolicy, leave_type: LeaveType, start: dt.date, end: dt.date, half_day: bool = False
) -> DayCount:
    """Working days (the policy's work week, without holidays and collective leave) or calendar
    days, depending on the type."""
    off = days_off(start, end)
    if leave_type.day_unit == DayUnit.CALENDAR:
        dates = tuple(dates_between(start, end))
        skipped: tuple[DayOff, ...] = ()
    else:
        workdays = policy.workdays
        weekdays = [day for day in dates_between(start, end) if day.isoweekday() in workdays]
        dates = tuple(day for day in weekdays if day not in off)
        skipped = tuple(off[day] for day in weekdays if day in off)
    value = HALF if half_day else ONE
    return DayCount(days=value * len(dates), dates=dates, skipped=skipped, day_value=value)


def collective_leave_dates(*, policy: LeavePolicy, year: int, since: dt.date | None = None) -> list[dt.date]:
    """The year's collective-leave days that fall on the policy's working days (from `since`)."""
    start = max(dt.date(year, 1, 1), since) if since else dt.date(year, 1, 1)
    end = dt.date(year, 12, 31)
    if start > end:
        return []
    workdays = policy.workdays
    return sorted(
        day for day, info in days_off(start, end).items() if info.is_collective_leave and day.isoweekday() in workdays
    )
