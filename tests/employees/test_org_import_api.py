"""The organisation file over the API and the pages, and two imports applied at once."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.errors import Conflict
from employees.models import Department, ImportStatus, OrgImport, User
from employees.services import org_import_apply, org_import_apply_start, org_import_upload
from tests.employees.test_org_import import DEPARTMENTS, PEOPLE


def upload(api, text: str, *, kind: str = "departments", mode: str = "partial", name: str = "org.csv"):
    return api.post(
        "/api/v1/org/imports/",
        {"kind": kind, "mode": mode, "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
        format="multipart",
    )


@pytest.fixture
def hr_api(api, org):
    return api(org.hana)


def test_hr_checks_then_applies_a_file(hr_api, django_capture_on_commit_callbacks):
    # when
    response = hr_api.post("/api/v1/org/imports/", {}, format="multipart")
    assert response.status_code == 400
    response = upload(hr_api, DEPARTMENTS.replace("KP,Kantor Pusat,,0", "KP,Kantor Pusat,HQ,0"))
    # then: checked, nothing written yet
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "checked"
    assert body["counts"]["created"] == 5
    assert body["errors"] == []
    assert not Department.objects.filter(code="LOKET").exists()
    # when applied
    with django_capture_on_commit_callbacks(execute=True):
        applied = hr_api.post(f"/api/v1/org/imports/{body['id']}/apply/")
    assert applied.status_code == 202
    assert applied.json()["status"] in ("applying", "applied")
    detail = hr_api.get(f"/api/v1/org/imports/{body['id']}/").json()
    assert (detail["status"], detail["progress"], detail["applied_by"]) == ("applied", 100, "hana")
    assert Department.objects.get(code="LOKET").parent.code == "DIT"
    # and again: 409
    assert hr_api.post(f"/api/v1/org/imports/{body['id']}/apply/").status_code == 409


def test_a_file_with_problems_is_invalid_with_every_problem_and_cannot_be_applied(hr_api):
    response = upload(hr_api, PEOPLE, kind="people")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "invalid"
    assert body["error_count"] == 6
    assert {error["column"] for error in body["errors"]} == {"department_code"}
    assert {error["row"] for error in body["errors"]} == {2, 3, 4, 5, 6, 7}
    assert hr_api.post(f"/api/v1/org/imports/{body['id']}/apply/").status_code == 409
    assert not User.objects.filter(employee_number="102").exists()


def test_messages_come_in_the_users_language(hr_api):
    response = hr_api.post(
        "/api/v1/org/imports/",
        {"kind": "departments", "file": SimpleUploadedFile("d.csv", b"code,name,nama_lain\nA,B,C\n")},
        format="multipart",
        headers={"accept-language": "id"},
    )
    message = response.json()["errors"][0]["message"]
    assert "nama_lain" in message
    assert message.startswith("Kolom")


def test_an_unknown_kind_or_mode_is_a_400(hr_api):
    assert upload(hr_api, DEPARTMENTS, kind="rooms").status_code == 400
    assert upload(hr_api, DEPARTMENTS, mode="everything").status_code == 400
    assert not OrgImport.objects.exists()


@pytest.mark.parametrize("persona", ["budi", "ani", "lina"])
def test_only_hr_may_import(api, org, persona):
    client = api(getattr(org, persona))
    assert upload(client, DEPARTMENTS).status_code == 403
    assert client.get("/api/v1/org/imports/").status_code == 403


def test_another_import_applying_is_a_409(hr_api, org):
    first = org_import_upload(
        kind="departments", mode="partial", file_name="a.csv", content=DEPARTMENTS.encode(), actor=None
    )
    second = org_import_upload(
        kind="departments", mode="partial", file_name="b.csv", content=b"code,name\nX,Y\n", actor=None
    )
    org_import_apply_start(org_import=first, actor=None, queue=False)
    response = hr_api.post(f"/api/v1/org/imports/{second.pk}/apply/")
    assert response.status_code == 409
    assert "Another import" in response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_imports_applied_at_once_one_wins_and_nothing_is_mixed(org):
    # given two checked files
    first = org_import_upload(
        kind="departments",
        mode="partial",
        file_name="a.csv",
        content=b"code,name,parent_code\nA1,Satu,HQ\nA2,Dua,HQ\n",
        actor=None,
    )
    second = org_import_upload(
        kind="departments",
        mode="partial",
        file_name="b.csv",
        content=b"code,name,parent_code\nB1,Tiga,HQ\nB2,Empat,HQ\n",
        actor=None,
    )
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def apply(name: str, org_import: OrgImport) -> None:
        try:
            barrier.wait(timeout=10)
            org_import_apply_start(org_import=org_import, actor=None, queue=False)
            outcomes[name] = "started"
        except Conflict:
            outcomes[name] = "refused"
        finally:
            connection.close()

    # when both are applied at the same moment
    threads = [threading.Thread(target=apply, args=item) for item in (("first", first), ("second", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then one wins, the other is refused
    assert sorted(outcomes.values()) == ["refused", "started"]
    winner = first if outcomes["first"] == "started" else second
    loser = second if winner is first else first
    assert org_import_apply(org_import_id=winner.pk).status == ImportStatus.APPLIED
    loser.refresh_from_db()
    assert loser.status == ImportStatus.CHECKED
    codes = set(Department.objects.values_list("code", flat=True))
    winner_codes = {"A1", "A2"} if winner is first else {"B1", "B2"}
    assert winner_codes <= codes
    assert not (({"A1", "A2", "B1", "B2"} - winner_codes) & codes)


# --- Pages.


def test_hr_uploads_sees_problems_then_applies_on_the_pages(client, org, django_capture_on_commit_callbacks):
    client.force_login(org.hana)
    assert client.get("/people/imports/").status_code == 200
    response = client.post(
        "/people/imports/",
        {
            "kind": "departments",
            "mode": "partial",
            "file": SimpleUploadedFile("d.csv", b"code,name,parent_code\nX,Unit X,NOPE\n"),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "NOPE" in page.content.decode()
    assert b"Apply the file" not in page.content
    response = client.post(
        "/people/imports/",
        {
            "kind": "departments",
            "mode": "partial",
            "file": SimpleUploadedFile("d.csv", b"code,name,parent_code\nX,Unit X,HQ\n"),
        },
    )
    detail = response["Location"]
    page = client.get(detail)
    assert b"Apply the file" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(f"{detail}apply/")
    assert applied.status_code == 302
    assert Department.objects.get(code="X").parent == org.hq
    history = client.get("/people/imports/").content.decode()
    assert "hana" in history


def test_the_templates_download_with_the_columns(client, org):
    client.force_login(org.hana)
    response = client.get("/people/imports/template/people.csv")
    assert response.status_code == 200
    header = response.content.decode().splitlines()[0]
    assert header == (
        "employee_number,first_name,last_name,email,department_code,manager_employee_number,"
        "role,hire_date,monthly_wage,sex,active"
    )
    assert client.get("/people/imports/template/rooms.csv").status_code == 404


def test_the_page_shows_the_progress_of_an_import_being_applied(client, org):
    from django.core.cache import cache

    from employees.services import org_import_progress_key

    org_import = org_import_upload(
        kind="departments", mode="partial", file_name="a.csv", content=DEPARTMENTS.encode(), actor=None
    )
    org_import_apply_start(org_import=org_import, actor=org.hana, queue=False)
    cache.set(org_import_progress_key(org_import.pk), 40)
    client.force_login(org.hana)
    page = client.get(f"/people/imports/{org_import.pk}/").content.decode()
    assert '<progress id="org-progress" max="100" value="40">' in page
    assert 'http-equiv="refresh"' in page
    assert client.get(f"/api/v1/org/imports/{org_import.pk}/").json()["progress"] == 40


def test_an_import_whose_job_was_lost_is_started_again_then_failed_by_the_sweep(
    org, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.core.cache import cache
    from django.utils import timezone

    from core.jobs import stuck_jobs_sweep

    cache.clear()
    org_import = org_import_upload(
        kind="departments", mode="partial", file_name="a.csv", content=DEPARTMENTS.encode(), actor=None
    )
    # given an import left `applying` by a job that never ran
    org_import_apply_start(org_import=org_import, actor=None, queue=False)
    later = timezone.now() + dt.timedelta(hours=1)
    # when the sweep finds it: it starts the job again (which here runs at once and applies it)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = stuck_jobs_sweep(now=later)
    assert outcome["org-import"]["restarted"] == [org_import.pk]
    org_import.refresh_from_db()
    assert org_import.status == ImportStatus.APPLIED
    # and one that stays lost past the restarts is failed, freeing the next import
    second = org_import_upload(
        kind="departments", mode="partial", file_name="b.csv", content=b"code,name\nZ,Zed\n", actor=None
    )
    org_import_apply_start(org_import=second, actor=None, queue=False)
    cache.set(f"prima:job:org-import:{second.pk}:restarts", 2)
    assert stuck_jobs_sweep(now=later)["org-import"]["failed"] == [second.pk]
    second.refresh_from_db()
    assert second.status == ImportStatus.FAILED
