"""Imports: every problem reported with its row, column and message, and then nothing imported;
the same file twice adds nothing; a newer value replaces an older one and says so."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from core.errors import Conflict
from core.models import AuditEntry
from service_quality import services
from service_quality.models import ExternalScore, ImportStatus, InternalScore, ScoreImport, SkmResponse
from tests.service_quality.factories import (
    INTERNAL_HEADER,
    SCORES_HEADER,
    SKM_HEADER,
    csv_bytes,
    skm_rows,
    xlsx_bytes,
)


def run(org, content: bytes, kind: str = "scores", name: str = "scores.csv") -> ScoreImport:
    return services.score_import_create(kind=kind, file_name=name, content=content, actor=org.hana)


def problems(result: ScoreImport) -> set[tuple]:
    return {(error["row"], error["column"]) for error in result.errors}


def nothing_imported() -> bool:
    return not (ExternalScore.objects.exists() or SkmResponse.objects.exists() or InternalScore.objects.exists())


# --- Good files.


def test_a_scores_file_is_imported_with_its_respondents(org):
    content = csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,81.5,120", "LKT,2025-03,nps,overall,62,"])
    result = run(org, content)
    assert (result.status, result.rows_total, result.rows_imported) == ("succeeded", 2, 2)
    score = ExternalScore.objects.get(department=org.cs)
    assert (score.value, score.respondents, score.source_import, score.period) == (
        Decimal("81.5"),
        120,
        result,
        dt.date(2025, 3, 1),
    )
    assert ExternalScore.objects.get(department=org.lkt).respondents is None


def test_an_skm_file_stores_respondents_the_ikm_elements_and_prima_dimensions(org, skm_file):
    result = run(org, skm_file, kind="skm", name="skm.csv")
    assert (result.status, result.rows_imported) == ("succeeded", 3)
    assert SkmResponse.objects.count() == 3
    scores = dict(ExternalScore.objects.filter(source="skm").values_list("dimension", "value"))
    # u1: (4 + 3 + 2) / 3 = 3 → 75; IKM = 25 × (36 + 27 + 28) / 27 = 84.26
    assert scores["ikm"] == Decimal("84.26")
    assert scores["u1"] == Decimal("75")
    # accessibility is the mean of u1, u2 and u4: (75 + 83.3333 + 91.6667) / 3
    assert scores["accessibility"] == Decimal("83.3333")
    assert set(scores) == {
        "ikm",
        *(f"u{i}" for i in range(1, 10)),
        "timeliness",
        "accuracy",
        "responsibility",
        "courtesy",
        "accessibility",
        "comfort",
    }


def test_an_internal_file_stores_historical_scores(org):
    result = run(org, csv_bytes(INTERNAL_HEADER, ["HRD,2024-01,71.25,40", "CS,2024-01,64,12"]), kind="internal")
    assert result.status == "succeeded"
    assert InternalScore.objects.get(department=org.hrd).value == Decimal("71.25")


def test_an_xlsx_file_is_read_like_a_csv(org):
    content = xlsx_bytes(
        ["department_code", "period", "source", "dimension", "value", "respondents"],
        [["CS", "2025-02", "csat", "overall", 77.5, 50], ["LKT", dt.datetime(2025, 2, 1), "csat", "overall", 70, 40]],
    )
    result = run(org, content, name="scores.xlsx")
    assert (result.status, result.file_format, result.rows_imported) == ("succeeded", "xlsx", 2)
    assert ExternalScore.objects.get(department=org.lkt).period == dt.date(2025, 2, 1)


def test_a_utf8_file_with_a_byte_order_mark_is_accepted(org):
    result = run(org, csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,81.5,120"], bom=True))
    assert result.status == "succeeded"


def test_semicolons_and_decimal_commas_from_an_indonesian_excel_are_read(org):
    content = "department_code;period;source;dimension;value;respondents\nCS;2025-03;csat;overall;81,5;120\n"
    result = run(org, content.encode())
    assert result.status == "succeeded", result.errors
    assert ExternalScore.objects.get().value == Decimal("81.5")


def test_servqual_perceptions_and_expectations_derive_prima_dimensions(org):
    rows = [f"CS,2025-03,servqual,{d},{v},30" for d, v in [("tangibles", 70), ("tangibles_expectation", 80)]]
    result = run(org, csv_bytes(SCORES_HEADER, rows))
    assert result.status == "succeeded"
    comfort = ExternalScore.objects.get(source="servqual", dimension="comfort")
    assert (comfort.value, comfort.derived) == (Decimal("70"), True)


# --- Bad files: every problem reported, nothing imported.


def test_unknown_department_bad_period_and_out_of_range_values_are_all_reported(org):
    content = csv_bytes(
        SCORES_HEADER,
        [
            "NOPE,2025-03,csat,overall,80,10",  # row 2: unknown department
            "CS,03/2025,csat,overall,80,10",  # row 3: not YYYY-MM
            "CS,2025-04,csat,overall,101,10",  # row 4: out of range
            "CS,2025-05,csat,overall,-1,10",  # row 5: out of range
            "CS,2025-06,survey,overall,80,10",  # row 6: unknown source
            "CS,2025-07,csat,speed,80,10",  # row 7: not a csat dimension
            "CS,2025-08,csat,overall,abc,0",  # row 8: not a number, respondents below 1
            "HRD,2025-09,csat,overall,80,10",  # row 9: not a service unit
            "CS,2025-10,csat,overall,80,10",
            "CS,2025-10,csat,overall,82,10",  # row 11: twice
            "CS,2999-01,csat,overall,80,10",  # row 12: the future
        ],
    )
    result = run(org, content)
    assert result.status == "failed"
    assert problems(result) == {
        (2, "department_code"),
        (3, "period"),
        (4, "value"),
        (5, "value"),
        (6, "source"),
        (7, "dimension"),
        (8, "value"),
        (8, "respondents"),
        (9, "department_code"),
        (11, "dimension"),
        (12, "period"),
    }
    assert result.rows_imported == 0 and result.error_count == 12 - 1
    assert all(error["message"] for error in result.errors)
    assert nothing_imported()


def test_skm_answers_outside_1_to_4_are_reported_per_element(org):
    content = csv_bytes(SKM_HEADER, ["CS,2025-03,R1,4,4,4,4,4,4,4,4,4", "CS,2025-03,R2,0,4,5,4,4,4,4,4,x"])
    result = run(org, content, kind="skm")
    assert problems(result) == {(3, "u1"), (3, "u3"), (3, "u9")}
    assert nothing_imported()


def test_a_respondent_twice_in_one_unit_and_period_is_reported(org):
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[4] * 9]) + skm_rows("CS", "2025-03", [[3] * 9]))
    result = run(org, content, kind="skm")
    assert problems(result) == {(3, "respondent")}


def test_missing_and_extra_columns_are_reported(org):
    content = b"department_code,period,source,value,respondents,comment\nCS,2025-03,csat,80,10,hi\n"
    result = run(org, content)
    assert problems(result) == {(1, "dimension"), (1, "comment")}
    assert nothing_imported()


def test_a_row_with_more_values_than_columns_is_reported(org):
    result = run(org, csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10,oops"]))
    assert problems(result) == {(2, None)}


def test_the_wrong_kind_of_file_is_named(org, skm_file):
    result = run(org, skm_file, kind="scores")
    assert result.status == "failed"
    assert any("SKM" in error["message"] for error in result.errors)


def test_a_windows_1252_file_is_refused_with_the_line(org):
    content = "department_code,period,source,dimension,value,respondents\nCS,2025-03,custom,café,80,10\n"
    result = run(org, content.encode("cp1252"))
    assert result.status == "failed"
    assert problems(result) == {(2, None)}
    assert "UTF-8" in result.errors[0]["message"] and "é" in result.errors[0]["message"]
    assert nothing_imported()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "empty"),
        (b"\n\n  \n", "empty"),
        (SCORES_HEADER.encode() + b"\n", "no rows"),
        (b"%PDF-1.7\n\x00\x01\x02binary", "not a CSV"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04 not really a zip", "Excel"),
        ("department_code".encode("utf-16"), "UTF-16"),
    ],
    ids=["empty", "blank", "header-only", "pdf", "xls", "broken-zip", "utf-16"],
)
def test_unreadable_files_are_reported(org, content, words):
    result = run(org, content)
    assert result.status == "failed"
    assert any(words in error["message"] for error in result.errors), result.errors
    assert nothing_imported()


def test_one_bad_row_among_many_imports_nothing(org):
    rows = [f"CS,2024-{month:02d},csat,overall,80,10" for month in range(1, 13)] + ["CS,2025-01,csat,overall,800,10"]
    result = run(org, csv_bytes(SCORES_HEADER, rows))
    assert (result.status, result.error_count) == ("failed", 1)
    assert nothing_imported()


def test_a_failed_import_is_audited_and_keeps_no_content(org):
    result = run(org, b"")
    assert AuditEntry.objects.filter(action="service_quality.import.failed", target_id=str(result.pk)).exists()
    result.refresh_from_db()
    assert result.content is None


# --- Repeats and replacements.


def test_the_same_file_again_is_a_conflict_and_adds_nothing(org, skm_file):
    run(org, skm_file, kind="skm")
    counts = (ExternalScore.objects.count(), SkmResponse.objects.count(), ScoreImport.objects.count())
    with pytest.raises(Conflict) as raised:
        run(org, skm_file, kind="skm")
    assert raised.value.code == "duplicate"
    assert (ExternalScore.objects.count(), SkmResponse.objects.count(), ScoreImport.objects.count()) == counts


def test_a_failed_file_may_be_imported_again_once_fixed(org):
    content = csv_bytes(SCORES_HEADER, ["NEW,2025-03,csat,overall,80,10"])
    assert run(org, content).status == "failed"
    from tests.factories import DepartmentFactory

    DepartmentFactory(code="NEW", is_service_unit=True)
    assert run(org, content).status == "succeeded"


def test_a_newer_value_replaces_the_old_one_and_says_so(org):
    first = run(org, csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,70,10", "CS,2025-04,csat,overall,71,10"]))
    second = run(org, csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,75.5,12"]))
    assert second.status == "succeeded"
    assert second.replaced_count == 1
    assert second.replaced == [
        {
            "department": "CS",
            "period": "2025-03",
            "source": "csat",
            "dimension": "overall",
            "old": "70.0000",
            "new": "75.5000",
            "import": first.pk,
        }
    ]
    assert ExternalScore.objects.filter(source="csat").count() == 2
    assert ExternalScore.objects.get(period=dt.date(2025, 3, 1)).value == Decimal("75.5")


def test_a_newer_skm_survey_replaces_the_unit_periods_respondents(org, skm_file):
    first = run(org, skm_file, kind="skm")
    second = run(org, csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[1] * 9] * 4)), kind="skm")
    assert SkmResponse.objects.filter(department=org.cs).count() == 4
    assert set(SkmResponse.objects.values_list("source_import", flat=True)) == {second.pk}
    assert ExternalScore.objects.get(source="skm", dimension="ikm").value == Decimal("25")
    respondents_note = next(note for note in second.replaced if note["dimension"] == "respondents")
    assert (respondents_note["old"], respondents_note["new"], respondents_note["import"]) == ("3", "4", first.pk)


# --- The job and the page's two steps.


def test_a_large_import_is_queued_and_run_by_the_job(org, skm_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        queued = services.score_import_create(
            kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana, run_in_background=True
        )
        assert queued.status == ImportStatus.PENDING
    assert len(callbacks) == 2  # the import; then, once it committed, its months' driver impact for IKM
    queued.refresh_from_db()
    assert (queued.status, queued.progress, queued.rows_imported) == ("succeeded", 100, 3)


def test_the_job_is_idempotent(org, skm_file, django_capture_on_commit_callbacks):
    from tasks.service_quality import service_quality_import_task

    with django_capture_on_commit_callbacks(execute=True):
        queued = services.score_import_create(
            kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana, run_in_background=True
        )
    assert service_quality_import_task(queued.pk) == "succeeded"
    assert SkmResponse.objects.count() == 3


def test_an_upload_is_previewed_and_imported_only_when_confirmed(org, skm_file):
    upload = services.score_import_upload(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    assert upload.status == ImportStatus.UPLOADED
    assert upload.preview["columns"][:3] == ["department_code", "period", "respondent"]
    assert len(upload.preview["rows"]) == 3
    assert nothing_imported()
    done = services.score_import_confirm(score_import=upload, actor=org.hana)
    assert done.status == "succeeded" and SkmResponse.objects.count() == 3
    with pytest.raises(Conflict):
        services.score_import_confirm(score_import=done, actor=org.hana)


def test_an_upload_with_problems_fails_at_once(org):
    upload = services.score_import_upload(
        kind="scores", file_name="s.csv", content=csv_bytes(SCORES_HEADER, ["X,1,2,3,4,5"]), actor=org.hana
    )
    assert upload.status == ImportStatus.FAILED
    assert problems(upload) == {(2, "department_code"), (2, "period"), (2, "source")}


def test_stale_uploads_are_dropped_and_old_content_cleared(org, skm_file):
    from django.utils import timezone

    upload = services.score_import_upload(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    later = timezone.now() + dt.timedelta(days=2)
    assert services.score_import_discard_stale(now=later) == {"dropped": 1, "cleared": 0}
    assert not ScoreImport.objects.filter(pk=upload.pk).exists()
    done = run(org, skm_file, kind="skm")
    assert services.score_import_discard_stale(now=later + dt.timedelta(days=40))["cleared"] == 1
    done.refresh_from_db()
    assert done.content is None and done.content_hash


def test_windows_line_endings_are_read(org):
    content = (SCORES_HEADER + "\r\nCS,2025-03,csat,overall,81.5,120\r\nLKT,2025-03,csat,overall,70,80\r\n").encode()
    assert run(org, content).rows_imported == 2


def test_problems_in_an_xlsx_are_reported_with_the_spreadsheets_row_numbers(org):
    content = xlsx_bytes(
        ["department_code", "period", "respondent", *(f"u{i}" for i in range(1, 10))],
        [["CS", "2025-03", "R1", *[4] * 9], ["CS", dt.datetime(2025, 3, 15), "R2", 4, 4, 4, 4, 4, 4, 4, 4, 7]],
    )
    result = run(org, content, kind="skm", name="skm.xlsx")
    assert problems(result) == {(3, "period"), (3, "u9")}
    assert nothing_imported()


# --- Which way is better.

DIRECTION_HEADER = SCORES_HEADER + ",direction"


def test_a_custom_measure_is_described_as_lower_is_better_by_its_file(org):
    from service_quality.models import ExternalMetric
    from service_quality.selectors import higher_is_better

    content = csv_bytes(
        DIRECTION_HEADER,
        [
            "CS,2025-03,custom,waiting_minutes,14,,lower",
            "LKT,2025-03,custom,waiting_minutes,22,,",  # said once is enough
            "CS,2025-03,custom,kiosk_rating,70,,",  # never said: higher is better
            "CS,2025-03,csat,overall,81,40,higher",
        ],
    )
    result = run(org, content)
    assert result.status == "succeeded", result.errors
    assert dict(ExternalMetric.objects.values_list("dimension", "direction")) == {
        "waiting_minutes": "lower",
        "kiosk_rating": "higher",
    }
    assert higher_is_better(source="custom", dimension="waiting_minutes") is False
    assert higher_is_better(source="custom", dimension="kiosk_rating") is True
    assert higher_is_better(source="custom") is None  # the two point different ways
    assert higher_is_better(source="csat") is True
    # and a later file without the column keeps the description
    later = csv_bytes(SCORES_HEADER, ["CS,2025-04,custom,waiting_minutes,12,"])
    assert run(org, later).status == "succeeded"
    assert higher_is_better(source="custom", dimension="waiting_minutes") is False


def test_a_direction_that_cannot_hold_is_reported_and_nothing_is_imported(org):
    from service_quality.models import ExternalMetric

    run(org, csv_bytes(DIRECTION_HEADER, ["CS,2025-02,custom,complaints,5,,lower"]))
    before = ExternalScore.objects.count()
    content = csv_bytes(
        DIRECTION_HEADER,
        [
            "CS,2025-03,csat,overall,81,40,lower",  # row 2: CSAT is higher-is-better by definition
            "CS,2025-03,custom,complaints,4,,higher",  # row 3: recorded as lower
            "CS,2025-03,custom,queue,9,,lower",
            "LKT,2025-03,custom,queue,9,,higher",  # row 5: the file says both ways
            "LKT,2025-04,custom,queue,9,,sideways",  # row 6: not a direction
        ],
    )
    with translation.override("en"):
        result = run(org, content)
    assert result.status == "failed"
    assert problems(result) == {(2, "direction"), (3, "direction"), (5, "direction"), (6, "direction")}
    messages = {error["row"]: error["message"] for error in result.errors}
    assert "higher-is-better by definition" in messages[2]
    assert "recorded as “lower is better”" in messages[3]
    assert "“higher” or “lower”" in messages[6]
    assert ExternalScore.objects.count() == before
    assert dict(ExternalMetric.objects.values_list("dimension", "direction")) == {"complaints": "lower"}
    with translation.override("id"):
        indonesian = run(org, content + b"\n")
    assert "higher-is-better" not in " ".join(error["message"] for error in indonesian.errors)
