"""The organisation file: departments and people checked completely, then applied all or nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from openpyxl import Workbook
from rest_framework.authtoken.models import Token

from core.models import AuditEntry
from employees.importing import PEOPLE_COLUMNS, org_file_check
from employees.models import Department, DepartmentMove, ImportStatus, OrgImport, User
from employees.services import org_import_apply, org_import_apply_start, org_import_upload
from pulse_surveys.models import Invitation
from tests.pulse_surveys.conftest import answer, close, open_round

DEPARTMENTS = """code,name,parent_code,is_service_unit
KP,Kantor Pusat,,0
DIT,Direktorat Pelayanan,KP,0
LOKET,Loket Perizinan,DIT,1
CALL,Pusat Panggilan,DIT,1
SDM,Biro SDM,KP,0
"""

PEOPLE = (
    ",".join(PEOPLE_COLUMNS)
    + """
100,Sari,Wulandari,sari@kemen.go.id,KP,,leadership,2010-01-04,25000000,female,1
101,Rudi,Hartono,rudi@kemen.go.id,DIT,100,manager,2012-03-01,18000000.50,male,1
102,Dewi,Lestari,dewi@kemen.go.id,LOKET,101,employee,2019-07-15,7500000,P,1
103,Agus,Santoso,agus@kemen.go.id,LOKET,101,employee,2020-02-03,7250000,L,1
104,Maya,Putri,maya@kemen.go.id,CALL,101,employee,2021-11-22,7000000,female,1
105,Hana,Pratiwi,hana.p@kemen.go.id,SDM,100,hr,2015-05-05,15000000,female,1
"""
)


def csv_bytes(text: str) -> bytes:
    return text.encode("utf-8")


def upload_and_apply(text: str, *, kind: str, mode: str = "partial", actor=None) -> OrgImport:
    org_import = org_import_upload(kind=kind, mode=mode, file_name=f"{kind}.csv", content=csv_bytes(text), actor=actor)
    assert org_import.status == ImportStatus.CHECKED, org_import.errors
    with TestCase.captureOnCommitCallbacks(execute=True):
        org_import_apply_start(org_import=org_import, actor=actor)
    org_import.refresh_from_db()
    return org_import


def people_rows(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.strip().splitlines()[1:]]


def people_text(rows: list[list[str]]) -> str:
    return "\n".join([",".join(PEOPLE_COLUMNS), *(",".join(row) for row in rows)]) + "\n"


def table_state() -> dict:
    """Everything an import may write, to show that a refused file wrote nothing."""
    return {
        "people": list(
            User.objects.order_by("pk").values_list(
                "employee_number", "department_id", "manager_id", "is_active", "email"
            )
        ),
        "departments": list(Department.objects.order_by("pk").values_list("code", "parent_id", "name", "path")),
        "moves": DepartmentMove.objects.count(),
        "audit": AuditEntry.objects.exclude(action__startswith="employees.import.").count(),
    }


@pytest.fixture
def organisation(db):
    hr = User.objects.create_user(username="hr-officer", role="hr")
    upload_and_apply(DEPARTMENTS, kind="departments", actor=hr)
    upload_and_apply(PEOPLE, kind="people", actor=hr)
    return hr


# --- Departments.


def test_a_departments_file_builds_the_tree_with_paths(db):
    # when
    org_import = upload_and_apply(DEPARTMENTS, kind="departments")
    # then
    assert org_import.status == ImportStatus.APPLIED
    assert org_import.counts["created"] == 5
    loket = Department.objects.get(code="LOKET")
    assert loket.is_service_unit
    assert loket.parent.code == "DIT"
    chain = [Department.objects.get(pk=pk).code for pk in loket.ancestor_ids]
    assert chain == ["KP", "DIT"]


def test_moving_a_department_re_roots_its_subtree(db):
    upload_and_apply(DEPARTMENTS, kind="departments")
    # when DIT moves under SDM
    org_import = upload_and_apply("code,name,parent_code\nDIT,Direktorat Pelayanan,SDM\n", kind="departments")
    # then
    assert org_import.counts["moved"] == 1
    assert org_import.counts["created"] == 0
    loket = Department.objects.get(code="LOKET")
    assert [Department.objects.get(pk=pk).code for pk in loket.ancestor_ids] == ["KP", "SDM", "DIT"]


def test_a_department_cycle_is_refused_and_nothing_written(db):
    upload_and_apply(DEPARTMENTS, kind="departments")
    before = table_state()
    # when KP would sit under LOKET, which sits under KP
    org_import = org_import_upload(
        kind="departments",
        mode="partial",
        file_name="d.csv",
        content=b"code,name,parent_code\nKP,Kantor Pusat,LOKET\n",
        actor=None,
    )
    # then
    assert org_import.status == ImportStatus.INVALID
    assert any("cycle" in error["message"] for error in org_import.errors)
    assert org_import.errors[0]["column"] == "parent_code"
    assert table_state() == before


# --- People.


def test_a_full_people_file_into_an_empty_organisation(organisation):
    assert User.objects.filter(employee_number__isnull=False).count() == 6
    dewi = User.objects.get(employee_number="102")
    assert dewi.username == "102"
    assert dewi.department.code == "LOKET"
    assert dewi.manager.employee_number == "101"
    assert dewi.sex == "female"
    assert dewi.hire_date == dt.date(2019, 7, 15)
    assert dewi.monthly_wage == Decimal("7500000.00")
    assert not dewi.has_usable_password()
    assert User.objects.get(employee_number="101").monthly_wage == Decimal("18000000.50")
    assert User.objects.get(employee_number="105").role == "hr"
    created = AuditEntry.objects.filter(action="employees.create", data__source__startswith="import:")
    assert created.count() == 6


def test_a_second_file_moves_changes_a_manager_deactivates_a_leaver_and_brings_back_a_returner(organisation):
    # given: Maya left earlier, and a closed pulse round saw Dewi in LOKET
    upload_and_apply(people_text([row for row in people_rows(PEOPLE) if row[0] != "104"]), kind="people", mode="full")
    assert not User.objects.get(employee_number="104").is_active
    rows = people_rows(PEOPLE)
    untouched = {
        number: User.objects.filter(employee_number=number)
        .values("department_id", "manager_id", "email", "is_active")
        .get()
        for number in ("100", "105")
    }
    # when: Dewi moves to CALL, Agus gets Sari as manager, Rudi leaves (mode=full), Maya returns
    by_number = {row[0]: row for row in rows}
    by_number["102"][4] = "CALL"
    by_number["103"][5] = "100"
    by_number.pop("101")
    by_number["102"][5] = "100"
    by_number["104"][5] = "100"
    org_import = upload_and_apply(people_text(list(by_number.values())), kind="people", mode="full")
    # then: exactly these rows changed
    assert org_import.counts == {
        "created": 0,
        "updated": 1,
        "moved": 1,
        "deactivated": 1,
        "reactivated": 1,
        "unchanged": 2,
    }
    dewi = User.objects.get(employee_number="102")
    assert (dewi.department.code, dewi.manager.employee_number) == ("CALL", "100")
    assert User.objects.get(employee_number="103").manager.employee_number == "100"
    rudi = User.objects.get(employee_number="101")
    assert not rudi.is_active
    assert User.objects.get(employee_number="104").is_active
    for number, state in untouched.items():
        assert (
            User.objects.filter(employee_number=number)
            .values("department_id", "manager_id", "email", "is_active")
            .get()
            == state
        )
    move = DepartmentMove.objects.get(user=dewi)
    assert (move.from_department.code, move.to_department.code, move.source) == (
        "LOKET",
        "CALL",
        f"import:{org_import.pk}",
    )


def test_a_closed_round_keeps_the_department_a_person_had(organisation, bank):
    from pulse_surveys import services as pulse

    hr = organisation
    survey = pulse.survey_create(
        title="Pulse", questions=[bank["recognition-1"], bank["enps"]], anonymity_threshold=3, actor=hr
    )
    pulse_round = open_round(survey)
    dewi = User.objects.get(employee_number="102")
    answer(pulse_round, dewi)
    close(pulse_round)
    loket = Department.objects.get(code="LOKET")
    # when Dewi moves
    rows = people_rows(PEOPLE)
    rows[2][4] = "CALL"
    upload_and_apply(people_text(rows), kind="people")
    # then the round still has her in LOKET
    assert Invitation.objects.get(round=pulse_round, employee=dewi).department_id == loket.pk
    assert User.objects.get(pk=dewi.pk).department.code == "CALL"


def test_applying_the_same_file_again_changes_nothing(organisation):
    before = table_state()
    org_import = upload_and_apply(PEOPLE, kind="people")
    assert org_import.counts["unchanged"] == 6
    assert sum(org_import.counts.values()) == 6
    after = table_state()
    assert after == before


def test_an_applied_import_cannot_be_applied_twice(organisation):
    from core.errors import Conflict

    org_import = OrgImport.objects.filter(kind="people").latest("pk")
    with pytest.raises(Conflict):
        org_import_apply_start(org_import=org_import, actor=None)


def test_partial_mode_never_deactivates(organisation):
    upload_and_apply(people_text(people_rows(PEOPLE)[:2]), kind="people")
    assert User.objects.filter(employee_number__isnull=False, is_active=True).count() == 6


def test_deactivation_ends_sessions_and_tokens(organisation, client):
    maya = User.objects.get(employee_number="104")
    Token.objects.create(user=maya)
    client.force_login(maya)
    assert client.get("/").status_code == 200
    # when
    upload_and_apply(people_text([row for row in people_rows(PEOPLE) if row[0] != "104"]), kind="people", mode="full")
    # then
    assert not Token.objects.filter(user=maya).exists()
    response = client.get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_superuser_is_never_switched_off_by_a_file(organisation):
    User.objects.filter(employee_number="105").update(is_superuser=True)
    upload_and_apply(people_text(people_rows(PEOPLE)[:1]), kind="people", mode="full")
    assert User.objects.get(employee_number="105").is_active


def test_a_file_that_no_longer_fits_at_apply_time_is_refused_whole(organisation):
    # given: a checked file that moves Dewi to CALL
    rows = people_rows(PEOPLE)
    rows[2][4] = "CALL"
    org_import = org_import_upload(
        kind="people", mode="partial", file_name="p.csv", content=csv_bytes(people_text(rows)), actor=None
    )
    assert org_import.status == ImportStatus.CHECKED
    # when CALL's code changes before it is applied
    Department.objects.filter(code="CALL").update(code="CC")
    before = table_state()
    org_import_apply_start(org_import=org_import, actor=None, queue=False)
    result = org_import_apply(org_import_id=org_import.pk)
    # then
    assert result.status == ImportStatus.INVALID
    assert "CALL" in result.errors[0]["message"]
    assert table_state() == before


# --- Whole-file checks: each refused with row, column and message, nothing written.


def _replace(row: int, column: str, value: str) -> str:
    rows = people_rows(PEOPLE)
    rows[row][PEOPLE_COLUMNS.index(column)] = value
    return people_text(rows)


BAD_PEOPLE = {
    "unknown department": (_replace(2, "department_code", "NOPE"), 4, "department_code", "Unknown department code"),
    "own manager": (_replace(2, "manager_employee_number", "102"), 4, "manager_employee_number", "own manager"),
    "unknown manager": (_replace(2, "manager_employee_number", "999"), 4, "manager_employee_number", "999"),
    "manager cycle": (_replace(0, "manager_employee_number", "102"), 2, "manager_employee_number", "cycle"),
    "duplicate number": (_replace(3, "employee_number", "102"), 5, "employee_number", "already on row 4"),
    "duplicate e-mail in the file": (_replace(3, "email", "dewi@kemen.go.id"), 4, "email", "another person"),
    "unknown role": (_replace(2, "role", "boss"), 4, "role", "Unknown role"),
    "bad date": (_replace(2, "hire_date", "15/07/2019"), 4, "hire_date", "YYYY-MM-DD"),
    "bad wage": (_replace(2, "monthly_wage", "7.5 juta"), 4, "monthly_wage", "not an amount"),
    "separator inside a value": (_replace(2, "monthly_wage", "7,5"), 4, None, "12 cells"),
    "negative wage": (_replace(2, "monthly_wage", "-1"), 4, "monthly_wage", "negative"),
    "bad sex": (_replace(2, "sex", "x"), 4, "sex", "Unknown sex"),
    "bad active": (_replace(2, "active", "maybe"), 4, "active", "Expected 1 or 0"),
    "bad e-mail": (_replace(2, "email", "dewi-at-kemen"), 4, "email", "not an e-mail address"),
    "missing first name": (_replace(2, "first_name", ""), 4, "first_name", "required"),
    "extra column": (PEOPLE.replace("active\n", "active,nik\n", 1), 1, "nik", "Unknown column “nik”"),
    "missing required column": (
        "employee_number,first_name\n102,Dewi\n",
        1,
        "department_code",
        "required column",
    ),
}


@pytest.mark.parametrize("case", BAD_PEOPLE.keys())
def test_a_bad_people_file_is_refused_with_row_and_column_and_writes_nothing(db, case):
    upload_and_apply(DEPARTMENTS, kind="departments")
    content, row, column, words = BAD_PEOPLE[case]
    before = table_state()
    # when
    org_import = org_import_upload(
        kind="people", mode="partial", file_name="p.csv", content=csv_bytes(content), actor=None
    )
    # then
    assert org_import.status == ImportStatus.INVALID
    assert org_import.content == b""  # a refused file is not kept
    assert any(
        error["row"] == row and error["column"] == column and words in error["message"] for error in org_import.errors
    ), org_import.errors
    assert table_state() == before
    with pytest.raises(Exception, match="checked"):
        org_import_apply_start(org_import=org_import, actor=None)


def test_an_e_mail_of_another_active_person_is_refused(organisation):
    User.objects.create_user(username="outsider", email="Tamu@Kemen.go.id")
    plan = org_file_check(kind="people", mode="partial", content=csv_bytes(_replace(2, "email", "tamu@kemen.go.id")))
    assert not plan.is_valid
    assert (plan.errors[0].row, plan.errors[0].column) == (4, "email")


def test_a_new_employee_number_that_is_another_accounts_username_is_refused(organisation):
    User.objects.create_user(username="900")
    plan = org_file_check(
        kind="people", mode="partial", content=csv_bytes(PEOPLE + "900,Baru,,,LOKET,,employee,,,,1\n")
    )
    assert [(error.row, error.column) for error in plan.errors] == [(8, "employee_number")]


def test_optional_columns_may_be_left_out_and_leave_fields_as_they_are(organisation):
    org_import = upload_and_apply("employee_number,first_name,department_code\n102,Dewi,LOKET\n", kind="people")
    assert org_import.counts["unchanged"] == 1
    assert User.objects.get(employee_number="102").monthly_wage == Decimal("7500000.00")


def test_a_file_over_the_size_limit_is_refused(db):
    from core.uploads import UploadLimits

    plan = org_file_check(
        kind="people", mode="partial", content=csv_bytes(PEOPLE), limits=UploadLimits(max_bytes=len(PEOPLE) - 1)
    )
    assert "larger than" in plan.errors[0].message


def test_random_bytes_are_not_a_table(db):
    import os

    plan = org_file_check(kind="people", mode="partial", content=os.urandom(50_000))
    assert not plan.is_valid
    assert plan.rows_total == 0


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_file_is_read_with_dates_and_numbers_as_cells(db):
    upload_and_apply(DEPARTMENTS, kind="departments")
    content = _xlsx(
        [
            ["Employee_Number", "First_Name", "Department_Code", "Hire_Date", "Monthly_Wage", "Active"],
            ["200", "Tono", "LOKET", dt.datetime(2022, 5, 9), 6500000, 1],
        ]
    )
    plan = org_file_check(kind="people", mode="partial", content=content)
    assert plan.is_valid, plan.errors
    assert plan.file_format == "xlsx"
    created = plan.creates[0]
    assert (created["hire_date"], created["monthly_wage"], created["is_active"]) == (
        dt.date(2022, 5, 9),
        Decimal("6500000.00"),
        True,
    )


def test_an_xlsx_formula_is_never_evaluated(db):
    upload_and_apply(DEPARTMENTS, kind="departments")
    # openpyxl writes a formula with no stored value: it is read as an empty cell, never run
    content = _xlsx(
        [["employee_number", "first_name", "department_code"], ["201", '=HYPERLINK("http://x","y")', "LOKET"]]
    )
    plan = org_file_check(kind="people", mode="partial", content=content)
    assert [(error.row, error.column) for error in plan.errors] == [(2, "first_name")]


def test_an_employee_number_typed_as_a_number_in_excel_is_refused(db):
    upload_and_apply(DEPARTMENTS, kind="departments")
    content = _xlsx([["employee_number", "first_name", "department_code"], [1.985010120100110e17, "Tono", "LOKET"]])
    plan = org_file_check(kind="people", mode="partial", content=content)
    assert (plan.errors[0].row, plan.errors[0].column) == (2, "employee_number")
    assert "text" in plan.errors[0].message


# --- The command.


def test_the_command_checks_then_applies(db, tmp_path, capsys):
    departments = tmp_path / "departments.csv"
    departments.write_text(DEPARTMENTS)
    call_command("import_org", str(departments), "--kind", "departments", "--no-progress")
    assert not Department.objects.exists()  # without --apply nothing is written
    call_command("import_org", str(departments), "--kind", "departments", "--apply", "--no-progress")
    assert Department.objects.count() == 5
    out = capsys.readouterr().out
    assert "created 5" in out


def test_the_command_lists_every_problem(db, tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE)
    with pytest.raises(CommandError, match="problem"):
        call_command("import_org", str(people), "--kind", "people", "--apply", "--no-progress")
    assert "Unknown department code" in capsys.readouterr().err
    assert not User.objects.filter(employee_number__isnull=False).exists()
