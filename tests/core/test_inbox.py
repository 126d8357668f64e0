"""The inbox: each kind of thing that waits appears for the person it waits for (and nobody
else), goes when it is done, links one click from being done, and the page, the navigation's
counts and `GET /api/v1/inbox/` agree."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.test import TestCase
from django.utils import timezone

from core import extensions
from tests.leave.factories import LeaveTypeFactory, allocate, request_leave

pytestmark = pytest.mark.django_db

PEOPLE = ("ani", "andi", "bayu", "budi", "mira", "hana", "lina")


def inbox_of(api, user) -> dict[str, dict]:
    response = api(user).get("/api/v1/inbox/")
    assert response.status_code == 200
    return {item["kind"]: item for item in response.json()}


def who_has(api, org, kind: str) -> set[str]:
    return {name for name in PEOPLE if kind in inbox_of(api, getattr(org, name))}


def test_nothing_waits_in_a_quiet_organisation(org, api, client):
    # given: nobody has asked anything of anyone
    # then
    assert who_has(api, org, "leave_requests") == set()
    client.force_login(org.budi)
    assert "Nothing waits for you." in client.get("/inbox/").content.decode()


def test_a_leave_request_waits_for_its_approver_until_decided(org, api):
    # given: ani asks her manager budi for a day off
    from leave import services

    leave_type = LeaveTypeFactory()
    year = timezone.localdate().year + 1
    allocate(org.ani, leave_type, 10, year=year, actor=org.hana)
    request = request_leave(org.ani, leave_type, dt.date(year, 3, 3))
    # then: it waits for budi only, one click from the approvals page
    assert who_has(api, org, "leave_requests") == {"budi"}
    item = inbox_of(api, org.budi)["leave_requests"]
    assert (item["count"], item["url"]) == (1, "/leave/approvals/")
    # when: budi approves it
    services.leave_request_approve(request=request, actor=org.budi)
    # then: it is gone
    assert who_has(api, org, "leave_requests") == set()


def submitted_bonus(org, *, proposer):
    """A spot bonus for ani, proposed and submitted by `proposer`, within CS's budget."""
    from rewards import services

    services.budget_create(actor=org.hana, department=org.cs, year=2026, amount=Decimal("50000000"))
    fields = {"kind": "spot", "amount": Decimal("500000"), "period": dt.date(2026, 3, 1), "reason": "Ramah"}
    bonus = services.bonus_create(actor=proposer, employee=org.ani, **fields)
    return services.bonus_submit(bonus=bonus, actor=proposer)


def test_a_submitted_bonus_waits_for_hr_until_approved(org, api):
    from rewards import services

    bonus = submitted_bonus(org, proposer=org.budi)
    assert who_has(api, org, "bonuses") == {"hana"}
    assert inbox_of(api, org.hana)["bonuses"]["url"] == "/rewards/queue/"
    services.bonus_approve(bonus=bonus, actor=org.hana)
    assert who_has(api, org, "bonuses") == set()


def test_a_draft_bonus_waits_for_nobody(org, api):
    from rewards import services

    services.bonus_create(
        actor=org.budi, employee=org.ani, kind="spot", amount=Decimal("1"), period=dt.date(2026, 3, 1), reason="x"
    )
    assert who_has(api, org, "bonuses") == set()


def test_hr_is_not_asked_to_decide_a_bonus_they_proposed(org, api):
    submitted_bonus(org, proposer=org.hana)
    assert who_has(api, org, "bonuses") == set()


def test_an_open_pulse_waits_for_the_invited_until_answered(org, api):
    from pulse_surveys import services
    from pulse_surveys.bank import bank_load
    from pulse_surveys.models import Question

    bank_load()
    questions = list(Question.objects.filter(kind="likert").order_by("pk")[:2])
    survey = services.survey_create(
        title="Pulse", questions=questions, departments=[org.cs], anonymity_threshold=3, actor=org.hana
    )
    now = timezone.now()
    pulse_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(minutes=5), closes_at=now + dt.timedelta(days=5)
    )
    # then: everyone in CS is asked, straight to the answer form
    assert who_has(api, org, "pulse_rounds") == {"ani", "andi", "budi"}
    assert inbox_of(api, org.ani)["pulse_rounds"]["url"] == f"/pulse/rounds/{pulse_round.pk}/answer/"
    # when: ani answers
    answers = [{"question": question.pk, "value": 4} for question in questions]
    services.response_submit(pulse_round=pulse_round, employee=org.ani, answers=answers)
    # then: it no longer waits for her
    assert who_has(api, org, "pulse_rounds") == {"andi", "budi"}


def test_an_action_due_waits_for_its_owner_and_managers_until_done(org, api):
    from improvement import services
    from improvement.models import Action

    def create(days: int, title: str):
        return services.action_create(
            actor=org.budi,
            department=org.cs,
            title=title,
            owner=org.ani,
            due_date=timezone.localdate() + dt.timedelta(days=days),
            dimension="timeliness",
        )

    create(30, "Later")  # due in a month: not yet
    assert who_has(api, org, "improvement_actions") == set()
    soon = create(3, "Antrian lebih cepat")
    assert who_has(api, org, "improvement_actions") == {"ani", "budi"}
    assert inbox_of(api, org.ani)["improvement_actions"]["url"] == f"/improvement/actions/{soon.pk}/"
    overdue = create(1, "Papan informasi")
    past = timezone.localdate() - dt.timedelta(days=2)
    Action.objects.filter(pk=overdue.pk).update(start_date=past - dt.timedelta(days=30), due_date=past)  # time passed
    item = inbox_of(api, org.budi)["improvement_actions"]
    assert (item["count"], item["url"]) == (2, "/improvement/")
    with TestCase.captureOnCommitCallbacks(execute=True):
        for action in (soon, overdue):
            services.action_status_change(action=action, actor=org.budi, status="done")
    assert who_has(api, org, "improvement_actions") == set()


def test_an_upload_awaiting_confirmation_waits_for_hr_until_confirmed(org, api):
    from service_quality import services

    content = b"department_code,period,source,dimension,value,respondents\nCS,2026-01,csat,overall,81.5,120\n"
    upload = services.score_import_upload(kind="scores", file_name="scores.csv", content=content, actor=org.hana)
    assert who_has(api, org, "score_imports") == {"hana"}
    assert inbox_of(api, org.hana)["score_imports"]["url"] == f"/service-quality/imports/{upload.pk}/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.score_import_confirm(score_import=upload, actor=org.hana)
    assert who_has(api, org, "score_imports") == set()


def test_an_organisation_import_waiting_to_be_applied_waits_for_hr_until_applied(org, api, client):
    from employees.models import ImportStatus
    from employees.services import org_import_apply_start, org_import_upload

    # given: HR uploaded two department files that passed the check, and one that did not
    def upload(text: str):
        return org_import_upload(kind="departments", mode="partial", file_name="d.csv", content=text.encode(),
                                 actor=org.hana)  # fmt: skip

    first = upload("code,name,parent_code,is_service_unit\nNEW1,Unit Baru,HQ,0\n")
    upload("code,name,parent_code,is_service_unit\nNEW2,Unit Lain,HQ,0\n")
    bad = upload("code,name,parent_code,is_service_unit\nBAD,,NOWHERE,0\n")
    assert bad.status == ImportStatus.INVALID
    # then HR alone is asked to apply both, from the imports page, and the navigation counts them
    assert who_has(api, org, "org_imports") == {"hana"}
    item = inbox_of(api, org.hana)["org_imports"]
    assert (item["count"], item["url"]) == (2, "/people/imports/")
    client.force_login(org.hana)
    nav = client.get("/").content.decode().split('id="sidenav"')[1].split("</nav>")[0]
    link = re.search(r'href="/people/imports/".*?</a>', nav).group(0)
    assert re.search(r'class="count">.*?(\d+)</span>', link).group(1) == "2"
    # when one is applied, the other is the one thing left, one click away
    with TestCase.captureOnCommitCallbacks(execute=True):
        org_import_apply_start(org_import=first, actor=org.hana)
    remaining = inbox_of(api, org.hana)["org_imports"]
    assert remaining["count"] == 1
    assert remaining["url"].startswith("/people/imports/") and remaining["url"] != "/people/imports/"


def test_the_page_and_the_navigation_show_the_counts_the_api_gives(org, api, client):
    # given: two requests wait for budi
    leave_type = LeaveTypeFactory()
    year = timezone.localdate().year + 1
    for person in (org.ani, org.andi):
        allocate(person, leave_type, 10, year=year, actor=org.hana)
        request_leave(person, leave_type, dt.date(year, 3, 3))
    expected = inbox_of(api, org.budi)
    assert expected["leave_requests"]["count"] == 2
    # then: the inbox page lists the same items and the navigation carries the same counts
    client.force_login(org.budi)
    page = client.get("/inbox/").content.decode()
    for item in expected.values():
        assert f'href="{item["url"]}"' in page
        assert str(item["title"]) in page
    nav = page.split('id="sidenav"')[1].split("</nav>")[0]
    approvals = re.search(r'href="/leave/approvals/".*?</a>', nav).group(0)
    assert re.search(r'class="count">.*?(\d+)</span>', approvals).group(1) == "2"
    total = sum(item["count"] for item in expected.values())
    inbox_link = re.search(r'href="/inbox/".*?</a>', nav).group(0)
    assert re.search(r'class="count">.*?(\d+)</span>', inbox_link).group(1) == str(total)


def test_the_inbox_api_refuses_the_signed_out(api):
    assert api(None).get("/api/v1/inbox/").status_code == 401


def test_a_kind_with_nothing_waiting_is_left_out(org):
    assert extensions.inbox_items(org.lina) == []
