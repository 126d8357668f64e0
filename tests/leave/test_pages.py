"""Leave pages per persona: my leave, the approval queue, who is away, HR's settings."""

import datetime as dt

import pytest

from leave.models import Holiday, LeaveRequest, Status
from tests.leave.conftest import MONDAY
from tests.leave.factories import allocate, request_leave

pytestmark = pytest.mark.django_db


def test_my_leave_shows_balances_and_requests_and_takes_a_request(org, client, test_type):
    allocate(org.ani, test_type, 12)
    client.force_login(org.ani)
    page = client.get("/leave/").content.decode()
    assert test_type.name in page
    assert 'data-count-url="/api/v1/leave/working-days/"' in page
    assert "leave/request-form.js" in page
    response = client.post(
        "/leave/",
        {"leave_type": test_type.pk, "start_date": "2027-06-07", "end_date": "2027-06-08", "reason": "Mudik"},
    )
    assert response.status_code == 302
    request = LeaveRequest.objects.get(employee=org.ani)
    assert (request.working_days, request.reason) == (2, "Mudik")


def test_a_refused_request_shows_the_reason_on_the_form(org, client, test_type):
    client.force_login(org.ani)
    response = client.post(
        "/leave/", {"leave_type": test_type.pk, "start_date": "2027-06-07", "end_date": "2027-06-08"}
    )
    assert response.status_code == 200
    assert "Not enough" in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_the_employee_cancels_from_the_history(org, client, test_type):
    allocate(org.ani, test_type, 3)
    request = request_leave(org.ani, test_type, MONDAY)
    client.force_login(org.ani)
    assert f"/leave/requests/{request.pk}/cancel/" in client.get("/leave/").content.decode()
    client.post(f"/leave/requests/{request.pk}/cancel/")
    request.refresh_from_db()
    assert request.status == Status.CANCELLED


def test_the_manager_approves_and_rejects_in_the_queue(org, client, test_type):
    allocate(org.ani, test_type, 5)
    first = request_leave(org.ani, test_type, MONDAY)
    second = request_leave(org.ani, test_type, MONDAY + dt.timedelta(days=1))
    client.force_login(org.budi)
    page = client.get("/leave/approvals/").content.decode()
    assert org.ani.get_full_name() in page
    client.post(f"/leave/requests/{first.pk}/decide/", {"decision": "approve"})
    client.post(f"/leave/requests/{second.pk}/decide/", {"decision": "reject", "reason": "Busy week"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.rejection_reason) == ("approved", "rejected", "Busy week")


def test_an_employee_has_no_approval_queue(org, client):
    client.force_login(org.ani)
    assert client.get("/leave/approvals/").status_code == 403


def test_the_home_page_shows_balances_and_what_waits(org, client, test_type):
    allocate(org.ani, test_type, 4)
    request_leave(org.ani, test_type, MONDAY)
    client.force_login(org.ani)
    home = client.get("/").content.decode()
    assert "My leave" in home
    client.force_login(org.budi)
    home = client.get("/").content.decode()
    assert "Leave requests waiting for you" in home
    assert "1 request waits for your decision." in home


def test_who_is_away_shows_the_team_and_hides_the_type_from_colleagues(org, client, private):
    sick = private.types.get(code="sick")
    request = request_leave(org.ani, sick, MONDAY)
    client.force_login(org.andi)
    page = client.get("/leave/team/?month=2027-06").content.decode()
    assert org.ani.get_full_name() in page
    assert sick.name not in page
    client.force_login(org.budi)
    assert sick.name in client.get("/leave/team/?month=2027-06").content.decode()
    client.force_login(org.bayu)
    assert org.ani.get_full_name() not in client.get("/leave/team/?month=2027-06").content.decode()
    assert request.status == "pending"


def test_who_is_away_is_shown_a_page_of_people_at_a_time(org, client, private, monkeypatch):
    # given four people away in June, two to a page
    from leave import views

    sick = private.types.get(code="sick")
    away = [org.ani, org.andi, org.bayu, org.mira]
    for person in away:
        request_leave(person, sick, MONDAY)
    monkeypatch.setattr(views, "TEAM_ROWS_PER_PAGE", 2)
    client.force_login(org.hana)
    # when HR reads the month page by page
    first = client.get("/leave/team/?month=2027-06").content.decode()
    second = client.get("/leave/team/?month=2027-06&page=2").content.decode()
    # then every person is on exactly one page, and the pages link each other with the month
    names = [person.get_full_name() for person in away]
    assert sum(name in first for name in names) == 2 and sum(name in second for name in names) == 2
    assert not any(name in first and name in second for name in names)
    assert "People 1–2 of 4" in first and 'href="?month=2027-06&amp;page=2"' in first
    assert "People 3–4 of 4" in second and 'href="?month=2027-06&amp;page=1"' in second


def test_hr_pages_are_for_hr(org, client, private):
    client.force_login(org.budi)
    for path in ("/leave/manage/types/", "/leave/manage/holidays/", "/leave/manage/allocations/"):
        assert client.get(path).status_code == 403
    client.force_login(org.hana)
    for path in ("/leave/manage/types/", "/leave/manage/holidays/?year=2026", "/leave/manage/allocations/"):
        assert client.get(path).status_code == 200, path
    annual = private.types.get(code="annual")
    assert client.get(f"/leave/manage/types/{annual.pk}/").status_code == 200


def test_hr_edits_a_type_and_the_calendar_and_allocates(org, client, private):
    annual = private.types.get(code="annual")
    client.force_login(org.hana)
    form = client.get(f"/leave/manage/types/{annual.pk}/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(annual_days="14", max_consecutive_days="", attachment_after_days="", max_occurrences="")
    for flag in ("paid", "tracks_balance", "half_day_allowed", "requires_hr_approval", "is_active"):
        if not data.get(flag):
            data.pop(flag, None)
    assert client.post(f"/leave/manage/types/{annual.pk}/", data).status_code == 302
    annual.refresh_from_db()
    assert annual.annual_days == 14

    client.post("/leave/manage/holidays/?year=2027", {"date": "2027-06-09", "name": "Pilkada", "is_day_off": "on"})
    assert Holiday.objects.filter(date=dt.date(2027, 6, 9), source="hr").exists()

    body = {
        "allocation-employee": org.ani.pk,
        "allocation-leave_type": annual.pk,
        "allocation-year": 2027,
        "allocation-days": "2",
        "allocation-note": "Extra",
        "allocate": "1",
    }
    assert client.post("/leave/manage/allocations/", body).status_code == 302
    page = client.get(f"/leave/manage/allocations/?employee={org.ani.pk}").content.decode()
    assert "Extra" in page


def test_nav_items_per_role(org, client):
    client.force_login(org.ani)
    page = client.get("/").content.decode()
    assert 'href="/leave/"' in page and 'href="/leave/approvals/"' not in page
    client.force_login(org.hana)
    page = client.get("/").content.decode()
    assert 'href="/leave/approvals/"' in page and 'href="/leave/manage/types/"' in page


def test_hr_adds_a_leave_type_and_edits_a_policy(org, client, private):
    client.force_login(org.hana)
    body = {
        "policy": private.pk,
        "code": "study",
        "name": "Cuti belajar",
        "day_unit": "working",
        "annual_days": "0",
        "eligible_after_months": "0",
        "accrual": "yearly",
        "carry_over_max_days": "0",
        "carry_over_valid_months": "12",
        "order": "30",
        "paid": "on",
        "is_active": "on",
    }
    assert client.post("/leave/manage/types/new/", body).status_code == 302
    assert private.types.filter(code="study", name="Cuti belajar").exists()
    assert client.post("/leave/manage/types/new/", body).status_code == 200  # the same code again: refused
    body = {"name": private.name, "work_week": ["1", "2", "3", "4", "5", "6"], "collective_leave_reduces_annual": "on"}
    assert client.post(f"/leave/manage/policies/{private.pk}/", body).status_code == 302
    private.refresh_from_db()
    assert private.work_week == "123456"


@pytest.mark.parametrize(("language", "shown"), [("en", "work week Monday–Friday"), ("id", "pekan kerja Senin–Jumat")])
def test_leave_settings_name_the_working_weekdays(org, client, private, language, shown):
    client.force_login(org.hana)
    content = client.get("/leave/manage/types/", headers={"accept-language": language}).content.decode()
    assert shown in content
    assert "12345" not in content


def test_the_policy_form_offers_named_weekdays_and_refuses_none(org, client, private):
    client.force_login(org.hana)
    form = client.get(f"/leave/manage/policies/{private.pk}/").content.decode()
    assert 'name="work_week" value="1" id="id_work_week_0" checked>\n Monday</label>' in form
    assert 'name="work_week" value="6" id="id_work_week_5">\n Saturday</label>' in form
    body = {"name": private.name, "collective_leave_reduces_annual": "on"}
    response = client.post(f"/leave/manage/policies/{private.pk}/", body)
    assert response.status_code == 200
    private.refresh_from_db()
    assert private.work_week == "12345"


def test_a_policy_of_scattered_days_lists_them():
    from leave.models import LeavePolicy

    assert LeavePolicy(work_week="135").work_week_display == "Monday, Wednesday, Friday"


def test_the_request_form_offers_only_the_types_for_the_employee(org, client, private):
    org.andi.sex = "male"
    org.andi.save()
    client.force_login(org.andi)
    choices = [label for _value, label in client.get("/leave/").context["form"].fields["leave_type"].choices]
    assert "Cuti melahirkan" not in choices
    assert "Cuti istri melahirkan atau keguguran" in choices
