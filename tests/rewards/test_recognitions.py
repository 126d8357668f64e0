"""Recognitions, the monthly points allowance, the points ledger and the reward catalogue."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from rewards import selectors, services
from rewards.models import PointsEntry, Recognition, Redemption
from tests.rewards.factories import RewardFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/rewards/recognitions/"


def _recognise(client, person, **changes):
    payload = {"recipient": person.pk, "dimension": "courtesy", "message": "Patient with a worried visitor"}
    return client.post(URL, payload | changes, format="json")


def test_anyone_recognises_a_colleague_and_the_points_reach_them(org, api):
    # when ani thanks bayu (another unit) with 30 points
    response = _recognise(api(org.ani), org.bayu, points=30)
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["giver"], body["recipient"], body["department"], body["points"]) == (
        org.ani.pk,
        org.bayu.pk,
        org.lkt.pk,
        30,
    )
    assert selectors.points_balance(employee=org.bayu) == 30
    assert api(org.ani).get("/api/v1/rewards/points/").json() == {
        "balance": 0,
        "allowance": 100,
        "allowance_used": 30,
        "allowance_remaining": 70,
    }


def test_the_recipient_is_told_by_email(org, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _recognise(api(org.ani), org.bayu)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [org.bayu.email]
    assert "courtesy" in mail.outbox[0].subject
    assert Recognition.objects.get().notified_at is not None
    # and a repeated job sends nothing more
    assert services.recognition_notify(recognition_id=Recognition.objects.get().pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"dimension": "charm"}, "dimension"),
        ({"message": ""}, "message"),
        ({"message": "x" * 1001}, "message"),
        ({"points": -1}, "points"),
        ({"points": 101}, "points"),
        ({"points": "many"}, "points"),
        ({"recipient": 999999}, "recipient"),
    ],
)
def test_bad_recognitions_are_a_400_and_write_nothing(org, api, changes, field):
    response = _recognise(api(org.ani), org.bayu, **changes)
    assert response.status_code == 400
    assert field in response.json()
    assert not Recognition.objects.exists()
    assert not PointsEntry.objects.exists()


def test_no_one_recognises_themselves(org, api):
    response = _recognise(api(org.ani), org.ani, points=10)
    assert response.status_code == 400
    assert "recipient" in response.json()
    assert not Recognition.objects.exists()


def test_the_monthly_allowance_is_never_exceeded_and_renews_next_month(org):
    # given ani has given 60 and 40 points in March
    march, april = dt.date(2026, 3, 10), dt.date(2026, 4, 1)
    for points in (60, 40):
        services.recognition_create(
            giver=org.ani, recipient=org.andi, dimension="teamwork", message="thanks", points=points, today=march
        )
    # when she tries one more point in March
    with pytest.raises(Exception) as refused:
        services.recognition_create(
            giver=org.ani, recipient=org.bayu, dimension="teamwork", message="thanks", points=1, today=march
        )
    # then it is refused with how much is left, and nothing is written
    assert "0 of your 100 points" in str(refused.value)
    assert Recognition.objects.count() == 2
    # but a recognition without points is still welcome, and April brings a new allowance
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="timeliness", message="ok", today=march)
    services.recognition_create(
        giver=org.ani, recipient=org.bayu, dimension="timeliness", message="ok", points=100, today=april
    )
    assert selectors.points_balance(employee=org.andi) == 100
    assert selectors.points_balance(employee=org.bayu) == 100


def test_the_allowance_is_a_setting(org, settings):
    settings.PRIMA_RECOGNITION_MONTHLY_POINTS = 20
    with pytest.raises(Exception, match="20 of your 20"):
        services.recognition_create(giver=org.ani, recipient=org.andi, dimension="accuracy", message="x", points=21)


def test_the_wall_is_filtered_by_department_and_period(org, api, django_assert_max_num_queries):
    for giver, recipient in [(org.ani, org.bayu), (org.andi, org.bayu), (org.bayu, org.ani)]:
        _recognise(api(giver), recipient)
    client = api(org.lina)
    # the department filter's choice, count, page with giver, recipient and department
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"department": org.lkt.pk})
    assert response.json()["count"] == 2
    this_month = Recognition.objects.first().period.strftime("%Y-%m")
    assert client.get(URL, {"period": this_month}).json()["count"] == 3
    assert client.get(URL, {"period": "1999-01"}).json()["count"] == 0
    assert client.get(URL, {"period": "soon"}).status_code == 400


def test_the_leaderboard_ranks_by_recognitions_received(org, api):
    for giver, recipient, points in [(org.ani, org.bayu, 5), (org.andi, org.bayu, 0), (org.bayu, org.ani, 50)]:
        _recognise(api(giver), recipient, points=points)
    rows = api(org.ani).get(f"{URL}leaderboard/").json()
    assert [(row["employee"], row["count"], row["points"]) for row in rows] == [
        (org.bayu.pk, 2, 5),
        (org.ani.pk, 1, 50),
    ]
    only_cs = api(org.ani).get(f"{URL}leaderboard/", {"department": org.cs.pk}).json()
    assert [row["employee"] for row in only_cs] == [org.ani.pk]
    assert api(org.ani).get(f"{URL}leaderboard/", {"period": "2026-99"}).status_code == 400
    assert api(org.ani).get(f"{URL}leaderboard/", {"department": "nope"}).status_code == 400


# --- Catalogue and redemptions.


def test_hr_keeps_the_catalogue_and_everyone_reads_what_is_available(org, api):
    response = api(org.hana).post(
        "/api/v1/rewards/catalogue/",
        {"name": "Voucher buku Rp 100.000", "kind": "voucher", "points_cost": 150},
        format="json",
    )
    assert response.status_code == 201
    RewardFactory(name="Retired", is_active=False)
    assert (
        api(org.ani).post("/api/v1/rewards/catalogue/", {"name": "x", "kind": "voucher", "points_cost": 1}).status_code
        == 403
    )
    assert [row["name"] for row in api(org.ani).get("/api/v1/rewards/catalogue/").json()["results"]] == [
        "Voucher buku Rp 100.000"
    ]
    assert api(org.hana).get("/api/v1/rewards/catalogue/").json()["count"] == 2


def test_a_day_off_reward_must_say_how_many_days(org, api):
    response = api(org.hana).post(
        "/api/v1/rewards/catalogue/", {"name": "Extra day", "kind": "day_off", "points_cost": 300}, format="json"
    )
    assert response.status_code == 400
    assert "leave_days" in response.json()


def test_a_redemption_spends_points_and_never_more_than_the_balance(org, api):
    # given bayu has 80 points
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=80)
    voucher = RewardFactory(points_cost=50)
    client = api(org.bayu)
    # when he redeems the voucher once, then again
    first = client.post("/api/v1/rewards/redemptions/", {"reward": voucher.pk}, format="json")
    second = client.post("/api/v1/rewards/redemptions/", {"reward": voucher.pk}, format="json")
    # then the first is granted and the second refused: 30 points left
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "not_enough_points"
    assert selectors.points_balance(employee=org.bayu) == 30
    assert Redemption.objects.count() == 1


def test_hr_hands_over_a_voucher_once(org, api):
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=80)
    redemption = services.redemption_create(employee=org.bayu, reward=RewardFactory(points_cost=50))
    assert api(org.bayu).post(f"/api/v1/rewards/redemptions/{redemption.pk}/fulfil/").status_code == 403
    assert api(org.hana).post(f"/api/v1/rewards/redemptions/{redemption.pk}/fulfil/").status_code == 200
    assert api(org.hana).post(f"/api/v1/rewards/redemptions/{redemption.pk}/fulfil/").status_code == 409


def test_people_see_their_own_redemptions_and_hr_sees_all(org, api):
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=80)
    services.redemption_create(employee=org.bayu, reward=RewardFactory(points_cost=50))
    assert api(org.bayu).get("/api/v1/rewards/redemptions/").json()["count"] == 1
    assert api(org.ani).get("/api/v1/rewards/redemptions/").json()["count"] == 0
    assert api(org.hana).get("/api/v1/rewards/redemptions/").json()["count"] == 1


def test_an_extra_day_off_is_added_to_annual_leave(org, api):
    from decimal import Decimal

    from leave.selectors import ledger_for

    # given bayu has 300 points and the catalogue offers an extra day off for 250
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=100)
    services.recognition_create(giver=org.andi, recipient=org.bayu, dimension="comfort", message="x", points=100)
    services.recognition_create(giver=org.budi, recipient=org.bayu, dimension="comfort", message="x", points=100)
    day_off = RewardFactory(name="Extra day off", kind="day_off", points_cost=250, leave_days=Decimal("1"))
    # when he redeems it
    response = api(org.bayu).post("/api/v1/rewards/redemptions/", {"reward": day_off.pk}, format="json")
    # then one more day of cuti tahunan is his, and the redemption is fulfilled at once
    assert response.status_code == 201, response.content
    assert response.json()["fulfilled_at"] is not None
    allocations = ledger_for(employee=org.bayu).filter(kind="allocation", note__contains="Extra day off")
    assert [(entry.balance.leave_type.code, entry.days) for entry in allocations] == [("annual", Decimal("1.0"))]
    assert selectors.points_balance(employee=org.bayu) == 50


def test_the_service_itself_refuses_an_overlong_message(org):
    with pytest.raises(ValidationError) as refused:
        services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x" * 1001)
    assert "message" in refused.value.message_dict


def test_an_overlong_reward_description_is_a_400_and_writes_nothing(org, api):
    from rewards.models import Reward

    # given
    body = {"name": "Payung", "kind": "voucher", "points_cost": 5, "description": "x" * 100_001}
    # when
    response = api(org.hana).post("/api/v1/rewards/catalogue/", body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()) == ["description"]
    assert not Reward.objects.exists()
