"""The rewards pages: who sees which, what they show, and that their forms go through the
services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from employees.models import User
from rewards import services
from rewards.models import Bonus, BonusBudget, Recognition
from tests.factories import UserFactory
from tests.rewards.factories import RewardFactory, make_bonus

pytestmark = pytest.mark.django_db

PAGES = {
    "/rewards/": {"hana", "budi", "ani", "lina"},
    "/rewards/wall/": {"hana", "budi", "ani", "lina"},
    "/rewards/proposals/": {"hana", "budi"},
    "/rewards/board/": {"hana"},
    "/rewards/queue/": {"hana"},
    "/rewards/thr/": {"hana"},
    "/rewards/catalogue/": {"hana"},
}


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["hana", "budi", "ani", "lina"])
def test_who_opens_which_page_and_no_page_has_inline_styles(rorg, client, url, persona):
    client.force_login(getattr(rorg, persona))
    response = client.get(url)
    assert response.status_code == (200 if persona in PAGES[url] else 403)
    if response.status_code == 200:
        assert 'style="' not in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert client.get("/rewards/").status_code == 302


def test_an_employee_recognises_a_colleague_from_their_page(org, client):
    client.force_login(org.ani)
    response = client.post(
        "/rewards/", {"recipient": org.bayu.pk, "dimension": "timeliness", "message": "On time", "points": "10"}
    )
    assert response.status_code == 302
    recognition = Recognition.objects.get()
    assert (recognition.recipient, recognition.points) == (org.bayu, 10)


def _administrator(user):
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    return user


def test_the_colleague_picker_names_departments_and_leaves_out_system_accounts(org, client):
    # given: an administrator's account, and a second Bayu in another department
    admin = _administrator(UserFactory(username="root", first_name="Admin", last_name="Prima"))
    twin = UserFactory(first_name=org.bayu.first_name, last_name=org.bayu.last_name, department=org.cs)
    client.force_login(org.ani)
    # when
    content = client.get("/rewards/").content.decode()
    picker = content.split('name="recipient"')[1].split("</select>")[0]
    # then each person once, told apart by department and number; no administrator, not Ani herself
    assert f'value="{admin.pk}"' not in picker
    assert f'value="{org.ani.pk}"' not in picker
    assert picker.count(f'value="{org.bayu.pk}"') == 1
    assert f"{org.bayu.get_full_name()} · Loket Perizinan · {org.bayu.employee_number}" in picker
    assert f"{twin.get_full_name()} · Layanan Pelanggan · {twin.employee_number}" in picker
    assert 'data-searchable="Search by name, department or number"' in content


def test_a_system_account_cannot_be_recognised_through_the_form(org, client):
    admin = _administrator(UserFactory(username="root"))
    client.force_login(org.ani)
    response = client.post(
        "/rewards/", {"recipient": admin.pk, "dimension": "timeliness", "message": "On time", "points": "0"}
    )
    assert response.status_code == 200
    assert not Recognition.objects.exists()


def test_over_the_allowance_the_form_says_why_and_nothing_is_written(org, client):
    client.force_login(org.ani)
    response = client.post(
        "/rewards/", {"recipient": org.bayu.pk, "dimension": "timeliness", "message": "On time", "points": "101"}
    )
    assert response.status_code == 200
    assert "100 of your 100 points" in response.content.decode()
    assert not Recognition.objects.exists()


def test_the_employee_page_shows_own_bonuses_in_rupiah_and_not_drafts(rorg, client):
    make_bonus(creator=rorg.budi, employee=rorg.ani, amount=Decimal("1500000"), status="approved", decider=rorg.hana)
    make_bonus(creator=rorg.budi, employee=rorg.ani, amount=Decimal("2750000"))  # budi's draft
    make_bonus(creator=rorg.budi, employee=rorg.andi, amount=Decimal("990000"), status="submitted")
    client.force_login(rorg.ani)
    content = client.get("/rewards/").content.decode()
    assert "Rp 1.500.000" in content
    assert "Rp 2.750.000" not in content
    assert "Rp 990.000" not in content


def test_the_wall_shows_a_departments_recognitions_and_leaderboard(org, client):
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="courtesy", message="Very patient")
    services.recognition_create(giver=org.bayu, recipient=org.andi, dimension="accuracy", message="No mistakes")
    client.force_login(org.lina)
    content = client.get("/rewards/wall/", {"department": org.lkt.pk}).content.decode()
    assert "Very patient" in content
    assert "No mistakes" not in content
    assert client.get("/rewards/wall/", {"period": "garbage", "department": "x"}).status_code == 200


def test_the_board_shows_budget_bars_in_rupiah(rorg, client):
    year = timezone.localdate().year
    BonusBudget.objects.create(department=rorg.hrd, year=year, amount=Decimal("25000000"))
    client.force_login(rorg.hana)
    content = client.get("/rewards/board/").content.decode()
    assert '<meter min="0" max="25000000.00"' in content
    assert "Rp 25.000.000" in content


def test_hr_sets_and_changes_a_budget_from_the_board(rorg, client):
    client.force_login(rorg.hana)
    form = {"budget-department": rorg.hrd.pk, "budget-year": 2026, "budget-amount": "12000000"}
    assert client.post("/rewards/board/", form).status_code == 302
    assert client.post("/rewards/board/", form | {"budget-amount": "15000000"}).status_code == 302
    assert BonusBudget.objects.get(department=rorg.hrd, year=2026).amount == Decimal("15000000.00")


def test_hr_creates_bonuses_for_a_department_from_the_board(rorg, client):
    client.force_login(rorg.hana)
    response = client.post(
        "/rewards/board/",
        {"bulk-department": rorg.lkt.pk, "bulk-kind": "spot", "bulk-period": "2026-05", "bulk-amount": "250000"},
    )
    assert response.status_code == 302
    assert sorted(Bonus.objects.values_list("employee__username", "amount")) == [
        ("bayu", Decimal("250000.00")),
        ("mira", Decimal("250000.00")),
    ]


def test_a_manager_proposes_and_submits_from_the_proposals_page(rorg, client):
    client.force_login(rorg.budi)
    response = client.post(
        "/rewards/proposals/",
        {"employee": rorg.ani.pk, "kind": "spot", "amount": "500000", "period": "2026-03", "reason": "Helpful"},
    )
    assert response.status_code == 302
    bonus = Bonus.objects.get()
    assert bonus.status == "draft"
    client.post(f"/rewards/bonuses/{bonus.pk}/submit/", {"next": "/rewards/proposals/"})
    bonus.refresh_from_db()
    assert bonus.status == "submitted"


def test_a_manager_cannot_propose_for_another_team_from_the_page(rorg, client):
    client.force_login(rorg.budi)
    response = client.post(
        "/rewards/proposals/",
        {"employee": rorg.bayu.pk, "kind": "spot", "amount": "500000", "period": "2026-03", "reason": "x"},
    )
    assert response.status_code == 200  # bayu is not among the choices
    assert not Bonus.objects.exists()


def test_the_queue_lets_another_hr_person_approve_but_not_the_creator(rorg, client):
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, status="submitted")
    client.force_login(rorg.hana)
    content = client.get("/rewards/queue/").content.decode()
    assert "You proposed this" in content
    client.post(f"/rewards/bonuses/{bonus.pk}/approve/", {"note": "ok"})
    bonus.refresh_from_db()
    assert bonus.status == "submitted"
    client.force_login(rorg.hadi)
    assert f"/rewards/bonuses/{bonus.pk}/approve/" in client.get("/rewards/queue/").content.decode()
    response = client.post(f"/rewards/bonuses/{bonus.pk}/approve/", {"note": "ok", "next": "https://evil.example/"})
    assert response["Location"] == "/rewards/proposals/"
    bonus.refresh_from_db()
    assert bonus.status == "approved"


def test_the_thr_page_previews_then_creates(rorg, client):
    client.force_login(rorg.hana)
    content = client.get("/rewards/thr/", {"holiday_date": "2026-03-20", "department": rorg.lkt.pk}).content.decode()
    assert "Rp 8.500.000" in content
    response = client.post("/rewards/thr/", {"holiday_date": "2026-03-20", "department": rorg.lkt.pk})
    assert response.status_code == 302
    assert sorted(Bonus.objects.filter(kind="thr").values_list("employee__username", flat=True)) == ["bayu", "mira"]


def test_hr_keeps_the_catalogue_and_hands_over_vouchers(org, client):
    client.force_login(org.hana)
    assert (
        client.post("/rewards/catalogue/", {"name": "Voucher", "kind": "voucher", "points_cost": 40}).status_code == 302
    )
    services.recognition_create(giver=org.ani, recipient=org.bayu, dimension="comfort", message="x", points=50)
    client.force_login(org.bayu)
    reward = RewardFactory(points_cost=40)
    client.post(f"/rewards/redeem/{reward.pk}/")
    client.force_login(org.hana)
    redemption = reward.redemptions.get()
    client.post(f"/rewards/redemptions/{redemption.pk}/fulfil/")
    redemption.refresh_from_db()
    assert redemption.fulfilled_at is not None


def test_the_payroll_link_downloads_the_csv(rorg, client):
    make_bonus(creator=rorg.budi, employee=rorg.ani, status="approved", decider=rorg.hana)
    client.force_login(rorg.hadi)
    response = client.get("/rewards/export/", {"status": "approved"}, follow=True)
    assert response["Content-Type"].startswith("text/csv")
    assert "ani" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "panel"),
    [("hana", "Bonuses waiting for approval"), ("budi", "My bonus proposals"), ("ani", "Recognition")],
)
def test_home_panels(rorg, client, persona, panel):
    make_bonus(creator=rorg.budi, employee=rorg.ani, status="submitted")
    client.force_login(getattr(rorg, persona))
    content = client.get("/").content.decode()
    assert panel in content
    assert 'href="/rewards/"' in content


def test_periods_are_shown_as_months(rorg, client):
    make_bonus(creator=rorg.budi, employee=rorg.ani, period=dt.date(2026, 3, 1))
    client.force_login(rorg.budi)
    assert "2026-03" in client.get("/rewards/proposals/").content.decode()
