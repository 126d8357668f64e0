"""Builders of service-quality test files and scores."""

import datetime as dt
import io
import uuid
from decimal import Decimal

import factory
from rest_framework.test import APIClient

from service_quality.models import ExternalScore, Source
from tests.factories import DepartmentFactory

SCORES_HEADER = "department_code,period,source,dimension,value,respondents"
SKM_HEADER = "department_code,period,respondent,u1,u2,u3,u4,u5,u6,u7,u8,u9"
INTERNAL_HEADER = "department_code,period,score,respondents"


def csv_bytes(header: str, rows: list[str], *, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def skm_rows(code: str, period: str, answers: list[list[int]], *, start: int = 1) -> list[str]:
    return [
        f"{code},{period},R{number},{','.join(str(answer) for answer in row)}"
        for number, row in enumerate(answers, start=start)
    ]


def respondents_with_total(respondents: int, total: int) -> list[list[int]]:
    """`respondents` answer sets (nine elements, 1–4) whose answers add up to `total`: every
    answer starts at 4 and answers are lowered one point at a time, element by element."""
    cells = [4] * (respondents * 9)
    excess = respondents * 36 - total
    index = 0
    while excess > 0:
        step = min(3, excess, cells[index] - 1)
        cells[index] -= step
        excess -= step
        index += 1
    return [cells[start : start + 9] for start in range(0, len(cells), 9)]


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ServiceUnitFactory(DepartmentFactory):
    is_service_unit = True


class ExternalScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalScore

    department = factory.SubFactory(ServiceUnitFactory)
    period = dt.date(2025, 6, 1)
    source = Source.CSAT
    dimension = "overall"
    value = Decimal("80.0000")
    respondents = 100


# --- The public SKM form.

PROFILE = {"age_band": "30_39", "sex": "female", "education": "bachelor", "occupation": "private"}


def answers_of(values: list[int]) -> dict:
    return {f"u{index}": value for index, value in enumerate(values, start=1)}


def body(values=(4, 4, 4, 4, 4, 4, 4, 4, 4), **extra) -> dict:
    return {"answers": answers_of(list(values)), "profile": dict(PROFILE), "expectation_level": 1, **extra}


def public_client(address: str | None = None, device: str | None = None) -> APIClient:
    """A customer's phone: its own address and device cookie (fresh ones unless given)."""
    client = APIClient(REMOTE_ADDR=address or f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.7")
    client.cookies["prima_skm_device"] = device or uuid.uuid4().hex
    return client


def submit(collection, payload, *, client=None, key=None, **headers):
    client = client or public_client()
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(f"/api/v1/public/skm/{collection.token}/responses/", payload, format="json", **headers)
