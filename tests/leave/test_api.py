"""Leave API per role: what each persona reads and does, bad input answered 400/409 with the
reason, nothing written; every list's query count pinned."""

import datetime as dt
from decimal import Decimal

import pytest

from leave import services
from leave.models import LeaveBalance, LeaveLedgerEntry, LeaveRequest
from tests.leave.conftest import MONDAY
from tests.leave.factories import allocate, request_leave

pytestmark = pytest.mark.django_db

FRIDAY = MONDAY + dt.timedelta(days=4)


def post_request(api, user, leave_type, start=MONDAY, end=FRIDAY, **extra):
    body = {"leave_type": getattr(leave_type, "pk", leave_type), "start_date": str(start), "end_date": str(end)}
    return api(user).post("/api/v1/leave/requests/", {**body, **extra}, format="json")


def snapshot():
    return (
        LeaveRequest.objects.count(),
        LeaveLedgerEntry.objects.count(),
        list(LeaveBalance.objects.order_by("pk").values_list("entitled", "used", "pending")),
    )


class TestRequests:
    def test_an_employee_requests_and_the_server_counts_the_days(self, org, api, test_type):
        allocate(org.ani, test_type, 12)
        response = post_request(api, org.ani, test_type, working_days=99)
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["working_days"] == "5.00"
        assert (body["status"], body["employee"]) == ("pending", org.ani.pk)
        assert set(body) >= {"id", "employee", "leave_type", "start_date", "end_date", "half_day", "reason", "status"}

    @pytest.mark.parametrize(
        ("change", "status", "field", "words"),
        [
            ({"end": MONDAY - dt.timedelta(days=1)}, 400, "end_date", "ends before it starts"),
            ({"leave_type": 999999}, 400, "leave_type", "Unknown leave type"),
            (
                {"start": MONDAY - dt.timedelta(days=2), "end": MONDAY - dt.timedelta(days=1)},
                400,
                "end_date",
                "no working day",
            ),
            ({"end": MONDAY + dt.timedelta(days=30)}, 409, "detail", "Not enough"),
        ],
    )
    def test_bad_input_names_the_reason_and_writes_nothing(self, org, api, test_type, change, status, field, words):
        allocate(org.ani, test_type, 12)
        before = snapshot()
        response = post_request(
            api,
            org.ani,
            change.get("leave_type", test_type),
            start=change.get("start", MONDAY),
            end=change.get("end", FRIDAY),
        )
        assert response.status_code == status, response.json()
        assert words in str(response.json()[field])
        assert snapshot() == before

    def test_an_overlap_is_a_conflict(self, org, api, test_type):
        allocate(org.ani, test_type, 12)
        request_leave(org.ani, test_type, MONDAY)
        before = snapshot()
        response = post_request(api, org.ani, test_type)
        assert response.status_code == 409
        assert "overlap" in response.json()["detail"]
        assert snapshot() == before

    def test_not_eligible_yet_is_named(self, org, api, private):
        org.ani.hire_date = dt.date(2027, 1, 4)
        org.ani.save()
        response = post_request(api, org.ani, private.types.get(code="annual"))
        assert response.status_code == 400
        assert "not eligible" in response.json()["leave_type"][0]

    def test_a_missing_attachment_is_named(self, org, api, private):
        response = post_request(api, org.ani, private.types.get(code="sick"))
        assert response.status_code == 400
        assert "attachment" in response.json()["attachment"][0]

    def test_an_attachment_is_uploaded_and_only_visible_people_download_it(self, org, api, client, private):
        from django.core.files.uploadedfile import SimpleUploadedFile

        note = SimpleUploadedFile("dokter.pdf", b"%PDF-1.4 surat dokter", content_type="application/pdf")
        body = {"leave_type": private.types.get(code="sick").pk, "start_date": MONDAY, "end_date": FRIDAY}
        response = api(org.ani).post("/api/v1/leave/requests/", {**body, "attachment": note}, format="multipart")
        assert response.status_code == 201, response.json()
        assert response.json()["has_attachment"] is True
        pk = response.json()["id"]
        client.force_login(org.budi)
        assert b"surat dokter" in b"".join(client.get(f"/leave/requests/{pk}/attachment/").streaming_content)
        client.force_login(org.mira)
        assert client.get(f"/leave/requests/{pk}/attachment/").status_code == 404

    def test_a_type_of_another_policy_is_refused(self, org, api, pns):
        response = post_request(api, org.ani, pns.types.get(code="annual"))
        assert response.status_code == 400
        assert "not part of your leave policy" in response.json()["leave_type"][0]

    def test_who_sees_which_requests(self, org, api, test_type):
        for person in (org.ani, org.bayu):
            allocate(person, test_type, 3)
            request_leave(person, test_type, MONDAY)
        seen = {
            name: {row["employee"] for row in api(getattr(org, name)).get("/api/v1/leave/requests/").json()["results"]}
            for name in ("ani", "andi", "budi", "mira", "hana")
        }
        assert seen == {
            "ani": {org.ani.pk},
            "andi": set(),
            "budi": {org.ani.pk},
            "mira": {org.bayu.pk},
            "hana": {org.ani.pk, org.bayu.pk},
        }

    def test_a_request_outside_your_scope_is_404(self, org, api, test_type):
        allocate(org.ani, test_type, 3)
        request = request_leave(org.ani, test_type, MONDAY)
        assert api(org.mira).post(f"/api/v1/leave/requests/{request.pk}/approve/").status_code == 404
        assert api(org.andi).get(f"/api/v1/leave/requests/{request.pk}/").status_code == 404

    def test_approve_reject_cancel_through_the_api(self, org, api, test_type):
        allocate(org.ani, test_type, 5)
        first = request_leave(org.ani, test_type, MONDAY)
        second = request_leave(org.ani, test_type, MONDAY + dt.timedelta(days=1))
        third = request_leave(org.ani, test_type, MONDAY + dt.timedelta(days=2))
        assert api(org.ani).post(f"/api/v1/leave/requests/{first.pk}/approve/").status_code == 403
        response = api(org.budi).post(f"/api/v1/leave/requests/{first.pk}/approve/")
        assert (response.status_code, response.json()["status"]) == (200, "approved")
        assert api(org.budi).post(f"/api/v1/leave/requests/{first.pk}/approve/").status_code == 409
        response = api(org.budi).post(f"/api/v1/leave/requests/{second.pk}/reject/", {}, format="json")
        assert response.status_code == 400
        assert "reason" in response.json()
        response = api(org.budi).post(f"/api/v1/leave/requests/{second.pk}/reject/", {"reason": "Audit"}, format="json")
        assert (response.status_code, response.json()["rejection_reason"]) == (200, "Audit")
        response = api(org.ani).post(f"/api/v1/leave/requests/{third.pk}/cancel/")
        assert (response.status_code, response.json()["status"]) == (200, "cancelled")
        assert api(org.budi).post(f"/api/v1/leave/requests/{first.pk}/cancel/").status_code == 403

    def test_waiting_for_me_lists_only_what_i_decide(self, org, api, test_type, hr_type):
        allocate(org.ani, test_type, 3)
        allocate(org.ani, hr_type, 3)
        mine = request_leave(org.ani, test_type, MONDAY)
        hr_step = request_leave(org.ani, hr_type, MONDAY + dt.timedelta(days=1))
        api(org.budi).post(f"/api/v1/leave/requests/{hr_step.pk}/approve/")
        waiting = api(org.budi).get("/api/v1/leave/requests/?waiting_for_me=true").json()["results"]
        assert [row["id"] for row in waiting] == [mine.pk]
        waiting = api(org.hana).get("/api/v1/leave/requests/?waiting_for_me=true").json()["results"]
        assert [row["id"] for row in waiting] == [hr_step.pk]

    def test_list_query_count_is_fixed(self, org, api, test_type, django_assert_max_num_queries):
        allocate(org.ani, test_type, 10)
        for offset in range(5):
            request_leave(org.ani, test_type, MONDAY + dt.timedelta(days=offset))
        client = api(org.hana)
        # count + page (employee, type and department joined)
        with django_assert_max_num_queries(2):
            response = client.get("/api/v1/leave/requests/")
        assert response.json()["count"] == 5


class TestBalances:
    def test_the_balance_shows_entitled_used_pending_available(self, org, api, test_type):
        allocate(org.ani, test_type, 12)
        approved = request_leave(org.ani, test_type, MONDAY)
        api(org.budi).post(f"/api/v1/leave/requests/{approved.pk}/approve/")
        request_leave(org.ani, test_type, MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=2))
        response = api(org.ani).get("/api/v1/leave/balances/?year=2027")
        assert response.status_code == 200
        row = next(row for row in response.json() if row["leave_type"] == test_type.pk)
        assert (row["entitled"], row["used"], row["pending"], row["available"]) == ("12.00", "1.00", "2.00", "9.00")

    @pytest.mark.parametrize(
        ("viewer", "status"), [("ani", 200), ("budi", 200), ("hana", 200), ("andi", 404), ("mira", 404)]
    )
    def test_who_reads_a_balance(self, org, api, viewer, status, test_type):
        response = api(getattr(org, viewer)).get(f"/api/v1/leave/balances/?employee={org.ani.pk}&year=2027")
        assert response.status_code == status

    def test_a_bad_year_is_a_field_error(self, org, api):
        assert "year" in api(org.ani).get("/api/v1/leave/balances/?year=abc").json()

    def test_balances_query_count_is_fixed(self, org, api, policies, django_assert_max_num_queries):
        client = api(org.ani)
        # assignment, default policy, types, balances, requests
        with django_assert_max_num_queries(5):
            client.get("/api/v1/leave/balances/?year=2027")


class TestAllocations:
    def test_hr_allocates_and_others_cannot(self, org, api, test_type):
        body = {"employee": org.ani.pk, "leave_type": test_type.pk, "year": 2027, "days": "2", "note": "Reward"}
        assert api(org.budi).post("/api/v1/leave/allocations/", body, format="json").status_code == 403
        response = api(org.hana).post("/api/v1/leave/allocations/", body, format="json")
        assert response.status_code == 201, response.json()
        assert (response.json()["kind"], response.json()["days"]) == ("allocation", "2.00")
        assert LeaveBalance.objects.get(employee=org.ani, leave_type=test_type).entitled == Decimal(2)

    def test_a_negative_allocation_is_refused(self, org, api, test_type):
        body = {"employee": org.ani.pk, "leave_type": test_type.pk, "year": 2027, "days": "-2"}
        response = api(org.hana).post("/api/v1/leave/allocations/", body, format="json")
        assert response.status_code == 400
        assert "days" in response.json()

    def test_adjustments_need_a_reason(self, org, api, test_type):
        allocate(org.ani, test_type, 2)
        body = {"employee": org.ani.pk, "leave_type": test_type.pk, "year": 2027, "days": "-1"}
        assert "reason" in api(org.hana).post("/api/v1/leave/adjustments/", body, format="json").json()
        response = api(org.hana).post("/api/v1/leave/adjustments/", {**body, "reason": "Fix"}, format="json")
        assert response.status_code == 201
        response = api(org.hana).post(
            "/api/v1/leave/adjustments/", {**body, "days": "-5", "reason": "x"}, format="json"
        )
        assert response.status_code == 409

    def test_allocation_and_ledger_lists_query_counts(self, org, api, test_type, django_assert_max_num_queries):
        for _ in range(3):
            allocate(org.ani, test_type, 1)
        client = api(org.hana)
        with django_assert_max_num_queries(2):
            assert client.get("/api/v1/leave/allocations/").json()["count"] == 3
        # the employee, count, page
        with django_assert_max_num_queries(3):
            assert client.get(f"/api/v1/leave/ledger/?employee={org.ani.pk}&year=2027").json()["count"] == 3


class TestTypesAndHolidays:
    def test_employees_read_their_policys_types_and_hr_reads_all(self, org, api, policies):
        mine = api(org.ani).get("/api/v1/leave/types/").json()["results"]
        assert {row["policy"] for row in mine} == {policies["private"].pk}
        assert {"id", "code", "name", "paid", "annual_days", "requires_hr_approval"} <= set(mine[0])
        everything = api(org.hana).get("/api/v1/leave/types/?page_size=100").json()
        assert everything["count"] == 18

    def test_hr_edits_a_type_and_it_is_audited(self, org, api, private):
        annual = private.types.get(code="annual")
        response = api(org.hana).patch(f"/api/v1/leave/types/{annual.pk}/", {"annual_days": "14"}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["annual_days"] == "14.00"
        from core.models import AuditEntry

        assert AuditEntry.objects.filter(action="leave.type.update").exists()
        assert api(org.ani).patch(f"/api/v1/leave/types/{annual.pk}/", {"annual_days": "20"}).status_code == 403

    def test_holidays_of_a_year_and_hr_adds_collective_leave(self, org, api):
        services.leave_daily_run(today=dt.date(2026, 1, 2))
        rows = api(org.ani).get("/api/v1/leave/holidays/?year=2026&page_size=100").json()["results"]
        assert {"date": "2026-03-21", "is_collective_leave": False} in [
            {"date": row["date"], "is_collective_leave": row["is_collective_leave"]} for row in rows
        ]
        body = {"date": "2026-12-28", "name": "Cuti bersama", "is_collective_leave": True}
        assert api(org.ani).post("/api/v1/leave/holidays/", body, format="json").status_code == 403
        assert api(org.hana).post("/api/v1/leave/holidays/", body, format="json").status_code == 201
        assert api(org.hana).post("/api/v1/leave/holidays/", body, format="json").status_code == 409

    def test_type_and_holiday_lists_query_counts(self, org, api, policies, django_assert_max_num_queries):
        client = api(org.hana)
        with django_assert_max_num_queries(2):
            client.get("/api/v1/leave/types/")
        # count, page
        with django_assert_max_num_queries(2):
            client.get("/api/v1/leave/holidays/?year=2027")


class TestWorkingDays:
    def test_the_form_asks_how_many_days_the_dates_count(self, org, api, private):
        annual = private.types.get(code="annual")
        services.leave_daily_run(today=dt.date(2026, 1, 2))
        query = f"leave_type={annual.pk}&start_date=2026-03-16&end_date=2026-03-27"
        response = api(org.ani).get(f"/api/v1/leave/working-days/?{query}")
        assert response.status_code == 200
        body = response.json()
        assert body["working_days"] == "5"
        assert len(body["days_off"]) == 5

    def test_nonsense_is_a_400(self, org, api):
        response = api(org.ani).get("/api/v1/leave/working-days/?leave_type=x&start_date=soon&end_date=")
        assert response.status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/leave/holidays/?year=0", "/api/v1/leave/requests/?year=99999"])
def test_a_year_out_of_range_is_a_400_not_a_crash(org, api, path):
    assert api(org.hana).get(path).status_code == 400


class TestPolicies:
    def test_hr_changes_the_work_week_and_the_default_policy(self, org, api, policies):
        pns = policies["civil_service"]
        client = api(org.hana)
        response = client.patch(f"/api/v1/leave/policies/{pns.pk}/", {"work_week": "123456", "is_default": True})
        assert response.status_code == 200, response.json()
        assert (response.json()["work_week"], response.json()["is_default"]) == ("123456", True)
        assert client.get(f"/api/v1/leave/policies/{policies['private'].pk}/").json()["is_default"] is False
        assert client.patch(f"/api/v1/leave/policies/{pns.pk}/", {"work_week": "189"}).status_code == 400
        assert api(org.ani).patch(f"/api/v1/leave/policies/{pns.pk}/", {"work_week": "12"}).status_code == 403

    def test_policy_list_query_count(self, org, api, policies, django_assert_max_num_queries):
        with django_assert_max_num_queries(2):
            assert api(org.ani).get("/api/v1/leave/policies/").json()["count"] == 2
