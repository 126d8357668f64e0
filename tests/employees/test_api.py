"""Organisation API, per role: who reads and writes departments and employees."""

import pytest

from employees.models import Department, User

pytestmark = pytest.mark.django_db


class TestDepartments:
    def test_everyone_signed_in_reads_departments(self, org, api):
        response = api(org.ani).get("/api/v1/departments/")
        assert response.status_code == 200
        assert response.json()["count"] == 5
        assert set(response.json()["results"][0]) == {
            "id",
            "name",
            "code",
            "parent",
            "is_service_unit",
            "customer_population",
        }

    def test_anonymous_is_refused(self, org, api):
        assert api().get("/api/v1/departments/").status_code == 401

    def test_hr_creates_a_department_under_a_parent(self, org, api):
        response = api(org.hana).post(
            "/api/v1/departments/",
            {"name": "Loket Pajak", "code": "PJK", "parent": org.ops.pk, "is_service_unit": True},
        )
        assert response.status_code == 201, response.json()
        created = Department.objects.get(code="PJK")
        assert created.path == f"{org.ops.path}{created.pk}/"

    @pytest.mark.parametrize("persona", ["ani", "budi", "lina"])
    def test_others_cannot_create_departments(self, org, api, persona):
        response = api(getattr(org, persona)).post("/api/v1/departments/", {"name": "X", "code": "X"})
        assert response.status_code == 403
        assert not Department.objects.filter(code="X").exists()

    def test_a_duplicate_code_is_a_field_error(self, org, api):
        response = api(org.hana).post("/api/v1/departments/", {"name": "Again", "code": "CS"})
        assert response.status_code == 400
        assert "code" in response.json()

    def test_an_unknown_parent_is_a_field_error(self, org, api):
        response = api(org.hana).post("/api/v1/departments/", {"name": "Y", "code": "Y", "parent": 999999})
        assert response.status_code == 400
        assert "parent" in response.json()

    def test_moving_a_department_moves_its_subtree(self, org, api):
        response = api(org.hana).patch(f"/api/v1/departments/{org.ops.pk}/", {"parent": org.hrd.pk}, format="json")
        assert response.status_code == 200, response.json()
        org.cs.refresh_from_db()
        assert org.cs.path == f"{org.hq.path}{org.hrd.pk}/{org.ops.pk}/{org.cs.pk}/"

    def test_a_department_cannot_move_under_its_own_child(self, org, api):
        response = api(org.hana).patch(f"/api/v1/departments/{org.ops.pk}/", {"parent": org.cs.pk}, format="json")
        assert response.status_code == 400
        assert "parent" in response.json()
        org.ops.refresh_from_db()
        assert org.ops.parent_id == org.hq.pk

    def test_list_query_count_is_fixed(self, org, api, django_assert_max_num_queries):
        client = api(org.ani)
        # session-less token auth: count + page
        with django_assert_max_num_queries(2):
            client.get("/api/v1/departments/")


class TestEmployees:
    def test_hr_reads_everyone_with_wages(self, org, api):
        response = api(org.hana).get("/api/v1/employees/")
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == 7
        assert all("monthly_wage" in row for row in results)
        assert all("password" not in row for row in results)

    def test_a_manager_reads_only_their_subtree_without_wages(self, org, api):
        response = api(org.budi).get("/api/v1/employees/")
        assert response.status_code == 200
        usernames = {row["username"] for row in response.json()["results"]}
        assert usernames == {"budi", "ani", "andi"}
        others = [row for row in response.json()["results"] if row["username"] != "budi"]
        assert all("monthly_wage" not in row for row in others)

    def test_a_manager_gets_404_for_someone_outside_their_scope(self, org, api):
        assert api(org.budi).get(f"/api/v1/employees/{org.bayu.pk}/").status_code == 404

    @pytest.mark.parametrize("persona", ["ani", "lina"])
    def test_employees_and_leadership_are_refused_the_list(self, org, api, persona):
        assert api(getattr(org, persona)).get("/api/v1/employees/").status_code == 403

    def test_a_manager_cannot_edit_their_team(self, org, api):
        response = api(org.budi).patch(f"/api/v1/employees/{org.ani.pk}/", {"first_name": "X"}, format="json")
        assert response.status_code == 403

    def test_hr_creates_an_employee_with_a_strong_password(self, org, api):
        payload = {
            "username": "citra",
            "first_name": "Citra",
            "last_name": "Lestari",
            "email": "citra@prima.test",
            "employee_number": "E99999",
            "department": org.lkt.pk,
            "manager": org.mira.pk,
            "hire_date": "2025-02-03",
            "role": "employee",
            "monthly_wage": "7250000.00",
            "password": "kopi-susu-di-pagi-hari",
        }
        response = api(org.hana).post("/api/v1/employees/", payload, format="json")
        assert response.status_code == 201, response.json()
        citra = User.objects.get(username="citra")
        assert citra.check_password("kopi-susu-di-pagi-hari")
        assert str(citra.monthly_wage) == "7250000.00"

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("monthly_wage", "-1"),
            ("monthly_wage", "1.234"),
            ("monthly_wage", "lots"),
            ("role", "king"),
            ("department", 999999),
            ("hire_date", "31-12-2024"),
            ("password", "123"),
            ("password", "kopi-susu-" * 10_000),  # longer than any password, and costly to hash
            ("username", ""),
        ],
    )
    def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(self, org, api, field, value):
        payload = {"username": "dodi", "password": "kopi-susu-di-pagi-hari", field: value}
        before = User.objects.count()
        response = api(org.hana).post("/api/v1/employees/", payload, format="json")
        assert response.status_code == 400
        assert field in response.json()
        assert User.objects.count() == before

    def test_a_duplicate_employee_number_is_a_400(self, org, api):
        payload = {"username": "dodi", "employee_number": org.ani.employee_number}
        response = api(org.hana).post("/api/v1/employees/", payload, format="json")
        assert response.status_code == 400
        assert "employee_number" in response.json()

    def test_nobody_is_their_own_manager(self, org, api):
        response = api(org.hana).patch(f"/api/v1/employees/{org.ani.pk}/", {"manager": org.ani.pk}, format="json")
        assert response.status_code == 400
        assert "manager" in response.json()

    def test_malformed_json_is_a_400(self, org, api):
        response = api(org.hana).generic("POST", "/api/v1/employees/", "{not json", content_type="application/json")
        assert response.status_code == 400

    def test_list_query_count_does_not_grow_with_people(self, org, api, django_assert_max_num_queries):
        client = api(org.hana)
        # count, page of employees with their departments
        with django_assert_max_num_queries(2):
            client.get("/api/v1/employees/")


class TestMe:
    def test_i_see_my_own_wage(self, org, api):
        response = api(org.ani).get("/api/v1/me/")
        assert response.status_code == 200
        assert response.json()["username"] == "ani"
        assert response.json()["monthly_wage"] == "8500000.00"

    def test_anonymous_gets_401(self, api):
        assert api().get("/api/v1/me/").status_code == 401


class TestToken:
    def test_a_token_signs_in_api_calls(self, org, client):
        from tests.factories import TEST_PASSWORD

        response = client.post("/api/v1/auth/token/", {"username": "ani", "password": TEST_PASSWORD})
        assert response.status_code == 200
        token = response.json()["token"]
        me = client.get("/api/v1/me/", headers={"Authorization": f"Token {token}"})
        assert me.json()["username"] == "ani"

    def test_a_wrong_password_is_a_400(self, org, client):
        response = client.post("/api/v1/auth/token/", {"username": "ani", "password": "nope"})
        assert response.status_code == 400


class TestSchema:
    def test_the_schema_and_docs_are_served(self, org, client):
        client.force_login(org.ani)
        assert client.get("/api/v1/schema/").status_code == 200
        docs = client.get("/api/v1/docs/")
        assert docs.status_code == 200
        assert b"cdn" not in docs.content.lower()


class TestAuditTrail:
    def test_a_role_change_by_hr_is_recorded(self, org, api):
        from core.models import AuditEntry

        response = api(org.hana).patch(f"/api/v1/employees/{org.ani.pk}/", {"role": "manager"}, format="json")
        assert response.status_code == 200
        entry = AuditEntry.objects.get(action="employees.role.change")
        assert (entry.actor, entry.target_id, entry.data) == (
            org.hana,
            str(org.ani.pk),
            {"from": "employee", "to": "manager"},
        )
