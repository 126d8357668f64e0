"""The pages: the board per department, an action with its before/after chart, the training
calendar, the forms, and the home panels."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from improvement.models import Action, ActionNote, TrainingAttendance
from tests.factories import UserFactory
from tests.improvement.factories import ActionFactory, TrainingFactory, backdate
from tests.improvement.pulse_history import closed_round, month

pytestmark = pytest.mark.django_db


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    content = response.content.decode()
    assert not re.search(r"\sstyle=", content), "inline styles break the Content-Security-Policy"
    return content


def test_the_board_shows_the_departments_actions_by_status(org, client, cs_action, lkt_action):
    content = page(client, org.ani, "/improvement/")

    assert "Faster counters" in content
    assert "Clear requirements" not in content
    assert all(label in content for label in ("Planned", "In progress", "Done", "Dropped"))
    assert "Plan an action" not in content


def test_a_manager_cannot_open_another_units_board(org, client, cs_action, lkt_action):
    content = page(client, org.budi, f"/improvement/?department={org.lkt.pk}")

    assert "Faster counters" in content and "Clear requirements" not in content
    assert "Plan an action" in content


def test_hr_switches_between_departments(org, client, cs_action, lkt_action):
    assert "Clear requirements" in page(client, org.hana, f"/improvement/?department={org.lkt.pk}")
    assert "Faster counters" not in page(client, org.hana, f"/improvement/?department={org.lkt.pk}")


@pytest.mark.parametrize("persona", ["hana", "lina"])
def test_hr_and_leadership_open_the_organisation_wide_board_overdue_first(org, client, cs_action, lkt_action, persona):
    # given: the CS action is overdue, the LKT one due later
    today = timezone.localdate()
    backdate(cs_action, start_date=today - dt.timedelta(days=30), due_date=today - dt.timedelta(days=3))
    backdate(lkt_action, start_date=today - dt.timedelta(days=20), due_date=today - dt.timedelta(days=1))
    later = ActionFactory(
        actor=org.hana, department=org.hrd, owner=org.hana, title="Later plan", driver="teamwork", dimension=""
    )
    # when they open Action plans from the navigation (no department chosen)
    content = page(client, getattr(org, persona), "/improvement/")
    # then every department's actions are there, named by department, the most overdue first
    planned = content.split('id="column-planned"')[1].split("</section>")[0]
    assert planned.index("Faster counters") < planned.index("Clear requirements") < planned.index(later.title)
    assert "Layanan Pelanggan ·" in planned and "Loket Perizinan ·" in planned
    assert "overdue since" in planned
    assert 'value="all" selected' in content


def test_hr_still_opens_one_department_board(org, client, cs_action, lkt_action):
    content = page(client, org.hana, f"/improvement/?department={org.cs.pk}")
    assert "Faster counters" in content and "Clear requirements" not in content


def test_a_manager_never_gets_the_organisation_wide_board(org, client, cs_action, lkt_action):
    content = page(client, org.budi, "/improvement/?department=all")
    assert "Faster counters" in content and "Clear requirements" not in content
    assert 'value="all"' not in content


def test_the_action_page_draws_before_and_after_with_a_text_alternative(org, client, cs_team, teamwork_survey):
    action = ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, driver="teamwork", dimension="")
    backdate(action, start_date=month(-3), due_date=month(-2), completed_on=month(-2))
    closed_round(teamwork_survey, cs_team, [2, 2, 3, 3, 2], month(-4))
    closed_round(teamwork_survey, cs_team, [5, 5], month(-1))
    closed_round(teamwork_survey, cs_team, [4, 4, 5, 4, 3], month(0))

    content = page(client, org.budi, f"/improvement/actions/{action.pk}/")

    assert "<svg" in content and "<title" in content and "<desc" in content
    assert "<table" in content
    assert "hidden to protect anonymity" in content
    assert "35.0" in content  # the before score, (mean 2.4 − 1) / 4 × 100
    assert 'class="impr-bar-hidden"' in content
    # an employee sees the action, not the scores
    employee_view = page(client, org.ani, f"/improvement/actions/{action.pk}/")
    assert "<svg" not in employee_view and "35.0" not in employee_view


def test_an_action_of_another_unit_is_not_found(org, client, lkt_action):
    page(client, org.ani, f"/improvement/actions/{lkt_action.pk}/", status=404)


def test_a_manager_plans_an_action_from_a_suggestion(org, client):
    content = page(client, org.budi, "/improvement/actions/new/?target=dimension:u3")
    assert "Start from this" in content
    suggestion_id = re.search(r"\?suggestion=(\d+)", content)[1]
    prefilled = page(client, org.budi, f"/improvement/actions/new/?suggestion={suggestion_id}")
    assert 'value="dimension:u3" selected' in prefilled

    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        "/improvement/actions/new/",
        {
            "department": org.cs.pk,
            "target": "dimension:u3",
            "title": "Queue numbers",
            "owner": org.ani.pk,
            "due_date": due,
            "suggestion": suggestion_id,
        },
    )

    action = Action.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/improvement/actions/{action.pk}/"
    assert action.suggestion_id == int(suggestion_id)


def test_the_action_form_shows_the_services_refusals_on_the_fields(org, client):
    client.force_login(org.budi)
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(
        "/improvement/actions/new/",
        {"department": org.cs.pk, "target": "dimension:u3", "title": "Late", "owner": org.ani.pk, "due_date": past},
    )
    assert response.status_code == 200
    assert "The due date cannot be in the past." in response.content.decode()
    assert not Action.objects.exists()


def test_employees_cannot_open_the_planning_forms(org, client):
    page(client, org.ani, "/improvement/actions/new/", status=403)
    page(client, org.ani, "/improvement/trainings/new/", status=403)


def test_the_owner_changes_the_status_and_members_write_notes_on_the_page(org, client, cs_action):
    client.force_login(org.ani)
    client.post(f"/improvement/actions/{cs_action.pk}/status/", {"status": "in_progress", "note": "Started"})
    client.force_login(org.andi)
    client.post(f"/improvement/actions/{cs_action.pk}/notes/", {"text": "Tickets printed"})

    cs_action.refresh_from_db()
    assert cs_action.status == "in_progress"
    assert list(ActionNote.objects.values_list("text", flat=True)) == ["Started", "Tickets printed"]
    assert "Tickets printed" in page(client, org.ani, f"/improvement/actions/{cs_action.pk}/")


def test_a_refused_status_change_is_explained(org, client, cs_action):
    client.force_login(org.andi)
    response = client.post(f"/improvement/actions/{cs_action.pk}/status/", {"status": "done"}, follow=True)
    assert "Only the owner" in response.content.decode()
    cs_action.refresh_from_db()
    assert cs_action.status == "planned"


def test_the_training_calendar_shows_the_months_sessions(org, client):
    day = timezone.localdate().replace(day=15)
    TrainingFactory(actor=org.hana, department=org.ops, topic="Service charter workshop", date=day)
    TrainingFactory(actor=org.hana, department=org.lkt, topic="Counter etiquette", date=day)

    content = page(client, org.ani, f"/improvement/trainings/?month={day:%Y-%m}")

    assert "Service charter workshop" in content
    assert "Counter etiquette" not in content
    assert page(client, org.ani, "/improvement/trainings/?month=garbage")


def test_a_manager_plans_a_training_and_records_attendance(org, client):
    client.force_login(org.budi)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        "/improvement/trainings/new/",
        {
            "topic": "3S",
            "department": org.cs.pk,
            "target": "dimension:courtesy",
            "date": yesterday.isoformat(),
            "hours": "2",
            "trainer": "BPSDM",
            "attendees": [org.ani.pk, org.andi.pk],
        },
    )
    assert response.status_code == 302
    detail = response["Location"]

    client.post(detail, {f"attended_{org.ani.pk}": "on"})

    recorded = dict(TrainingAttendance.objects.values_list("employee__username", "attended"))
    assert recorded == {"ani": True, "andi": False}
    assert "1 of 2 registered" in page(client, org.budi, detail)


def test_home_panels_show_actions_due_to_managers_and_the_teams_actions_to_employees(org, client, cs_action):
    Action.objects.filter(pk=cs_action.pk).update(due_date=timezone.localdate() + dt.timedelta(days=3))

    manager_home = page(client, org.budi, "/")
    employee_home = page(client, org.andi, "/")

    assert "Actions due" in manager_home and "Faster counters" in manager_home
    assert "My team&#x27;s actions" in employee_home and "Faster counters" in employee_home
    assert "Action plans" in employee_home  # the navigation


def test_the_forms_offer_the_people_of_the_chosen_department_and_the_possible_statuses(org, client, cs_action):
    form = page(client, org.hana, f"/improvement/actions/new/?department={org.lkt.pk}")
    owners = re.search(r'<select name="owner".*?</select>', form, re.DOTALL)[0]
    assert str(org.bayu) in owners and str(org.mira) in owners
    assert str(org.ani) not in owners

    detail = page(client, org.budi, f"/improvement/actions/{cs_action.pk}/")
    statuses = re.findall(r'<option value="(\w+)"', detail)
    assert statuses == ["in_progress", "done", "dropped"]


def test_the_admin_lists_the_library_actions_and_trainings(org, client, cs_action):
    admin = UserFactory(username="root", role="hr", department=org.hrd)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    TrainingFactory(actor=org.hana, department=org.cs, attendees=[org.ani])
    client.force_login(admin)
    for model in ("suggestedaction", "action", "training"):
        assert client.get(f"/admin/improvement/{model}/").status_code == 200, model
    assert client.get(f"/admin/improvement/action/{cs_action.pk}/change/").status_code == 200
