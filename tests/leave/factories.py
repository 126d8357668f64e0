"""Leave factories: types and requests written through the services, as the product does."""

import datetime as dt
from decimal import Decimal

import factory

from leave import services
from leave.models import LeaveType
from leave.selectors import default_policy


class LeaveTypeFactory(factory.django.DjangoModelFactory):
    """A balance-limited type in the default policy with no yearly accrual: tests give it days
    with allocations, so that nothing depends on today's date."""

    class Meta:
        model = LeaveType

    policy = factory.LazyFunction(default_policy)
    code = factory.Sequence(lambda n: f"test-{n}")
    name = factory.Sequence(lambda n: f"Test leave {n}")
    tracks_balance = True
    annual_days = Decimal("0")
    half_day_allowed = True


def allocate(employee, leave_type, days, *, year=2027, actor=None):
    return services.leave_allocation_create(
        employee=employee, leave_type=leave_type, year=year, days=Decimal(days), note="test", actor=actor
    )


def request_leave(employee, leave_type, start: dt.date, end: dt.date | None = None, **kwargs):
    return services.leave_request_create(
        employee=employee, leave_type=leave_type, start_date=start, end_date=end or start, **kwargs
    )
