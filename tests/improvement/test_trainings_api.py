"""The trainings API: who plans sessions, the audience, attendance all-or-nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from improvement.models import Training, TrainingAttendance
from tests.factories import UserFactory
from tests.improvement.factories import TrainingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/improvement/trainings/"


def _body(org, **overrides):
    body = {
        "topic": "Pelayanan prima: 3S (senyum, salam, sapa)",
        "department": org.cs.pk,
        "dimension": "courtesy",
        "date": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
        "hours": "3.5",
        "trainer": "BPSDM Provinsi",
        "attendees": [org.ani.pk, org.andi.pk],
    }
    body.update(overrides)
    return body


def test_hr_plans_a_training_for_a_unit(org, api):
    response = api(org.hana).post(URL, _body(org), format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["hours"] == "3.50"
    assert sorted(data["attendees"]) == sorted([org.ani.pk, org.andi.pk])
    assert data["status"] == "scheduled"
    assert {row["attended"] for row in data["attendance"]} == {None}


def test_a_manager_plans_for_their_subtree_only(org, api):
    assert api(org.budi).post(URL, _body(org), format="json").status_code == 201
    refused = api(org.budi).post(URL, _body(org, department=org.lkt.pk, attendees=[org.bayu.pk]), format="json")
    assert refused.status_code == 400
    assert "department" in refused.json()
    assert Training.objects.count() == 1


def test_employees_cannot_plan_trainings(org, api):
    assert api(org.ani).post(URL, _body(org), format="json").status_code == 403
    assert not Training.objects.exists()


def test_an_attendee_outside_the_audience_is_refused_and_nothing_is_written(org, api):
    response = api(org.hana).post(URL, _body(org, attendees=[org.ani.pk, org.bayu.pk]), format="json")

    assert response.status_code == 400
    assert "attendees" in response.json()
    assert not Training.objects.exists()
    assert not TrainingAttendance.objects.exists()


def test_a_training_needs_positive_hours_and_a_known_target(org, api):
    client = api(org.hana)
    assert "hours" in client.post(URL, _body(org, hours="0"), format="json").json()
    assert "dimension" in client.post(URL, _body(org, dimension="u12"), format="json").json()
    assert "driver" in client.post(URL, _body(org, dimension="", driver="nope"), format="json").json()
    assert client.post(URL, _body(org, dimension="", driver="growth"), format="json").status_code == 201
    assert client.post(URL, _body(org, dimension=""), format="json").status_code == 201  # a general session


@pytest.fixture
def held_training(org):
    """Yesterday's session for Layanan Pelanggan; Ani and Andi registered."""
    return TrainingFactory(
        actor=org.hana,
        department=org.cs,
        attendees=[org.ani, org.andi],
        date=timezone.localdate() - dt.timedelta(days=1),
        hours="6",
    )


def test_attendance_is_recorded_after_the_session(org, api, held_training):
    walk_in = UserFactory(username="citra", department=org.cs)
    body = {"attendance": [{"employee": org.ani.pk, "attended": True}, {"employee": org.andi.pk, "attended": False}]}
    body["attendance"].append({"employee": walk_in.pk, "attended": True})

    response = api(org.budi).post(f"{URL}{held_training.pk}/attendance/", body, format="json")

    assert response.status_code == 200, response.json()
    recorded = {row["employee"]: row["attended"] for row in response.json()["attendance"]}
    assert recorded == {org.ani.pk: True, org.andi.pk: False, walk_in.pk: True}
    assert response.json()["status"] == "held"


def test_attendance_for_someone_outside_the_audience_records_nothing(org, api, held_training):
    body = {"attendance": [{"employee": org.ani.pk, "attended": True}, {"employee": org.bayu.pk, "attended": True}]}

    response = api(org.hana).post(f"{URL}{held_training.pk}/attendance/", body, format="json")

    assert response.status_code == 400
    assert "attendance" in response.json()
    assert set(TrainingAttendance.objects.values_list("attended", flat=True)) == {None}
    assert not TrainingAttendance.objects.filter(employee=org.bayu).exists()


def test_attendance_waits_for_the_day_of_the_session(org, api):
    training = TrainingFactory(actor=org.hana, department=org.cs, attendees=[org.ani])
    body = {"attendance": [{"employee": org.ani.pk, "attended": True}]}
    assert api(org.hana).post(f"{URL}{training.pk}/attendance/", body, format="json").status_code == 409


def test_an_employee_cannot_record_attendance(org, api, held_training):
    body = {"attendance": [{"employee": org.ani.pk, "attended": True}]}
    assert api(org.ani).post(f"{URL}{held_training.pk}/attendance/", body, format="json").status_code == 403


def _ids(response):
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_people_see_the_sessions_meant_for_them(org, api):
    # given a session for the whole service directorate, one for CS and one for LKT
    ops = TrainingFactory(actor=org.hana, department=org.ops, topic="Service charter")
    cs = TrainingFactory(actor=org.hana, department=org.cs)
    lkt = TrainingFactory(actor=org.hana, department=org.lkt)

    assert _ids(api(org.ani).get(URL)) == {ops.pk, cs.pk}
    assert _ids(api(org.bayu).get(URL)) == {ops.pk, lkt.pk}
    assert _ids(api(org.budi).get(URL)) == {ops.pk, cs.pk}
    assert _ids(api(org.lina).get(URL)) == {ops.pk, cs.pk, lkt.pk}
    assert api(org.ani).get(f"{URL}{lkt.pk}/").status_code == 404


def test_trainings_filter_by_department_dimension_and_status(org, api, held_training):
    upcoming = TrainingFactory(actor=org.hana, department=org.lkt, dimension="u6")
    client = api(org.hana)
    assert _ids(client.get(URL, {"status": "held"})) == {held_training.pk}
    assert _ids(client.get(URL, {"status": "scheduled"})) == {upcoming.pk}
    assert _ids(client.get(URL, {"dimension": "u6"})) == {upcoming.pk}
    assert _ids(client.get(URL, {"department": org.cs.pk})) == {held_training.pk}


def test_the_training_list_reads_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    for _index in range(6):
        TrainingFactory(actor=org.hana, department=org.cs, attendees=[org.ani, org.andi, org.budi])
    # count, page, attendance prefetch (with the employee)
    with django_assert_max_num_queries(4):
        response = api(org.hana).get(URL)
    assert response.json()["count"] == 6


def test_a_manager_edits_the_registrations(org, api):
    training = TrainingFactory(actor=org.budi, department=org.cs, attendees=[org.ani])
    response = api(org.budi).patch(f"{URL}{training.pk}/", {"attendees": [org.andi.pk], "hours": "2"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["attendees"] == [org.andi.pk]
    assert api(org.mira).patch(f"{URL}{training.pk}/", {"hours": "1"}, format="json").status_code == 404
