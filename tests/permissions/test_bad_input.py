"""Bad input to every write of the API is answered 400 (404 for an unknown or invisible object
in the URL), never 500, and writes nothing.

Every write operation of the URL configuration (tests/permissions/routes.py) is listed in
WRITES with a persona who may write there and a body that is accepted
(`test_the_valid_request_is_accepted` proves it, inside a rolled-back savepoint); a new write
operation fails `test_every_write_of_the_api_is_listed` until it is. Each kind of bad input
then changes that valid request in one place — so that the bad part is the only reason to
refuse it — and sends it once per field the operation's request serializer declares:

- `malformed`, `array`, `number`, `string`: the body is no JSON object;
- `wrong_type`: each field in turn holds a value of a type it does not take;
- `huge_1mb`, `huge_100001`: each field in turn holds a string of 1 MiB or of 100,001 characters
  (digits in number and id fields). DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB, Django's default)
  is above every such body, so the answer is the field's 400, not a 413;
- `unknown_id`: each id field in turn names 99999999, and so does the URL;
- `invisible`: the persona names objects that exist but that they may not see.

"Nothing written" is checked against every table of the database — the audit trail and the
idempotency store among them (every POST carries an `Idempotency-Key`) — by its row count and a
checksum of its rows, before and after each request (taken before the request's savepoint is
rolled back), together with the jobs and e-mails a request would send on commit.

The organisation and its objects are built once for the module (inside a transaction rolled
back at its end); every test runs in a savepoint of it.
"""

import datetime as dt
import functools
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import spectacular_settings
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

import tests.conftest
from config.celery import app as celery_app
from tests.builders import objects_of_every_kind, personas_of
from tests.factories import TEST_PASSWORD
from tests.permissions.routes import api_write_operations

UNKNOWN_ID = 99999999
HUGE_1MB = 1024 * 1024
HUGE_100001 = 100_001
YEAR = timezone.localdate().year + 1  # the year the builder's leave allocation covers
SOON = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

# Tables a refused request may change, and why: none. Sessions are not written (the clients
# authenticate without one), and django-axes records failed sign-ins only, which bad input
# never reaches (it is refused before authentication).
MAY_CHANGE: dict[tuple[str, str], set[str]] = {}


@dataclass
class Write:
    """A persona who may write there, the URL (`{placeholders}` from the builder's ids), a body
    that is accepted, and the invisible objects to name: `[(persona, url, changes to the
    body)]`, or the reason there are none."""

    persona: str
    url: str
    body: dict = field(default_factory=dict)
    invisible: list | str = "the personas who may write here see every object"
    multipart: bool = False


def _period(offset: int = 0) -> str:
    return f"{YEAR + offset}-04"


WRITES: dict[tuple[str, str], Write] = {
    ("api/v1/auth/token/", "POST"): Write(
        "anonymous", "/api/v1/auth/token/", {"username": "hana", "password": TEST_PASSWORD}, "no object is named"
    ),
    ("api/v1/correlation-reports/", "POST"): Write(
        "leadership",
        "/api/v1/correlation-reports/",
        {
            "period_from": "2025-01",
            "period_to": "2025-12",
            "granularity": "month",
            "max_lag": 1,
            "external_source": "skm",
            "external_dimension": "",
        },
    ),
    # organisation
    ("api/v1/departments/", "POST"): Write(
        "hr",
        "/api/v1/departments/",
        {"name": "Unit Baru", "code": "NEW", "parent": "{ops}", "is_service_unit": True, "customer_population": 100},
    ),
    ("api/v1/departments/<pk>/", "PATCH"): Write("hr", "/api/v1/departments/{cs}/", {"name": "Renamed"}),
    ("api/v1/departments/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/departments/{cs}/",
        {"name": "Renamed", "code": "CS", "parent": "{ops}", "is_service_unit": True, "customer_population": 100},
    ),
    ("api/v1/feedback/themes/", "POST"): Write(
        "hr",
        "/api/v1/feedback/themes/",
        {"key": "uniforms", "name_en": "Uniforms", "name_id": "Seragam", "keywords_id": "seragam, baju dinas"},
    ),
    ("api/v1/feedback/themes/<pk>/", "PATCH"): Write("hr", "/api/v1/feedback/themes/{theme}/", {"name_en": "Renamed"}),
    ("api/v1/feedback/themes/<pk>/", "PUT"): Write(
        "hr", "/api/v1/feedback/themes/{theme}/", {"key": "renamed", "name_en": "Renamed", "position": 3}
    ),
    ("api/v1/employees/", "POST"): Write(
        "hr",
        "/api/v1/employees/",
        {
            "username": "baru",
            "email": "baru@prima.test",
            "first_name": "Baru",
            "last_name": "Datang",
            "employee_number": "E-9001",
            "department": "{cs}",
            "manager": "{budi}",
            "hire_date": "2024-01-02",
            "role": "employee",
            "monthly_wage": "5000000.00",
            "sex": "",
            "password": "a-long-Passw0rd-for-baru",
        },
    ),
    ("api/v1/employees/<pk>/", "PATCH"): Write("hr", "/api/v1/employees/{ani}/", {"first_name": "Renamed"}),
    ("api/v1/employees/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/employees/{ani}/",
        {
            "username": "ani",
            "email": "ani@prima.test",
            "first_name": "Ani",
            "last_name": "Renamed",
            "employee_number": "E-9002",
            "department": "{cs}",
            "manager": "{budi}",
            "hire_date": "2020-01-02",
            "role": "employee",
            "monthly_wage": "8500000.00",
            "sex": "",
        },
    ),
    # improvement
    ("api/v1/improvement/actions/", "POST"): Write(
        "manager",
        "/api/v1/improvement/actions/",
        {
            "department": "{cs}",
            "dimension": "timeliness",
            "title": "Antrian pagi",
            "description": "Loket dibuka lebih awal",
            "owner": "{budi}",
            "members": ["{ani}"],
            "due_date": SOON,
        },
        [
            ("manager", "/api/v1/improvement/actions/", {"department": "{lkt}"}),
            ("manager", "/api/v1/improvement/actions/", {"owner": "{bayu}"}),
            ("manager", "/api/v1/improvement/actions/", {"members": ["{bayu}"]}),
        ],
    ),
    ("api/v1/improvement/actions/<pk>/", "PATCH"): Write(
        "manager",
        "/api/v1/improvement/actions/{action}/",
        {"title": "Renamed", "status": "in_progress", "status_note": "Mulai"},
        [
            ("manager", "/api/v1/improvement/actions/{lkt_action}/", {}),
            ("manager", "/api/v1/improvement/actions/{action}/", {"department": "{lkt}"}),
            ("manager", "/api/v1/improvement/actions/{action}/", {"owner": "{bayu}"}),
            ("manager", "/api/v1/improvement/actions/{action}/", {"members": ["{bayu}"]}),
        ],
    ),
    ("api/v1/improvement/actions/<pk>/notes/", "POST"): Write(
        "employee",
        "/api/v1/improvement/actions/{action}/notes/",
        {"text": "Antrian sudah lebih cepat"},
        [
            ("employee", "/api/v1/improvement/actions/{lkt_action}/notes/", {}),
            ("employee_other", "/api/v1/improvement/actions/{action}/notes/", {}),
        ],
    ),
    ("api/v1/improvement/suggestions/", "POST"): Write(
        "hr",
        "/api/v1/improvement/suggestions/",
        {"dimension": "courtesy", "title_en": "Smile", "title_id": "Senyum", "description_en": "d", "position": 9},
    ),
    ("api/v1/improvement/suggestions/<pk>/", "PATCH"): Write(
        "hr", "/api/v1/improvement/suggestions/{suggestion}/", {"title_en": "Renamed"}
    ),
    ("api/v1/improvement/trainings/", "POST"): Write(
        "manager",
        "/api/v1/improvement/trainings/",
        {
            "topic": "Komunikasi",
            "description": "Pelatihan",
            "department": "{cs}",
            "dimension": "courtesy",
            "date": SOON,
            "hours": "2",
            "trainer": "BPSDM",
            "attendees": ["{ani}"],
        },
        [
            ("manager", "/api/v1/improvement/trainings/", {"department": "{lkt}"}),
            ("manager", "/api/v1/improvement/trainings/", {"attendees": ["{bayu}"]}),
        ],
    ),
    ("api/v1/improvement/trainings/<pk>/", "PATCH"): Write(
        "manager",
        "/api/v1/improvement/trainings/{training}/",
        {"topic": "Renamed"},
        [
            ("manager_elsewhere", "/api/v1/improvement/trainings/{training}/", {}),
            ("manager", "/api/v1/improvement/trainings/{training}/", {"department": "{lkt}"}),
            ("manager", "/api/v1/improvement/trainings/{training}/", {"attendees": ["{bayu}"]}),
        ],
    ),
    ("api/v1/improvement/trainings/<pk>/attendance/", "POST"): Write(
        "manager",
        "/api/v1/improvement/trainings/{held_training}/attendance/",
        {"attendance": [{"employee": "{ani}", "attended": True}]},
        [
            ("manager_elsewhere", "/api/v1/improvement/trainings/{held_training}/attendance/", {}),
            (
                "manager",
                "/api/v1/improvement/trainings/{held_training}/attendance/",
                {"attendance": [{"employee": "{bayu}", "attended": True}]},
            ),
        ],
    ),
    # leave
    ("api/v1/leave/adjustments/", "POST"): Write(
        "hr",
        "/api/v1/leave/adjustments/",
        {"employee": "{ani}", "leave_type": "{leave_type}", "year": YEAR, "days": "1", "reason": "Koreksi"},
    ),
    ("api/v1/leave/allocations/", "POST"): Write(
        "hr",
        "/api/v1/leave/allocations/",
        {"employee": "{andi}", "leave_type": "{leave_type}", "year": YEAR, "days": "5", "note": "Jatah"},
    ),
    ("api/v1/leave/holidays/", "POST"): Write(
        "hr", "/api/v1/leave/holidays/", {"date": f"{YEAR}-08-19", "name": "Hari Jadi", "is_collective_leave": False}
    ),
    ("api/v1/leave/holidays/<pk>/", "PATCH"): Write("hr", "/api/v1/leave/holidays/{holiday}/", {"name": "Renamed"}),
    ("api/v1/leave/holidays/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/leave/holidays/{holiday}/",
        {"date": f"{YEAR}-01-01", "name": "Renamed", "is_collective_leave": False, "is_day_off": True},
    ),
    ("api/v1/leave/holidays/<pk>/", "DELETE"): Write("hr", "/api/v1/leave/holidays/{holiday}/"),
    ("api/v1/leave/policies/<pk>/", "PATCH"): Write("hr", "/api/v1/leave/policies/{policy}/", {"name": "Renamed"}),
    ("api/v1/leave/policies/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/leave/policies/{policy}/",
        {"name": "Renamed", "work_week": "12345", "collective_leave_reduces_annual": True, "is_default": True},
    ),
    ("api/v1/leave/requests/", "POST"): Write(
        "employee",
        "/api/v1/leave/requests/",
        {
            "leave_type": "{leave_type}",
            "start_date": f"{YEAR}-04-07",
            "end_date": f"{YEAR}-04-08",
            "half_day": False,
            "reason": "Urusan keluarga",
        },
        [("employee", "/api/v1/leave/requests/", {"employee": "{bayu}"})],
    ),
    ("api/v1/leave/requests/<pk>/approve/", "POST"): Write(
        "manager",
        "/api/v1/leave/requests/{leave_request}/approve/",
        invisible=[("manager_elsewhere", "/api/v1/leave/requests/{leave_request}/approve/", {})],
    ),
    ("api/v1/leave/requests/<pk>/reject/", "POST"): Write(
        "manager",
        "/api/v1/leave/requests/{leave_request}/reject/",
        {"reason": "Tim sedang kekurangan orang"},
        [("manager_elsewhere", "/api/v1/leave/requests/{leave_request}/reject/", {})],
    ),
    ("api/v1/leave/requests/<pk>/cancel/", "POST"): Write(
        "employee",
        "/api/v1/leave/requests/{leave_request}/cancel/",
        invisible=[("employee_other", "/api/v1/leave/requests/{leave_request}/cancel/", {})],
    ),
    ("api/v1/leave/types/", "POST"): Write(
        "hr",
        "/api/v1/leave/types/",
        {"policy": "{policy}", "code": "study", "name": "Cuti belajar", "paid": False, "annual_days": "3"},
    ),
    ("api/v1/leave/types/<pk>/", "PATCH"): Write("hr", "/api/v1/leave/types/{leave_type}/", {"name": "Renamed"}),
    ("api/v1/leave/types/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/leave/types/{leave_type}/",
        {"policy": "{policy}", "code": "renamed", "name": "Renamed", "paid": True, "annual_days": "12"},
    ),
    # pulse surveys
    ("api/v1/pulse/drivers/", "POST"): Write(
        "hr", "/api/v1/pulse/drivers/", {"key": "new-driver", "name_en": "New", "name_id": "Baru", "position": 9}
    ),
    ("api/v1/pulse/questions/", "POST"): Write(
        "hr",
        "/api/v1/pulse/questions/",
        {"key": "new-1", "text_en": "Do you?", "text_id": "Apakah?", "kind": "likert", "driver": "{driver}"},
    ),
    ("api/v1/pulse/rounds/<pk>/close/", "POST"): Write("hr", "/api/v1/pulse/rounds/{round}/close/"),
    ("api/v1/pulse/rounds/<pk>/responses/", "POST"): Write(
        "employee",
        "/api/v1/pulse/rounds/{round}/responses/",
        {"answers": [{"question": "{question}", "value": 4}, {"question": "{question_2}", "value": 3}]},
        [
            (
                "employee",
                "/api/v1/pulse/rounds/{round}/responses/",
                {
                    "answers": [
                        {"question": "{question_elsewhere}", "value": 4},
                        {"question": "{question_2}", "value": 3},
                    ]
                },
            )
        ],
    ),
    ("api/v1/pulse/surveys/", "POST"): Write(
        "hr",
        "/api/v1/pulse/surveys/",
        {"title": "Baru", "questions": ["{question}"], "cadence": "monthly", "departments": ["{cs}"]},
    ),
    ("api/v1/pulse/surveys/<pk>/", "PATCH"): Write("hr", "/api/v1/pulse/surveys/{survey}/", {"title": "Renamed"}),
    ("api/v1/pulse/surveys/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/pulse/surveys/{survey}/",
        {
            "title": "Renamed",
            "questions": ["{question}", "{question_2}"],
            "cadence": "monthly",
            "departments": [],
            "anonymity_threshold": 3,
        },
    ),
    ("api/v1/pulse/surveys/<pk>/rounds/", "POST"): Write(
        "hr",
        "/api/v1/pulse/surveys/{survey}/rounds/",
        {"opens_at": f"{YEAR}-06-01T08:00:00+07:00", "closes_at": f"{YEAR}-06-08T08:00:00+07:00"},
    ),
    # rewards
    ("api/v1/rewards/bonuses/", "POST"): Write(
        "manager",
        "/api/v1/rewards/bonuses/",
        {"employee": "{ani}", "kind": "spot", "amount": "100000", "period": "2026-03", "reason": "Cepat"},
        [("manager", "/api/v1/rewards/bonuses/", {"employee": "{bayu}"})],
    ),
    ("api/v1/rewards/bonuses/<pk>/", "PATCH"): Write(
        "manager",
        "/api/v1/rewards/bonuses/{proposal}/",
        {"reason": "Renamed"},
        [
            ("manager", "/api/v1/rewards/bonuses/{bonus}/", {}),
            ("manager", "/api/v1/rewards/bonuses/{proposal}/", {"employee": "{bayu}"}),
        ],
    ),
    ("api/v1/rewards/bonuses/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/rewards/bonuses/{bonus}/",
        {"employee": "{ani}", "kind": "performance", "amount": "1600000", "period": "2026-03", "reason": "Renamed"},
        [("manager", "/api/v1/rewards/bonuses/{bonus}/", {})],
    ),
    ("api/v1/rewards/bonuses/<pk>/submit/", "POST"): Write(
        "manager",
        "/api/v1/rewards/bonuses/{proposal}/submit/",
        {"note": "Mohon disetujui"},
        [("manager", "/api/v1/rewards/bonuses/{bonus}/submit/", {})],
    ),
    ("api/v1/rewards/bonuses/<pk>/approve/", "POST"): Write(
        "hr", "/api/v1/rewards/bonuses/{submitted}/approve/", {"note": "Disetujui"}
    ),
    ("api/v1/rewards/bonuses/<pk>/reject/", "POST"): Write(
        "hr", "/api/v1/rewards/bonuses/{submitted}/reject/", {"note": "Belum"}
    ),
    ("api/v1/rewards/bonuses/<pk>/pay/", "POST"): Write(
        "hr", "/api/v1/rewards/bonuses/{approved}/pay/", {"note": "Dibayar"}
    ),
    ("api/v1/rewards/bonuses/bulk/", "POST"): Write(
        "hr",
        "/api/v1/rewards/bonuses/bulk/",
        {"department": "{cs}", "kind": "spot", "period": "2026-04", "reason": "Tim terbaik", "amount": "100000"},
    ),
    ("api/v1/rewards/budgets/", "POST"): Write(
        "hr", "/api/v1/rewards/budgets/", {"department": "{lkt}", "year": 2026, "amount": "1000000"}
    ),
    ("api/v1/rewards/budgets/<pk>/", "PATCH"): Write("hr", "/api/v1/rewards/budgets/{budget}/", {"amount": "60000000"}),
    ("api/v1/rewards/budgets/<pk>/", "PUT"): Write(
        "hr", "/api/v1/rewards/budgets/{budget}/", {"department": "{cs}", "year": 2026, "amount": "60000000"}
    ),
    ("api/v1/rewards/catalogue/", "POST"): Write(
        "hr",
        "/api/v1/rewards/catalogue/",
        {"name": "Payung", "description": "Payung biru", "kind": "voucher", "points_cost": 5},
    ),
    ("api/v1/rewards/catalogue/<pk>/", "PATCH"): Write(
        "hr", "/api/v1/rewards/catalogue/{reward}/", {"name": "Renamed"}
    ),
    ("api/v1/rewards/catalogue/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/rewards/catalogue/{reward}/",
        {"name": "Renamed", "description": "d", "kind": "voucher", "points_cost": 10, "is_active": True},
    ),
    ("api/v1/rewards/recognitions/", "POST"): Write(
        "employee",
        "/api/v1/rewards/recognitions/",
        {"recipient": "{andi}", "dimension": "courtesy", "message": "Terima kasih"},
        "anyone may recognise anyone",
    ),
    ("api/v1/rewards/redemptions/", "POST"): Write(
        "employee",
        "/api/v1/rewards/redemptions/",
        {"reward": "{reward}"},
        "every active reward is on everyone's catalogue",
    ),
    ("api/v1/rewards/redemptions/<pk>/fulfil/", "POST"): Write(
        "hr", "/api/v1/rewards/redemptions/{redemption}/fulfil/"
    ),
    ("api/v1/rewards/thr/create/", "POST"): Write(
        "hr", "/api/v1/rewards/thr/create/", {"holiday_date": "2026-03-20", "department": "{cs}", "period": "2026-03"}
    ),
    ("api/v1/rewards/thr/preview/", "POST"): Write(
        "hr", "/api/v1/rewards/thr/preview/", {"holiday_date": "2026-03-20", "department": "{cs}"}
    ),
    # the organisation file
    ("api/v1/org/imports/", "POST"): Write("hr", "/api/v1/org/imports/", {"kind": "departments"}, multipart=True),
    ("api/v1/org/imports/<pk>/apply/", "POST"): Write(
        "hr", "/api/v1/org/imports/{org_import}/apply/", {}, "HR sees every import"
    ),
    # service quality
    ("api/v1/service-quality/imports/", "POST"): Write(
        "hr", "/api/v1/service-quality/imports/", {"kind": "scores"}, multipart=True
    ),
    ("api/v1/service-quality/scores/", "POST"): Write(
        "hr",
        "/api/v1/service-quality/scores/",
        {
            "department": "{lkt}",
            "period": "2026-02",
            "source": "csat",
            "dimension": "overall",
            "value": "80",
            "respondents": 10,
        },
    ),
    ("api/v1/service-quality/scores/<pk>/", "PATCH"): Write(
        "hr", "/api/v1/service-quality/scores/{score}/", {"respondents": 99}
    ),
    ("api/v1/service-quality/scores/<pk>/", "PUT"): Write(
        "hr",
        "/api/v1/service-quality/scores/{score}/",
        {
            "department": "{cs}",
            "period": "2026-01",
            "source": "csat",
            "dimension": "overall",
            "value": "81",
            "respondents": 99,
        },
    ),
    ("api/v1/service-quality/scores/<pk>/", "DELETE"): Write("hr", "/api/v1/service-quality/scores/{score}/"),
    ("api/v1/service-quality/collections/", "POST"): Write(
        "hr",
        "/api/v1/service-quality/collections/",
        {"department": "{lkt}", "period_from": "2026-02-01", "period_to": "2026-02-28", "expected_customers": 100},
    ),
    ("api/v1/service-quality/collections/<pk>/close/", "POST"): Write(
        "hr", "/api/v1/service-quality/collections/{collection}/close/"
    ),
    ("api/v1/service-quality/collections/<pk>/visit-codes/", "POST"): Write(
        "hr", "/api/v1/service-quality/collections/{collection}/visit-codes/", {"count": 5}
    ),
    ("api/v1/service-quality/conflicts/<pk>/resolve/", "POST"): Write(
        "hr", "/api/v1/service-quality/conflicts/{conflict}/resolve/", {"keep": "collected"}
    ),
    ("api/v1/public/skm/<str:token>/responses/", "POST"): Write(
        "anonymous",
        "/api/v1/public/skm/{token}/responses/",
        {
            "answers": {f"u{index}": 3 for index in range(1, 10)},
            "profile": {"age_band": "30_39", "sex": "female", "education": "bachelor", "occupation": "private"},
            "service": "Perizinan",
            "expectation_level": 1,
            "suggestion": "Antrean lebih cepat",
            "visit_code": "",
        },
        invisible="no object is named but the link's collection",
    ),
}

# Operations that read no body (DELETE, and actions that take none): a body that is JSON is
# ignored, so the kinds of bad body do not apply to them, but for one that is not JSON
# (`malformed`, refused by core.api.MalformedJSONMiddleware); an unknown or invisible object in
# the URL does.
NO_BODY = {
    ("api/v1/leave/holidays/<pk>/", "DELETE"),
    ("api/v1/leave/requests/<pk>/approve/", "POST"),
    ("api/v1/leave/requests/<pk>/cancel/", "POST"),
    ("api/v1/org/imports/<pk>/apply/", "POST"),
    ("api/v1/pulse/rounds/<pk>/close/", "POST"),
    ("api/v1/rewards/redemptions/<pk>/fulfil/", "POST"),
    ("api/v1/service-quality/scores/<pk>/", "DELETE"),
    ("api/v1/service-quality/collections/<pk>/close/", "POST"),
}
SCORES_CSV = b"department_code,period,source,dimension,value,respondents\nLKT,2026-02,csat,overall,80,10\n"

# Known bugs in apps whose owners are changing them now: (route, method, kind) → reason.
KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

BODY_KINDS = ["malformed", "array", "number", "string", "wrong_type", "huge_1mb", "huge_100001"]
KINDS = [*BODY_KINDS, "unknown_id", "invisible"]


# --- the organisation, built once ------------------------------------------------------------


def _more_objects(org, ids: dict) -> dict:
    """What the builder lacks: bonuses further along, another department's action, a training
    that took place, a question of another survey."""
    from improvement import services as improvement_services
    from pulse_surveys import services as pulse_services
    from pulse_surveys.models import Question, Round
    from rewards import services as reward_services

    def proposal(amount: str):
        return reward_services.bonus_create(
            actor=org.budi,
            employee=org.andi,
            kind="spot",
            amount=Decimal(amount),
            period=dt.date(2026, 3, 1),
            reason="Pelayanan cepat",
        )

    submitted = reward_services.bonus_submit(bonus=proposal("200000"), actor=org.budi)
    approved = reward_services.bonus_approve(
        bonus=reward_services.bonus_submit(bonus=proposal("300000"), actor=org.budi), actor=org.hana
    )
    lkt_action = improvement_services.action_create(
        actor=org.mira,
        department=org.lkt,
        title="Loket tambahan",
        owner=org.mira,
        due_date=dt.date.fromisoformat(SOON),
        dimension="timeliness",
        members=[org.bayu],
    )
    held_training = improvement_services.training_create(
        actor=org.hana,
        department=org.cs,
        topic="Pelayanan prima",
        date=timezone.localdate() - dt.timedelta(days=3),
        hours=Decimal("4"),
        trainer="BPSDM",
        dimension="courtesy",
        attendees=[org.ani, org.andi],
    )
    in_round = list(Question.objects.filter(rounds=ids["round"]).order_by("pk").values_list("pk", flat=True))
    elsewhere = Question.objects.filter(kind="likert").exclude(pk__in=in_round).order_by("pk").first()
    pulse_services.survey_create(title="Lain", questions=[elsewhere], anonymity_threshold=3, actor=org.hana)
    assert Round.objects.get(pk=ids["round"]).status == "open"
    return {
        "ops": org.ops.pk,
        "budi": org.budi.pk,
        "andi": org.andi.pk,
        "submitted": submitted.pk,
        "approved": approved.pk,
        "lkt_action": lkt_action.pk,
        "held_training": held_training.pk,
        "question": in_round[0],
        "question_2": in_round[1],
        "question_elsewhere": elsewhere.pk,
    }


@dataclass
class World:
    personas: dict
    ids: dict
    tokens: dict


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    eager = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = celery_app.conf.task_eager_propagates = True
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    try:
        with django_db_blocker.unblock(), fast, transaction.atomic():
            org = tests.conftest.org.__wrapped__(None)  # the personas' organisation, once
            ids = objects_of_every_kind(org)
            with TestCase.captureOnCommitCallbacks(execute=True):
                ids.update(_more_objects(org, ids))
            personas = personas_of(org)
            tokens = {name: Token.objects.create(user=user).key for name, user in personas.items() if user}
            yield World(personas, ids, tokens)
            transaction.set_rollback(True)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = eager


# --- the database, summed up -----------------------------------------------------------------


def _tables(exclude: set[str]) -> list[str]:
    return sorted(set(connection.introspection.table_names()) - exclude)


def snapshot(exclude: set[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Every table's row count and a checksum of its rows, in any order."""
    tables = _tables(exclude)
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        query = " UNION ALL ".join(
            # names from the database's own catalogue
            f"SELECT '{table}', count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''))"  # noqa: S608
            f" FROM {quote(table)} t"
            for table in tables
        )
        with connection.cursor() as cursor:
            cursor.execute(query)
            return {table: (count, checksum) for table, count, checksum in cursor.fetchall()}
    found = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 - names from the database's catalogue
            rows = sorted(repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)) for row in cursor)
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def _changes(before: dict, after: dict) -> list[str]:
    return sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))


# --- requests --------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


@dataclass
class Answer:
    status: int
    changed: list
    jobs: int
    mails: int
    content: bytes


def _fill(value, ids: dict):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    return value


def send(client: APIClient, method: str, url: str, *, body=None, raw: str | None = None, multipart=False, exclude=()):
    """One request inside a savepoint that is rolled back, and what it wrote before that."""
    before = snapshot(set(exclude))
    mail.outbox = []
    headers = {"Idempotency-Key": uuid.uuid4().hex} if method == "POST" else {}
    answer = None
    try:
        with transaction.atomic():
            with TestCase.captureOnCommitCallbacks() as jobs:
                if raw is not None:
                    response = client.generic(method, url, raw, content_type="application/json", headers=headers)
                elif multipart:
                    payload = {**body, "file": body.get("file", _csv_file())}
                    response = client.generic(method, url, **_multipart(payload), headers=headers)
                elif body is None:
                    response = client.generic(method, url, headers=headers)
                else:
                    response = client.generic(
                        method, url, json.dumps(body), content_type="application/json", headers=headers
                    )
            answer = Answer(
                response.status_code,
                _changes(before, snapshot(set(exclude))),
                len(jobs),
                len(mail.outbox),
                response.content,
            )
            raise _Rollback
    except _Rollback:
        pass
    return answer


def _csv_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scores.csv", SCORES_CSV, content_type="text/csv")


def _multipart(payload: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, payload), "content_type": MULTIPART_CONTENT}


# --- the request serializer's fields ---------------------------------------------------------


@functools.cache
def _request_fields() -> dict[tuple[str, str], dict]:
    """(route, method) → the writable fields of the serializer the schema documents as the
    operation's request body."""
    import re

    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = {}
    for path, path_regex, method, view in generator._get_paths_and_endpoints():
        view.request = spectacular_settings.GET_MOCK_REQUEST(method, path, view, None)
        view.schema.method, view.schema.path, view.schema.path_regex = method, path, path_regex
        serializer = view.schema.get_request_serializer()
        if isinstance(serializer, type):
            serializer = serializer()
        fields = getattr(serializer, "fields", {}) if serializer is not None else {}
        route = re.sub(r"\{\w+\}", "<pk>", path.lstrip("/"))
        found[(route, method)] = {name: f for name, f in fields.items() if not f.read_only}
    return found


def request_fields(operation) -> dict:
    return _request_fields().get(operation, {})


def _is_id(f) -> bool:
    return isinstance(f, serializers.RelatedField | serializers.ManyRelatedField)


def _is_number(f) -> bool:
    return _is_id(f) or isinstance(f, serializers.IntegerField | serializers.DecimalField | serializers.FloatField)


def _is_list(f) -> bool:
    return isinstance(f, serializers.ManyRelatedField | serializers.ListField | serializers.ListSerializer)


def wrong_types(f) -> list:
    """Values of a type the field does not take."""
    if isinstance(f, serializers.BooleanField):
        return [{"wrong": "type"}, "maybe"]
    if _is_list(f):
        return [{"wrong": "type"}, "not a list"]
    if _is_number(f):
        return [{"wrong": "type"}, "not a number", [1]]
    return [{"wrong": "type"}, ["a", "list"]]


def _huge(f, size: int):
    text = ("9" if _is_number(f) else "x") * size
    if isinstance(f, serializers.ManyRelatedField | serializers.ListField):
        return [text]
    return text


def _places(fields: dict, body: dict):
    """(where, field): every field of the body, and of the first element of a list of objects
    (`answers[0].question`)."""
    for name, f in fields.items():
        if isinstance(f, serializers.ListSerializer) and isinstance(f.child, serializers.Serializer):
            if body.get(name):
                for child_name, child in f.child.fields.items():
                    if not child.read_only:
                        yield (name, 0, child_name), child
            yield (name,), f
        elif not isinstance(f, serializers.FileField):
            yield (name,), f


def _with(body: dict, where: tuple, value) -> dict:
    changed = json.loads(json.dumps(body))
    target = changed
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    return changed


def bad_requests(operation, kind: str, spec: Write, ids: dict):
    """(label, persona, url, body or raw text) of one kind of bad input."""
    url = spec.url.format(**ids)
    body = _fill(spec.body, ids)
    fields = request_fields(operation)
    raw = {"malformed": '{"a":', "array": "[]", "number": "42", "string": '"text"'}
    if kind in raw:
        yield kind, spec.persona, url, None, raw[kind]
        return
    places = [] if operation in NO_BODY else list(_places(fields, body))
    if kind == "wrong_type":
        for where, f in places:
            for value in wrong_types(f):
                yield f"{where}={value!r}", spec.persona, url, _with(body, where, value), None
    elif kind.startswith("huge"):
        size = HUGE_1MB if kind == "huge_1mb" else HUGE_100001
        for where, f in places:
            if not isinstance(f, serializers.BooleanField | serializers.ListSerializer):
                yield f"{where}", spec.persona, url, _with(body, where, _huge(f, size)), None
    elif kind == "unknown_id":
        if "<pk>" in operation[0]:
            pk = str(ids[spec.url.split("{")[1].split("}")[0]])
            yield "url", spec.persona, url.replace(f"/{pk}/", f"/{UNKNOWN_ID}/"), body, None
        for where, f in places:
            if _is_id(f):
                value = [UNKNOWN_ID] if isinstance(f, serializers.ManyRelatedField) else UNKNOWN_ID
                yield f"{where}", spec.persona, url, _with(body, where, value), None
    elif kind == "invisible":
        for persona, other_url, changes in spec.invisible:
            yield f"{persona} {changes}", persona, other_url.format(**ids), {**body, **_fill(changes, ids)}, None


def _expected(kind: str, label: str, spec: Write) -> set[int]:
    if kind == "invisible":
        return {400, 404}
    if kind == "unknown_id" and label == "url":
        return {404}
    if spec.multipart and kind in ("array", "number", "string"):
        return {415}  # the import takes a file: a JSON body is not what it reads
    # (A `malformed` body says it is JSON and is not: refused as such, whatever the view reads.)
    return {400}


def _cases():
    for operation in sorted(WRITES):
        spec = WRITES[operation]
        for kind in KINDS:
            if operation in NO_BODY and kind in BODY_KINDS and kind != "malformed":
                continue
            if kind == "invisible" and isinstance(spec.invisible, str):
                continue
            if (
                kind == "unknown_id"
                and "<pk>" not in operation[0]
                and not any(_is_id(f) for _where, f in _places(request_fields(operation), spec.body))
            ):
                continue
            marks = []
            if (*operation, kind) in KNOWN_BUGS:
                marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(*operation, kind)])]
            yield pytest.param(operation, kind, id=f"{operation[1]} {operation[0]} {kind}", marks=marks)


def _client(world: World, persona: str) -> APIClient:
    """Signed in with a token, the way scripts call the API: the idempotency store sees who
    sends, and no session is written."""
    client = APIClient()
    if world.personas[persona] is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[persona]}")
    return client


# --- the tests -------------------------------------------------------------------------------


def test_every_write_of_the_api_is_listed():
    assert sorted(api_write_operations() - set(WRITES)) == [], "add these operations to WRITES"
    assert sorted(set(WRITES) - api_write_operations()) == [], "these operations no longer exist"


def test_the_snapshot_sees_every_table_of_every_installed_model(db):
    from django.apps import apps

    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    assert tables <= set(snapshot())


def test_the_snapshot_sees_a_change(db, world):
    from core.audit import audit_record

    # given
    before = snapshot()
    # when
    audit_record(actor=None, action="test.snapshot", summary="seen")
    # then
    assert _changes(before, snapshot()) == ["core_auditentry"]


@pytest.mark.django_db
@pytest.mark.parametrize("operation", [pytest.param(op, id=f"{op[1]} {op[0]}") for op in sorted(WRITES)])
def test_the_valid_request_is_accepted(operation, world):
    """The bad requests below differ from this one in one place only."""
    spec = WRITES[operation]
    body = None if operation in NO_BODY else _fill(spec.body, world.ids)
    answer = send(
        _client(world, spec.persona), operation[1], spec.url.format(**world.ids), body=body, multipart=spec.multipart
    )
    assert 200 <= answer.status < 300, answer.content[:500]


@pytest.mark.django_db
@pytest.mark.parametrize(("operation", "kind"), list(_cases()))
def test_bad_input_is_refused_and_writes_nothing(operation, kind, world):
    spec = WRITES[operation]
    exclude = MAY_CHANGE.get(operation, set())
    wrong = []
    for label, persona, url, body, raw in bad_requests(operation, kind, spec, world.ids):
        if operation in NO_BODY:
            body = None
        answer = send(
            _client(world, persona), operation[1], url, body=body, raw=raw, multipart=spec.multipart, exclude=exclude
        )
        expected = _expected(kind, label, spec)
        if answer.status not in expected:
            wrong.append(f"{label[:80]}: {answer.status}, expected {sorted(expected)}: {answer.content[:200]!r}")
        if answer.changed or answer.jobs or answer.mails:
            wrong.append(f"{label[:80]}: wrote {answer.changed}, {answer.jobs} jobs, {answer.mails} e-mails")
    assert not wrong, "\n".join(wrong)
