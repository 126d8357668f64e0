"""A request's length reads as a person would say it, in either language."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.leave.factories import LeaveTypeFactory, allocate, request_leave


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "language", "expected"),
    [(1, "en", "1 working day<"), (2, "en", "2 working days<"), (1, "id", "1 hari kerja<")],
)
def test_the_approvals_page_counts_days_in_good_english(org, client, days, language, expected):
    """It read "1 working days"."""
    leave_type = LeaveTypeFactory()
    year = timezone.localdate().year + 1
    allocate(org.ani, leave_type, 10, year=year, actor=org.hana)
    start = dt.date(year, 3, 2)  # a Tuesday
    request_leave(org.ani, leave_type, start, start + dt.timedelta(days=days - 1))
    client.force_login(org.budi)
    client.cookies["django_language"] = language
    assert expected in client.get("/leave/approvals/").content.decode()


@pytest.mark.django_db
def test_the_empty_choice_of_a_form_is_in_bahasa_indonesia(org, client):
    """The leave form's type list began with "- Select an option -" in Bahasa Indonesia."""
    client.force_login(org.ani)
    client.cookies["django_language"] = "id"
    page = client.get("/leave/").content.decode()
    assert "- Pilih salah satu -" in page
    assert "Select an option" not in page
