"""One object of every kind the URLs of the pages and the API name, in the personas'
organisation (tests/conftest.py), built through the apps' services.

Objects "of the subtree" belong to CS (budi's department, where ani works); objects of another
department belong to LKT (mira's, where bayu works). `objects_of_every_kind(org)` answers the
ids the URL templates' `{placeholders}` name (tests/permissions/matrix.yaml,
tests/insights/test_page_access.py).
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.test import TestCase
from django.utils import timezone

from tests.factories import UserFactory


def personas_of(org) -> dict:
    """The matrix's personas: who each is in the organisation (None: signed out)."""
    return {
        "anonymous": None,
        "employee": org.ani,
        "employee_other": org.bayu,
        "manager": org.budi,
        "manager_elsewhere": org.mira,
        "hr": org.hana,
        "leadership": org.lina,
    }


def _pulse(org) -> dict:
    from pulse_surveys import services
    from pulse_surveys.bank import bank_load
    from pulse_surveys.models import Driver, Question

    bank_load()
    questions = list(Question.objects.filter(kind="likert").order_by("pk")[:2])
    survey = services.survey_create(title="Pulse", questions=questions, anonymity_threshold=3, actor=org.hana)
    now = timezone.now()
    open_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=5)
    )
    closed_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(days=20), closes_at=now + dt.timedelta(days=6)
    )
    for person in (org.ani, org.andi, org.budi, org.bayu):
        answers = [{"question": question.pk, "value": 4} for question in questions]
        services.response_submit(pulse_round=closed_round, employee=person, answers=answers)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.round_close(pulse_round=closed_round)
    return {
        "survey": survey.pk,
        "round": open_round.pk,
        "closed_round": closed_round.pk,
        "driver": Driver.objects.order_by("pk").first().pk,
        "question": questions[0].pk,
    }


def _leave(org) -> dict:
    from leave import services
    from leave.models import Holiday
    from tests.leave.factories import LeaveTypeFactory, allocate, request_leave

    leave_type = LeaveTypeFactory()
    year = timezone.localdate().year + 1
    allocate(org.ani, leave_type, 10, year=year, actor=org.hana)
    start = dt.date(year, 3, 3)
    while start.weekday() >= 5:
        start += dt.timedelta(days=1)
    leave_request = request_leave(org.ani, leave_type, start)
    holiday = Holiday.objects.order_by("pk").first() or services.holiday_create(
        date=dt.date(year, 1, 1), name="Tahun Baru", actor=org.hana
    )
    return {
        "leave_type": leave_type.pk,
        "leave_request": leave_request.pk,
        "holiday": holiday.pk,
        "policy": leave_type.policy_id,
    }


def _rewards(org) -> dict:
    from rewards import services

    budget = services.budget_create(actor=org.hana, department=org.cs, year=2026, amount=Decimal("50000000"))
    # HR's own bonus: budi, ani's manager, did not propose it and so does not see it.
    bonus = services.bonus_create(
        actor=org.hana,
        employee=org.ani,
        kind="performance",
        amount=Decimal("1500000"),
        period=dt.date(2026, 3, 1),
        reason="Excellent service",
    )
    # budi's proposal for his team, on his desk.
    proposal = services.bonus_create(
        actor=org.budi,
        employee=org.ani,
        kind="spot",
        amount=Decimal("500000"),
        period=dt.date(2026, 3, 1),
        reason="Pelayanan yang sangat baik",
    )
    recognition = services.recognition_create(giver=org.andi, recipient=org.ani, dimension="courtesy", message="Ramah")
    reward = services.reward_create(actor=org.hana, name="Voucher", kind="voucher", points_cost=10)
    services.recognition_create(giver=org.budi, recipient=org.ani, dimension="timeliness", message="Cepat", points=20)
    redemption = services.redemption_create(employee=org.ani, reward=reward)
    return {
        "budget": budget.pk,
        "bonus": bonus.pk,
        "proposal": proposal.pk,
        "recognition": recognition.pk,
        "reward": reward.pk,
        "redemption": redemption.pk,
    }


def _service_quality(org) -> dict:
    from service_quality import collecting, services
    from service_quality.models import ExternalScore, ScoreConflict

    content = b"department_code,period,source,dimension,value,respondents\nCS,2026-01,csat,overall,81.5,120\n"
    score_import = services.score_import_create(kind="scores", file_name="scores.csv", content=content, actor=org.hana)
    today = timezone.localdate()
    collection = collecting.collection_create(
        department=org.cs,
        period_from=today - dt.timedelta(days=1),
        period_to=today + dt.timedelta(days=7),
        expected_customers=100,
        actor=org.hana,
    )
    answer = collecting.response_submit(
        token=collection.token,
        data={
            "answers": {f"u{index}": 3 for index in range(1, 10)},
            "profile": {"age_band": "20_29", "sex": "male", "education": "senior", "occupation": "student"},
            "suggestion": "Antrean lebih cepat",
        },
        # A device and address of its own each time: the rate limit's counters outlive a test.
        sender=collecting.Sender(device=uuid.uuid4().hex, address=f"fd00::{uuid.uuid4().hex[:4]}"),
    )
    conflict = ScoreConflict.objects.create(department=org.lkt, period=dt.date(2026, 1, 1))
    return {
        "import": score_import.pk,
        "score": ExternalScore.objects.get(department=org.cs, source="csat").pk,
        "collection": collection.pk,
        "token": collection.token,
        "collected_response": answer.pk,
        "conflict": conflict.pk,
    }


def _organisation_import(org) -> dict:
    from employees import services

    content = b"code,name,parent_code,is_service_unit\nNEW,Unit Baru,HQ,0\n"
    org_import = services.org_import_upload(
        kind="departments", mode="partial", file_name="departments.csv", content=content, actor=org.hana
    )
    return {"org_import": org_import.pk}


def _improvement(org) -> dict:
    from improvement import services
    from improvement.models import SuggestedAction

    due = timezone.localdate() + dt.timedelta(days=30)
    action = services.action_create(
        actor=org.budi,
        department=org.cs,
        title="Antrian lebih cepat",
        owner=org.budi,
        due_date=due,
        dimension="timeliness",
        members=[org.ani],
    )
    training = services.training_create(
        actor=org.hana,
        department=org.cs,
        topic="Pelayanan prima",
        date=due,
        hours=Decimal("4"),
        trainer="BPSDM",
        dimension="courtesy",
        attendees=[org.ani],
    )
    return {
        "action": action.pk,
        "training": training.pk,
        "suggestion": SuggestedAction.objects.order_by("pk").first().pk,
    }


def _correlation(org) -> dict:
    """A report that runs to the end: CS has an SKM score in its months."""
    from correlation import services
    from service_quality.services import external_score_create

    external_score_create(
        department=org.cs,
        period=dt.date(2025, 1, 1),
        source="skm",
        dimension="ikm",
        value=Decimal("82.5"),
        respondents=40,
        actor=org.hana,
    )
    report = services.correlation_report_request(
        actor=org.lina,
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 1),
        granularity="month",
        max_lag=1,
        external_source="skm",
        external_dimension="",
    )
    return {"report": report.pk}


def objects_of_every_kind(org) -> dict:
    """Ids by the name URL templates give them; jobs the services enqueue run at once."""
    from core.audit import audit_record

    UserFactory(username="cs.extra", department=org.cs, manager=org.budi)
    ids = {"cs": org.cs.pk, "lkt": org.lkt.pk, "ani": org.ani.pk, "bayu": org.bayu.pk}
    ids["audit_entry"] = audit_record(actor=org.hana, action="test.entry", summary="kept").pk
    with TestCase.captureOnCommitCallbacks(execute=True):
        for build in (_pulse, _leave, _rewards, _service_quality, _organisation_import, _improvement, _correlation):
            ids.update(build(org))
    ids.update(_feedback())
    return ids


def _feedback() -> dict:
    from feedback.models import Theme

    theme = Theme.objects.order_by("pk").first() or Theme.objects.create(key="test-theme", name_en="Test theme")
    return {"theme": theme.pk}
