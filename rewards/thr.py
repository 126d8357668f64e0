"""THR (Tunjangan Hari Raya Keagamaan), Permenaker 6/2016.

Article 3: an employee with 12 months of continuous service or more receives one month's
wage; one with at least one month but less than 12 receives months of service / 12 × one
month's wage; under one month, nothing is owed.

**Months of service** are whole calendar months from the hire date to the holiday: the largest
n such that the hire date plus n calendar months is on or before the holiday. Adding a month
keeps the day of the month, or takes the month's last day when it has no such day (hired 31
January: one month is reached on 28 February, or 29 in a leap year). So hired 10 March,
holiday 10 April is exactly one month; hired 12 March, holiday 10 April (29 days) is none.
"""

import datetime as dt
from decimal import Decimal

from core.money import round_rupiah
from core.periods import whole_months_between

FULL_ENTITLEMENT_MONTHS = 12


def months_of_service(*, hire_date: dt.date, holiday_date: dt.date) -> int:
    """Whole calendar months of service on the holiday (0 when hired on or after it)."""
    return whole_months_between(hire_date, holiday_date)


def thr_amount(*, monthly_wage: Decimal, months: int) -> Decimal:
    """The THR owed, rounded half-up to the whole rupiah (multiplied before dividing, so that
    no precision is lost on the way)."""
    if months < 1 or monthly_wage <= 0:
        return Decimal(0)
    if months >= FULL_ENTITLEMENT_MONTHS:
        return round_rupiah(monthly_wage)
    return round_rupiah(monthly_wage * months / FULL_ENTITLEMENT_MONTHS)
