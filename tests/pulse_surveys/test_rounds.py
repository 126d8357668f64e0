"""Surveys and rounds: scheduling, cadence, audience snapshot, rotation, closing, reminders."""

import datetime as dt

import pytest
from django.utils import timezone

from pulse_surveys import services
from pulse_surveys.models import Invitation, Round, RoundStatus
from tasks.surveys import survey_reminders_task, survey_rounds_close_expired_task, survey_rounds_open_due_task
from tests.factories import UserFactory
from tests.pulse_surveys.conftest import answer, open_round

pytestmark = pytest.mark.django_db


def test_hr_creates_a_survey_through_the_api_with_ordered_questions(org, bank, api):
    ids = [bank["workload-1"].pk, bank["recognition-1"].pk, bank["enps"].pk]
    payload = {"title": "Tim", "questions": ids, "cadence": "weekly", "departments": [org.ops.pk]}
    response = api(org.hana).post("/api/v1/pulse/surveys/", payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["questions"] == ids and data["anonymity_threshold"] == 5 and data["is_active"] is True
    assert api(org.ani).post("/api/v1/pulse/surveys/", payload, format="json").status_code == 403
    assert api(org.ani).get("/api/v1/pulse/surveys/").status_code == 200


@pytest.mark.parametrize(
    "change",
    [{"anonymity_threshold": 2}, {"cadence": "daily"}, {"questions": []}, {"questions": [999999]}, {"title": ""}],
)
def test_a_bad_survey_is_a_400(org, bank, api, change):
    payload = {"title": "Tim", "questions": [bank["enps"].pk], **change}
    assert api(org.hana).post("/api/v1/pulse/surveys/", payload, format="json").status_code == 400


def test_the_threshold_is_locked_once_a_round_has_answers(org, survey, api):
    client = api(org.hana)
    url = f"/api/v1/pulse/surveys/{survey.pk}/"
    assert client.patch(url, {"anonymity_threshold": 4}, format="json").status_code == 200
    pulse_round = open_round(survey)
    assert pulse_round.anonymity_threshold == 4
    answer(pulse_round, org.ani)
    response = client.patch(url, {"anonymity_threshold": 3}, format="json")
    assert response.status_code == 409
    assert client.patch(url, {"title": "Renamed"}, format="json").status_code == 200


def test_opening_snapshots_the_audience_with_their_departments(org, bank):
    survey = services.survey_create(title="Ops", questions=[bank["enps"]], departments=[org.ops])
    pulse_round = open_round(survey)
    invited = set(Invitation.objects.filter(round=pulse_round).values_list("employee__username", "department__code"))
    assert invited == {("budi", "CS"), ("ani", "CS"), ("andi", "CS"), ("mira", "LKT"), ("bayu", "LKT")}
    # a later move does not change the snapshot
    org.ani.department = org.lkt
    org.ani.save()
    assert Invitation.objects.get(round=pulse_round, employee=org.ani).department == org.cs


def test_hr_schedules_a_round_for_later_and_the_beat_job_opens_it(org, survey, api):
    now = timezone.now()
    payload = {
        "opens_at": (now + dt.timedelta(hours=1)).isoformat(),
        "closes_at": (now + dt.timedelta(days=3)).isoformat(),
    }
    response = api(org.hana).post(f"/api/v1/pulse/surveys/{survey.pk}/rounds/", payload, format="json")
    assert response.status_code == 201 and response.json()["status"] == "scheduled"
    pulse_round = Round.objects.get(pk=response.json()["id"])
    assert survey_rounds_open_due_task.delay().get() == []
    Round.objects.filter(pk=pulse_round.pk).update(opens_at=now - dt.timedelta(minutes=1))
    assert survey_rounds_open_due_task.delay().get() == [pulse_round.pk]
    pulse_round.refresh_from_db()
    assert pulse_round.status == RoundStatus.OPEN and pulse_round.invitations.count() == 7


@pytest.mark.parametrize(
    "payload",
    [{"opens_at": "2030-01-02T00:00:00Z", "closes_at": "2030-01-01T00:00:00Z"}, {"opens_at": "x"}, {}],
)
def test_a_bad_round_is_a_400(org, survey, api, payload):
    assert api(org.hana).post(f"/api/v1/pulse/surveys/{survey.pk}/rounds/", payload, format="json").status_code == 400


def test_cadence_opens_the_next_round_when_it_is_due_and_not_before(org, bank, django_capture_on_commit_callbacks):
    start = timezone.now() - dt.timedelta(days=8)
    services.survey_create(title="Weekly", questions=[bank["enps"]], cadence="weekly", open_days=2, starts_at=start)
    first = services.rounds_open_due()
    assert len(first) == 1
    assert services.rounds_open_due() == []  # one round at a time
    with django_capture_on_commit_callbacks(execute=True):
        Round.objects.filter(pk=first[0]).update(opens_at=start, closes_at=start + dt.timedelta(days=2))
        assert services.rounds_close_expired() == first
    # the next one is due a week after the first opened (8 days ago): now
    second = services.rounds_open_due()
    assert len(second) == 1 and Round.objects.get(pk=second[0]).number == 2
    assert services.rounds_open_due() == []


def test_a_once_survey_opens_a_single_round(org, bank, django_capture_on_commit_callbacks):
    survey = services.survey_create(
        title="Once", questions=[bank["enps"]], cadence="once", starts_at=timezone.now() - dt.timedelta(days=30)
    )
    (opened,) = services.rounds_open_due()
    with django_capture_on_commit_callbacks(execute=True):
        past = timezone.now() - dt.timedelta(days=3)
        Round.objects.filter(pk=opened).update(opens_at=past, closes_at=past + dt.timedelta(days=1))
        survey_rounds_close_expired_task.delay().get()
    assert services.rounds_open_due() == []
    assert survey.rounds.count() == 1


def test_a_question_cap_rotates_through_the_rating_questions(org, bank):
    likert = [bank[key] for key in ("recognition-1", "pay-1", "workload-1", "teamwork-1", "growth-1")]
    survey = services.survey_create(
        title="Rotating", questions=[*likert, bank["enps"]], questions_per_round=3, anonymity_threshold=3
    )
    asked = []
    for _ in range(3):
        pulse_round = open_round(survey)
        asked.append([q.key for q in pulse_round.questions.order_by("id") if q.kind == "likert"])
        assert pulse_round.questions.filter(kind="enps").exists()
        services.round_close(pulse_round=pulse_round)
    assert asked == [["recognition-1", "pay-1"], ["workload-1", "teamwork-1"], ["recognition-1", "growth-1"]]


def test_reminders_go_to_those_who_have_not_answered_at_most_once_a_day(org, bank, mailoutbox):
    first = services.survey_create(title="One", questions=[bank["enps"]], reminder_days=[1], anonymity_threshold=3)
    second = services.survey_create(title="Two", questions=[bank["enps"]], reminder_days=[1], anonymity_threshold=3)
    rounds = [open_round(first, days=1), open_round(second, days=1)]
    today = timezone.localdate()
    tomorrow_noon = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(12), timezone.get_current_timezone())
    Round.objects.filter(pk__in=[r.pk for r in rounds]).update(closes_at=tomorrow_noon)
    answer(rounds[0], org.ani, enps=9)
    answer(rounds[1], org.ani, enps=9)
    answer(rounds[0], org.andi, enps=9)
    # when
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        plan = services.reminders_plan(today=today)
    # then: one e-mail per person who still owes an answer; andi's names only the second round
    recipients = sorted(message.to[0].split("@")[0] for message in mailoutbox)
    assert "ani" not in recipients
    assert recipients.count("andi") == 1 and recipients.count("bayu") == 1
    andi_mail = next(m for m in mailoutbox if m.to[0].startswith("andi@"))
    assert "Two" in andi_mail.body and "One" not in andi_mail.body
    assert plan[org.andi.pk] == [rounds[1].pk]
    # and again the same day: nobody
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.reminders_plan(today=today) == {}
    assert mailoutbox == []


def test_no_reminder_on_a_day_the_survey_does_not_ask_for(org, bank, mailoutbox):
    survey = services.survey_create(title="One", questions=[bank["enps"]], reminder_days=[3], open_days=5)
    pulse_round = open_round(survey, days=5)
    closes_on = timezone.localdate(pulse_round.closes_at)
    assert services.reminders_plan(today=closes_on - dt.timedelta(days=2)) == {}
    assert survey_reminders_task.delay().get() == 0  # whatever today is, not 3 days before
    assert len(services.reminders_plan(today=closes_on - dt.timedelta(days=3))) == 7
    assert mailoutbox == []


def test_people_who_join_after_opening_are_not_invited(org, survey):
    pulse_round = open_round(survey)
    newcomer = UserFactory(department=org.cs)
    assert not Invitation.objects.filter(round=pulse_round, employee=newcomer).exists()


def test_a_round_whose_results_job_was_lost_gets_its_results_on_the_next_close_run(
    org, survey, staff, django_capture_on_commit_callbacks
):
    # given a round closed long ago whose results job never ran
    pulse_round = open_round(survey)
    for person in staff["cs"]:
        answer(pulse_round, person)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Round.objects.filter(pk=pulse_round.pk).update(
        status=RoundStatus.CLOSED, closed_at=long_ago, period=long_ago.date()
    )
    # when the beat job runs (and what it sends leaves once it commits)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rounds_close_expired() == []
    # then the results were materialised
    pulse_round.refresh_from_db()
    assert pulse_round.results_ready
