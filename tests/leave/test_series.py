"""leave_days_taken_series: approved leave days by department and the month they fall in."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from leave import services
from leave.selectors import leave_days_taken_columns, leave_days_taken_series
from tests.leave.factories import allocate, request_leave

pytestmark = pytest.mark.django_db


def test_days_are_counted_in_the_month_they_fall_in_by_department(org, test_type, django_assert_max_num_queries):
    for person in (org.ani, org.andi, org.bayu):
        allocate(person, test_type, 10)
    # ani: Thursday 29 July to Tuesday 3 August 2027 = 2 days in July, 2 in August
    across = request_leave(org.ani, test_type, dt.date(2027, 7, 29), dt.date(2027, 8, 3))
    half = request_leave(org.andi, test_type, dt.date(2027, 7, 5), half_day=True)
    other_unit = request_leave(org.bayu, test_type, dt.date(2027, 7, 6))
    pending = request_leave(org.andi, test_type, dt.date(2027, 7, 12))
    for request, approver in ((across, org.budi), (half, org.budi), (other_unit, org.mira)):
        services.leave_request_approve(request=request, actor=approver)
    assert pending.status == "pending"

    with django_assert_max_num_queries(1):
        rows = leave_days_taken_series(period_from=dt.date(2027, 7, 1), period_to=dt.date(2027, 8, 1))

    assert rows == [
        {"department_id": org.cs.pk, "period": dt.date(2027, 7, 1), "days": Decimal("2.5")},
        {"department_id": org.cs.pk, "period": dt.date(2027, 8, 1), "days": Decimal("2")},
        {"department_id": org.lkt.pk, "period": dt.date(2027, 7, 1), "days": Decimal("1")},
    ]
    only_lkt = leave_days_taken_series(
        period_from=dt.date(2027, 7, 1), period_to=dt.date(2027, 7, 1), department_ids=[org.lkt.pk]
    )
    assert only_lkt == [{"department_id": org.lkt.pk, "period": dt.date(2027, 7, 1), "days": Decimal("1")}]

    # the same days as columns, one per leave day, total the same per department and month
    with django_assert_max_num_queries(1):
        columns = leave_days_taken_columns(period_from=dt.date(2027, 7, 1), period_to=dt.date(2027, 8, 1))
    totals = Counter()
    for unit, month, days in zip(*(columns[name].tolist() for name in ("department_id", "month", "days")), strict=True):
        totals[(unit, dt.date(month // 12, month % 12 + 1, 1))] += Decimal(str(days))
    assert totals == {(row["department_id"], row["period"]): row["days"] for row in rows}
    assert sorted(columns["days"].tolist()) == [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_cancelled_leave_is_not_taken(org, test_type):
    allocate(org.ani, test_type, 5)
    request = request_leave(org.ani, test_type, dt.date(2027, 7, 5))
    services.leave_request_approve(request=request, actor=org.budi)
    services.leave_request_cancel(request=request, actor=org.ani, today=dt.date(2027, 7, 1))
    assert leave_days_taken_series(period_from=dt.date(2027, 7, 1), period_to=dt.date(2027, 7, 1)) == []
