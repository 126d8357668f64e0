"""A 100,000-row SKM file through the API and a real Celery worker on PostgreSQL: imported
once, all or nothing, and the same file again adds nothing."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from service_quality.models import ExternalScore, ImportStatus, ScoreImport, SkmResponse
from service_quality.services import ASYNC_IMPORT_MIN_ROWS
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.integration

IMPORTS = "/api/v1/service-quality/imports/"
UNITS, MONTHS = 10, 10
RESPONDENTS_PER_SURVEY = ASYNC_IMPORT_MIN_ROWS // (UNITS * MONTHS)
SCORES_PER_SURVEY = 1 + 9 + 6  # the IKM, nine elements, six Prima dimensions


def large_skm_file() -> bytes:
    lines = ["department_code,period,respondent,u1,u2,u3,u4,u5,u6,u7,u8,u9"]
    for unit in range(UNITS):
        for month in range(1, MONTHS + 1):
            for respondent in range(RESPONDENTS_PER_SURVEY):
                answers = ",".join(str(1 + (unit + month + respondent + element) % 4) for element in range(9))
                lines.append(f"BIG-{unit},2024-{month:02d},R{respondent},{answers}")
    return ("\n".join(lines) + "\n").encode()


def wait_for(client: APIClient, import_id: int, timeout: float = 240.0) -> tuple[dict, list[int]]:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(f"{IMPORTS}{import_id}/").json()
        seen.append(body["progress"])
        if body["status"] in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            return body, seen
        time.sleep(0.5)
    raise AssertionError(f"the import did not finish within {timeout:.0f}s; progress seen: {seen[-5:]}")


def test_a_100000_row_file_runs_as_a_job_and_the_same_file_again_adds_nothing(celery_worker):
    # given ten service units, an HR officer and a file of 100,000 SKM respondents
    for unit in range(UNITS):
        DepartmentFactory(code=f"BIG-{unit}", is_service_unit=True)
    client = APIClient()
    client.force_authenticate(UserFactory(role="hr"))
    content = large_skm_file()
    assert content.count(b"\n") - 1 == ASYNC_IMPORT_MIN_ROWS

    # when it is uploaded
    started = time.monotonic()
    response = client.post(IMPORTS, {"file": SimpleUploadedFile("skm-2024.csv", content), "kind": "skm"})

    # then it is queued, the worker imports every row and the progress can be followed
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == ImportStatus.PENDING
    body, progress_seen = wait_for(client, response.json()["id"])
    elapsed = time.monotonic() - started
    assert body["status"] == ImportStatus.SUCCEEDED, body["errors"][:5]
    assert (body["rows_total"], body["rows_imported"], body["progress"]) == (100_000, 100_000, 100)
    assert progress_seen == sorted(progress_seen)
    assert SkmResponse.objects.count() == 100_000
    assert ExternalScore.objects.filter(source="skm").count() == UNITS * MONTHS * SCORES_PER_SURVEY
    print(f"\n100,000 SKM rows imported by the job in {elapsed:.1f}s ({100_000 / elapsed:,.0f} rows/s)")

    # when the same file is sent again
    again = client.post(IMPORTS, {"file": SimpleUploadedFile("skm-2024-copy.csv", content), "kind": "skm"})

    # then it is refused as a duplicate and nothing is added
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert SkmResponse.objects.count() == 100_000
    assert ExternalScore.objects.filter(source="skm").count() == UNITS * MONTHS * SCORES_PER_SURVEY
    assert ScoreImport.objects.count() == 1
