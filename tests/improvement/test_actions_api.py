"""The actions API: who plans what, bad input refused with nothing written, reading scope."""

import datetime as dt

import pytest
from django.utils import timezone

from employees.services import employee_update
from improvement.models import Action, ActionNote
from tests.factories import UserFactory
from tests.improvement.factories import ActionFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/improvement/actions/"


def _body(org, **overrides):
    body = {
        "department": org.cs.pk,
        "dimension": "u3",
        "title": "Queue numbers at every counter",
        "description": "Introduce queue tickets and open a counter when the wait passes 15 minutes.",
        "owner": org.ani.pk,
        "members": [org.andi.pk],
        "due_date": (timezone.localdate() + dt.timedelta(days=45)).isoformat(),
    }
    body.update(overrides)
    return body


# --- planning ----------------------------------------------------------------------------


def test_a_manager_plans_an_action_for_their_own_unit(org, api):
    response = api(org.budi).post(URL, _body(org), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["department"] == org.cs.pk
    assert data["dimension"] == "u3"
    assert data["driver"] == ""
    assert data["owner"] == org.ani.pk
    assert data["members"] == [org.andi.pk]
    assert data["status"] == "planned"
    assert data["start_date"] == timezone.localdate().isoformat()
    assert data["before"] is None  # no external score recorded yet
    assert data["after"] is None


def test_hr_plans_for_any_department(org, api):
    response = api(org.hana).post(URL, _body(org, department=org.lkt.pk, owner=org.bayu.pk, members=[]), format="json")
    assert response.status_code == 201, response.json()


def test_a_manager_of_a_parent_unit_plans_for_the_units_below_it_only(org, api):
    # given Rudi manages the service directorate, above CS and LKT but not HR
    rudi = UserFactory(username="rudi", role="manager", department=org.ops)
    client = api(rudi)

    # then
    assert (
        client.post(URL, _body(org, department=org.lkt.pk, owner=org.bayu.pk, members=[]), format="json").status_code
        == 201
    )
    refused = client.post(
        URL, _body(org, department=org.hrd.pk, owner=org.hana.pk, members=[], dimension="", driver=""), format="json"
    )
    assert refused.status_code == 400
    assert "department" in refused.json()


def test_an_action_for_a_department_you_do_not_manage_is_refused_on_the_department_field(org, api):
    response = api(org.budi).post(URL, _body(org, department=org.lkt.pk, owner=org.bayu.pk, members=[]), format="json")

    assert response.status_code == 400
    assert "department" in response.json()
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", ["ani", "lina"])
def test_employees_and_leadership_cannot_plan_actions(org, api, persona):
    response = api(getattr(org, persona)).post(URL, _body(org), format="json")

    assert response.status_code == 403
    assert not Action.objects.exists()


def test_a_due_date_in_the_past_is_refused(org, api):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    response = api(org.budi).post(URL, _body(org, due_date=yesterday.isoformat()), format="json")

    assert response.status_code == 400
    assert "due_date" in response.json()
    assert not Action.objects.exists()


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"dimension": "u10"}, "dimension"),
        ({"dimension": "speed"}, "dimension"),
        ({"dimension": "", "driver": ""}, "driver"),
        ({"dimension": "u3", "driver": "teamwork"}, "dimension"),
        ({"dimension": "", "driver": "happiness"}, "driver"),
    ],
)
def test_an_unknown_or_ambiguous_target_is_refused(org, api, target, field):
    response = api(org.budi).post(URL, _body(org, **target), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Action.objects.exists()


def test_a_service_dimension_needs_a_service_unit(org, api):
    response = api(org.hana).post(URL, _body(org, department=org.hrd.pk, owner=org.hana.pk, members=[]), format="json")

    assert response.status_code == 400
    assert "dimension" in response.json()


def test_a_pulse_driver_of_any_department_is_a_valid_target(org, api):
    response = api(org.hana).post(
        URL,
        _body(org, department=org.hrd.pk, owner=org.hana.pk, members=[], dimension="", driver="teamwork"),
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["driver"] == "teamwork"


def test_a_prima_service_dimension_is_a_valid_target(org, api):
    response = api(org.budi).post(URL, _body(org, dimension="courtesy"), format="json")
    assert response.status_code == 201, response.json()


def test_the_owner_and_members_must_belong_to_the_unit(org, api):
    response = api(org.budi).post(URL, _body(org, owner=org.bayu.pk), format="json")
    assert response.status_code == 400
    assert "owner" in response.json()

    response = api(org.budi).post(URL, _body(org, members=[org.andi.pk, org.bayu.pk]), format="json")
    assert response.status_code == 400
    assert "members" in response.json()
    assert not Action.objects.exists()


def test_garbage_input_is_a_400_never_a_500(org, api):
    client = api(org.budi)
    for body in ({"department": "x"}, {"due_date": "tomorrow"}, {"owner": 999999}, {"members": "all"}, []):
        response = client.post(URL, body, format="json")
        assert response.status_code == 400, body


def test_overlong_texts_are_a_400_and_write_nothing(org, api, cs_action):
    # given
    client = api(org.budi)
    overlong = "x" * 100_001
    # when
    created = client.post(URL, _body(org, description=overlong), format="json")
    changed = client.patch(f"{URL}{cs_action.pk}/", {"description": overlong}, format="json")
    noted = client.post(f"{URL}{cs_action.pk}/notes/", {"text": overlong}, format="json")
    # then
    assert [created.status_code, changed.status_code, noted.status_code] == [400, 400, 400]
    assert list(Action.objects.values_list("pk", "description")) == [(cs_action.pk, cs_action.description)]
    assert not ActionNote.objects.exists()


# --- reading -----------------------------------------------------------------------------


def _ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_employees_read_their_own_departments_actions_only(org, api, cs_action, lkt_action):
    assert _ids(api(org.andi).get(URL)) == {cs_action.pk}
    assert _ids(api(org.bayu).get(URL)) == {lkt_action.pk}
    assert api(org.andi).get(f"{URL}{lkt_action.pk}/").status_code == 404


def test_a_manager_reads_their_own_subtree_only(org, api, cs_action, lkt_action):
    assert _ids(api(org.budi).get(URL)) == {cs_action.pk}
    assert api(org.budi).get(f"{URL}{lkt_action.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ["hana", "lina"])
def test_hr_and_leadership_read_every_action(org, api, cs_action, lkt_action, persona):
    assert _ids(api(getattr(org, persona)).get(URL)) == {cs_action.pk, lkt_action.pk}


def test_a_team_member_who_moved_to_another_unit_still_reads_the_action(org, api, cs_action):
    # given Andi moved to HR but is still on the action's team
    employee_update(user=org.andi, department=org.hrd)

    # then
    assert _ids(api(org.andi).get(URL)) == {cs_action.pk}


def test_anonymous_callers_are_refused(api, cs_action):
    assert api().get(URL).status_code in (401, 403)


def test_actions_filter_by_department_dimension_and_status(org, api, cs_action, lkt_action):
    client = api(org.hana)
    assert _ids(client.get(URL, {"department": org.lkt.pk})) == {lkt_action.pk}
    assert _ids(client.get(URL, {"dimension": "u3"})) == {cs_action.pk}
    assert _ids(client.get(URL, {"status": "planned"})) == {cs_action.pk, lkt_action.pk}
    assert _ids(client.get(URL, {"status": "done"})) == set()
    assert client.get(URL, {"status": "finished"}).status_code == 400


def test_the_list_reads_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    for index in range(8):
        ActionFactory(actor=org.hana, department=org.cs, owner=org.ani, members=[org.andi, org.budi], title=f"A{index}")
    client = api(org.hana)
    # session/user, count, page, members prefetch, external score series
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == 8


def test_follow_up_scores_are_shown_to_managers_not_to_employees(org, api, cs_action):
    manager_view = api(org.budi).get(f"{URL}{cs_action.pk}/").json()
    employee_view = api(org.ani).get(f"{URL}{cs_action.pk}/").json()

    assert "before" in manager_view and "verdict" in manager_view
    assert "before" not in employee_view and "verdict" not in employee_view
    assert employee_view["title"] == cs_action.title


# --- progress ------------------------------------------------------------------------------


def test_the_manager_edits_the_action(org, api, cs_action):
    response = api(org.budi).patch(f"{URL}{cs_action.pk}/", {"title": "Faster counters, mornings"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["title"] == "Faster counters, mornings"


def test_the_department_and_target_stay_as_created(org, api, cs_action):
    response = api(org.budi).patch(f"{URL}{cs_action.pk}/", {"dimension": "u7"}, format="json")
    assert response.status_code == 400
    cs_action.refresh_from_db()
    assert cs_action.dimension == "u3"


def test_the_owner_moves_the_status_on_and_a_note_records_it(org, api, cs_action):
    client = api(org.ani)

    started = client.patch(f"{URL}{cs_action.pk}/", {"status": "in_progress", "status_note": "Started"}, format="json")
    done = client.patch(f"{URL}{cs_action.pk}/", {"status": "done"}, format="json")

    assert started.status_code == 200, started.json()
    assert done.status_code == 200
    assert done.json()["completed_on"] == timezone.localdate().isoformat()
    notes = list(ActionNote.objects.filter(action=cs_action).values_list("status_from", "status_to", "text"))
    assert notes == [("planned", "in_progress", "Started"), ("in_progress", "done", "")]


def test_a_done_action_is_final(org, api, cs_action):
    client = api(org.budi)
    client.patch(f"{URL}{cs_action.pk}/", {"status": "done"}, format="json")

    assert client.patch(f"{URL}{cs_action.pk}/", {"status": "in_progress"}, format="json").status_code == 409
    assert client.patch(f"{URL}{cs_action.pk}/", {"title": "Again"}, format="json").status_code == 409


def test_a_member_who_is_not_the_owner_cannot_change_the_status_or_edit(org, api, cs_action):
    client = api(org.andi)
    assert client.patch(f"{URL}{cs_action.pk}/", {"status": "done"}, format="json").status_code == 403
    assert client.patch(f"{URL}{cs_action.pk}/", {"title": "Mine"}, format="json").status_code == 403
    cs_action.refresh_from_db()
    assert (cs_action.status, cs_action.title) == ("planned", "Faster counters")


def test_a_manager_cannot_touch_another_units_action(org, api, cs_action):
    assert api(org.mira).patch(f"{URL}{cs_action.pk}/", {"title": "Ours"}, format="json").status_code == 404


def test_team_members_write_progress_notes_and_the_unit_reads_them(org, api, cs_action):
    response = api(org.andi).post(f"{URL}{cs_action.pk}/notes/", {"text": "Queue machine ordered."}, format="json")
    assert response.status_code == 201, response.json()

    notes = api(org.ani).get(f"{URL}{cs_action.pk}/notes/").json()
    assert [note["text"] for note in notes] == ["Queue machine ordered."]
    assert notes[0]["author"] == org.andi.pk


def test_a_reader_who_is_not_on_the_team_cannot_write_notes(org, api, cs_action):
    outsider = UserFactory(username="citra", department=org.cs)
    response = api(outsider).post(f"{URL}{cs_action.pk}/notes/", {"text": "Hello"}, format="json")
    assert response.status_code == 403
    assert not ActionNote.objects.exists()


def test_an_empty_note_is_refused(org, api, cs_action):
    assert api(org.ani).post(f"{URL}{cs_action.pk}/notes/", {"text": "  "}, format="json").status_code == 400


def test_the_list_with_driver_and_dimension_targets_reads_a_fixed_number_of_queries(
    org, api, django_assert_max_num_queries
):
    for index, key in enumerate(["teamwork", "growth", "recognition", "workload"]):
        ActionFactory(actor=org.hana, department=org.cs, owner=org.ani, driver=key, dimension="", title=f"D{index}")
        ActionFactory(actor=org.hana, department=org.lkt, owner=org.bayu, dimension=f"u{index + 1}", title=f"E{index}")
    client = api(org.hana)
    # count, page, members prefetch, pulse driver series, suppressed pulse periods, external series
    with django_assert_max_num_queries(7):
        response = client.get(URL)
    assert response.json()["count"] == 8
    assert all("verdict" in row for row in response.json()["results"])


def test_who_may_not_write_is_refused_before_the_body_is_read(org, api, cs_action):
    # Lina (leadership) reads every action but changes none: 403 even for a malformed body
    client = api(org.lina)
    assert client.patch(f"{URL}{cs_action.pk}/", {"due_date": "soon"}, format="json").status_code == 403
    assert client.post(f"{URL}{cs_action.pk}/notes/", {}, format="json").status_code == 403
    # Ani (a team member) may write notes: a malformed note is bad input
    assert api(org.ani).post(f"{URL}{cs_action.pk}/notes/", {}, format="json").status_code == 400
