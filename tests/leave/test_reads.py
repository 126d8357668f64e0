"""Reading leave writes nothing: the pages and the API only read. The shipped policies come from
the migrations, public holidays from the daily job, balances from the jobs and the services
that change them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leave import services
from leave.models import HolidayYear, LeaveBalance, LeavePolicy

pytestmark = pytest.mark.django_db

# A year nobody has asked for yet.
UNLOADED_YEAR = 2031


def _writes(queries) -> list[str]:
    """Every write but the session's own bookkeeping (its expiry moves on each request)."""
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE")
        and '"django_session"' not in q["sql"]
    ]


def _reads_of(persona: str, org, test_type) -> list[str]:
    working_days = (
        f"/api/v1/leave/working-days/?leave_type={test_type.pk}"
        f"&start_date={UNLOADED_YEAR}-06-02&end_date={UNLOADED_YEAR}-06-06"
    )
    everyone = [
        "/",
        "/leave/",
        "/leave/team/",
        "/api/v1/leave/balances/",
        "/api/v1/leave/ledger/",
        "/api/v1/leave/requests/",
        "/api/v1/leave/types/",
        f"/api/v1/leave/holidays/?year={UNLOADED_YEAR}",
        working_days,
    ]
    return {
        "ani": everyone,
        "budi": [*everyone, "/leave/approvals/"],
        "hana": [
            *everyone,
            "/leave/approvals/",
            "/leave/manage/types/",
            "/leave/manage/types/new/",
            f"/leave/manage/policies/{test_type.policy_id}/",
            f"/leave/manage/holidays/?year={UNLOADED_YEAR}",
            "/leave/manage/allocations/",
            "/api/v1/leave/policies/",
        ],
    }[persona]


@pytest.mark.parametrize("persona", ["ani", "budi", "hana"])
def test_reading_the_leave_pages_and_api_writes_nothing(persona, org, client, test_type):
    # given someone with no balance this year, and a year whose holidays were never loaded
    person = getattr(org, persona)
    client.force_login(person)
    assert not LeaveBalance.objects.filter(employee=person).exists()
    # when they read every leave page and API they may
    with CaptureQueriesContext(connection) as queries:
        for url in _reads_of(persona, org, test_type):
            assert client.get(url).status_code == 200, url
    # then nothing was written
    assert _writes(queries.captured_queries) == []
    assert not HolidayYear.objects.filter(year=UNLOADED_YEAR).exists()


def test_a_database_without_policies_is_read_without_installing_them(org, client):
    # given a database whose policies were removed
    LeavePolicy.objects.all().delete()
    client.force_login(org.ani)
    # when Ani reads her leave
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/leave/").status_code == 200
        assert client.get("/leave/team/").status_code == 200
    # then nothing was installed
    assert _writes(queries.captured_queries) == []
    assert not LeavePolicy.objects.exists()


def test_the_daily_job_loads_this_and_next_years_holidays_and_opens_newcomers_balances(org, test_type):
    # given a newcomer with no balance, and calendars never loaded
    today = dt.date(UNLOADED_YEAR, 3, 10)
    # when the daily job runs, twice
    first = services.leave_daily_run(today=today)
    second = services.leave_daily_run(today=today)
    # then both years are loaded and everyone's balance opened, once
    assert first["holiday_years"] == [UNLOADED_YEAR, UNLOADED_YEAR + 1]
    assert first["opened"] > 0
    assert second == {"holiday_years": [], "opened": 0}
    assert LeaveBalance.objects.filter(employee=org.ani, year=UNLOADED_YEAR, leave_type=test_type).exists()


def test_a_request_loads_its_years_holidays_before_counting(org, test_type):
    # given a year never loaded, whose Waisak falls on Wednesday 4 June
    services.leave_allocation_create(
        employee=org.ani, leave_type=test_type, year=UNLOADED_YEAR, days=10, note="start", actor=org.hana
    )
    # when Ani asks for Monday 2 June to Friday 6 June
    request = services.leave_request_create(
        employee=org.ani,
        leave_type=test_type,
        start_date=dt.date(UNLOADED_YEAR, 6, 2),
        end_date=dt.date(UNLOADED_YEAR, 6, 6),
    )
    # then the year was loaded for the count, and the holiday is not counted
    assert HolidayYear.objects.filter(year=UNLOADED_YEAR).exists()
    assert request.working_days == 4
