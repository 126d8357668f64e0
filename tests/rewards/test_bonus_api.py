"""Bonuses and budgets through the API: who creates, who reads what, bad input, bulk, CSV."""

import csv
import io
from decimal import Decimal

import pytest

from core.models import AuditEntry
from rewards.models import Bonus, BonusBudget, BonusTransition
from tests.factories import UserFactory
from tests.rewards.factories import make_bonus

pytestmark = pytest.mark.django_db

URL = "/api/v1/rewards/bonuses/"


def _payload(person, **changes):
    return {
        "employee": person.pk,
        "kind": "spot",
        "amount": "1500000",
        "period": "2026-03",
        "reason": "Calm and quick during the system outage",
    } | changes


def test_hr_creates_a_draft_bonus(rorg, api):
    response = api(rorg.hana).post(URL, _payload(rorg.ani), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["period"], body["department"]) == (
        "draft",
        "1500000.00",
        "2026-03",
        rorg.cs.pk,
    )
    assert body["created_by"] == rorg.hana.pk


def test_a_manager_proposes_for_their_own_team_and_may_submit_at_once(rorg, api):
    response = api(rorg.budi).post(URL, _payload(rorg.ani, submit=True), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"


@pytest.mark.parametrize(
    ("persona", "employee", "expected"),
    [
        ("budi", "bayu", 400),  # another manager's team: as unknown to him as an id that does not exist
        ("budi", "budi", 403),  # themselves
        ("hana", "hana", 403),  # HR for themselves
        ("ani", "andi", 403),  # employees do not propose
        ("lina", "ani", 403),  # nor does leadership
    ],
)
def test_who_may_not_create_a_bonus(rorg, api, persona, employee, expected):
    response = api(getattr(rorg, persona)).post(URL, _payload(getattr(rorg, employee)), format="json")
    assert response.status_code == expected
    assert not Bonus.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-100000"}, "amount"),
        ({"amount": "1500000.005"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"period": "2026-13"}, "period"),
        ({"period": "March 2026"}, "period"),
        ({"kind": "gift"}, "kind"),
        ({"employee": 999999}, "employee"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(rorg, api, changes, field):
    response = api(rorg.hana).post(URL, _payload(rorg.ani, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Bonus.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="rewards.").exists()


def test_another_teams_employee_is_answered_like_an_unknown_id(rorg, api):
    # given
    client = api(rorg.budi)
    # when
    elsewhere = client.post(URL, _payload(rorg.bayu), format="json")
    unknown = client.post(URL, {**_payload(rorg.bayu), "employee": 99999999}, format="json")
    # then
    assert elsewhere.status_code == unknown.status_code == 400
    assert list(elsewhere.json()) == list(unknown.json()) == ["employee"]
    assert not Bonus.objects.exists()


def test_a_draft_can_be_corrected_by_its_creator_but_not_once_submitted(rorg, api):
    bonus = make_bonus(creator=rorg.budi, employee=rorg.ani)
    client = api(rorg.budi)
    response = client.patch(f"{URL}{bonus.pk}/", {"amount": "2000000"}, format="json")
    assert response.status_code == 200
    assert response.json()["amount"] == "2000000.00"
    client.post(f"{URL}{bonus.pk}/submit/")
    assert client.patch(f"{URL}{bonus.pk}/", {"amount": "9000000"}, format="json").status_code == 409


def test_who_reads_which_bonus(rorg, api):
    # given: budi's draft and submitted proposals for ani, hana's approved bonus for andi,
    # and hana's draft for ani
    draft_by_budi = make_bonus(creator=rorg.budi, employee=rorg.ani)
    submitted_by_budi = make_bonus(creator=rorg.budi, employee=rorg.ani, status="submitted")
    approved_by_hr = make_bonus(creator=rorg.hana, employee=rorg.andi, status="approved", decider=rorg.hadi)
    draft_by_hr = make_bonus(creator=rorg.hana, employee=rorg.ani)

    def visible(persona):
        return {row["id"] for row in api(getattr(rorg, persona)).get(URL).json()["results"]}

    everything = {draft_by_budi.pk, submitted_by_budi.pk, approved_by_hr.pk, draft_by_hr.pk}
    assert visible("hana") == visible("hadi") == everything
    assert visible("budi") == {draft_by_budi.pk, submitted_by_budi.pk}  # own proposals, not HR's
    assert visible("ani") == {submitted_by_budi.pk}  # own, but not drafts
    assert visible("andi") == {approved_by_hr.pk}
    assert visible("mira") == visible("lina") == visible("bayu") == set()
    # and what is not visible is a 404
    assert api(rorg.mira).get(f"{URL}{approved_by_hr.pk}/").status_code == 404
    assert api(rorg.ani).get(f"{URL}{draft_by_hr.pk}/").status_code == 404


def test_the_bonus_list_takes_a_fixed_number_of_queries(rorg, api, django_assert_max_num_queries):
    for _ in range(5):
        make_bonus(creator=rorg.budi, employee=rorg.ani, status="paid", decider=rorg.hana)
    client = api(rorg.hana)
    # session-less token auth: count, page of bonuses (with people and departments), transitions
    with django_assert_max_num_queries(3):
        response = client.get(URL)
    assert response.json()["count"] == 5


def test_bonuses_are_filtered_by_status_period_and_department(rorg, api):
    make_bonus(creator=rorg.hana, employee=rorg.ani, status="submitted")
    make_bonus(creator=rorg.hana, employee=rorg.bayu)
    client = api(rorg.hadi)
    assert client.get(URL, {"status": "submitted"}).json()["count"] == 1
    assert client.get(URL, {"department": rorg.lkt.pk}).json()["count"] == 1
    assert client.get(URL, {"period": "2026-03"}).json()["count"] == 2
    assert client.get(URL, {"period": "2026-04"}).json()["count"] == 0
    response = client.get(URL, {"period": "nonsense"})
    assert response.status_code == 400
    assert "period" in response.json()


# --- Bulk creation.


def test_bulk_creation_gives_everyone_in_a_department_a_fixed_amount(rorg, api):
    response = api(rorg.hana).post(
        f"{URL}bulk/",
        {"department": rorg.cs.pk, "kind": "performance", "period": "2026-06", "amount": "750000", "submit": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    bonuses = Bonus.objects.filter(department=rorg.cs)
    assert {bonus.employee_id for bonus in bonuses} == {rorg.budi.pk, rorg.ani.pk, rorg.andi.pk}
    assert {(bonus.amount, bonus.status) for bonus in bonuses} == {(Decimal("750000.00"), "submitted")}
    assert BonusTransition.objects.filter(bonus__in=bonuses).count() == 6
    assert AuditEntry.objects.filter(action="rewards.bonus.bulk_create").count() == 1


def test_bulk_creation_as_a_percentage_of_wage_rounds_to_the_rupiah(rorg, api):
    UserFactory(department=rorg.lkt, monthly_wage=Decimal("6333333.00"))
    UserFactory(department=rorg.lkt, monthly_wage=None)  # no wage: left out
    response = api(rorg.hana).post(
        f"{URL}bulk/",
        {
            "department": rorg.ops.pk,
            "include_subdepartments": True,
            "kind": "performance",
            "period": "2026-06",
            "percent_of_wage": "12.5",
        },
        format="json",
    )
    assert response.status_code == 201
    amounts = sorted(Bonus.objects.values_list("amount", flat=True))
    # 12.5% of 6,333,333 = 791,666.625 → 791,667; 12.5% of 8,500,000 = 1,062,500 (five personas)
    assert amounts == [Decimal("791667.00")] + [Decimal("1062500.00")] * 5


@pytest.mark.parametrize(
    "changes",
    [
        {},  # neither amount nor percentage
        {"amount": "100000", "percent_of_wage": "10"},  # both
        {"amount": "0"},
        {"percent_of_wage": "-5"},
        {"kind": "thr", "amount": "100000"},
    ],
)
def test_bulk_creation_refuses_bad_input(rorg, api, changes):
    payload = {"department": rorg.cs.pk, "kind": "performance", "period": "2026-06"} | changes
    response = api(rorg.hana).post(f"{URL}bulk/", payload, format="json")
    assert response.status_code == 400
    assert not Bonus.objects.exists()


def test_bulk_creation_is_for_hr(rorg, api):
    payload = {"department": rorg.cs.pk, "kind": "performance", "period": "2026-06", "amount": "1"}
    assert api(rorg.budi).post(f"{URL}bulk/", payload, format="json").status_code == 403


# --- CSV export.


def test_the_payroll_export_lists_approved_bonuses(rorg, api):
    make_bonus(creator=rorg.budi, employee=rorg.ani, status="approved", decider=rorg.hana)
    make_bonus(creator=rorg.budi, employee=rorg.andi, status="submitted")
    rorg.andi.first_name = "=HYPERLINK(1)"
    rorg.andi.save()
    response = api(rorg.hadi).get(f"{URL}export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert (rows[0]["username"], rows[0]["amount"], rows[0]["period"], rows[0]["approved_by"]) == (
        "ani",
        "1500000.00",
        "2026-03",
        "hana",
    )
    everything = api(rorg.hadi).get(f"{URL}export/", {"status": "approved,submitted"}).content.decode()
    assert "'=HYPERLINK(1)" in everything  # a name is never read as a formula


def test_the_payroll_export_is_for_hr_and_checks_its_filters(rorg, api):
    assert api(rorg.budi).get(f"{URL}export/").status_code == 403
    assert api(rorg.hana).get(f"{URL}export/", {"status": "won"}).status_code == 400
    assert api(rorg.hana).get(f"{URL}export/", {"department": "x"}).status_code == 400


# --- Budgets.

BUDGETS = "/api/v1/rewards/budgets/"


def test_budgets_show_committed_and_remaining(rorg, api, django_assert_max_num_queries):
    make_bonus(creator=rorg.budi, employee=rorg.ani, amount=Decimal("2500000"), status="approved", decider=rorg.hana)
    make_bonus(creator=rorg.budi, employee=rorg.andi, amount=Decimal("1000000"), status="paid", decider=rorg.hana)
    make_bonus(creator=rorg.budi, employee=rorg.andi, amount=Decimal("700000"), status="submitted")
    client = api(rorg.hana)
    # count, page of budgets with their committed and pending sums in subqueries
    with django_assert_max_num_queries(2):
        rows = client.get(BUDGETS, {"year": 2026}).json()["results"]
    cs = next(row for row in rows if row["department"] == rorg.cs.pk)
    assert (cs["amount"], cs["committed"], cs["pending"], cs["remaining"]) == (
        "10000000.00",
        "3500000.00",
        "700000.00",
        "6500000.00",
    )


def test_hr_creates_and_changes_a_budget_and_both_are_audited(rorg, api):
    client = api(rorg.hana)
    response = client.post(BUDGETS, {"department": rorg.hrd.pk, "year": 2026, "amount": "25000000"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["remaining"] == "25000000.00"
    budget_id = response.json()["id"]
    response = client.patch(f"{BUDGETS}{budget_id}/", {"amount": "30000000"}, format="json")
    assert response.status_code == 200
    assert response.json()["amount"] == "30000000.00"
    assert list(AuditEntry.objects.filter(action__startswith="rewards.budget").values_list("action", flat=True)) == [
        "rewards.budget.update",
        "rewards.budget.create",
    ]


def test_a_budget_cannot_drop_below_what_is_committed(rorg, api):
    make_bonus(creator=rorg.budi, employee=rorg.ani, amount=Decimal("4000000"), status="approved", decider=rorg.hana)
    response = api(rorg.hana).patch(f"{BUDGETS}{rorg.cs_budget.pk}/", {"amount": "3999999.99"}, format="json")
    assert response.status_code == 409
    assert BonusBudget.objects.get(pk=rorg.cs_budget.pk).amount == Decimal("10000000.00")


def test_a_second_budget_for_the_same_department_and_year_is_a_409(rorg, api):
    response = api(rorg.hana).post(BUDGETS, {"department": rorg.cs.pk, "year": 2026, "amount": "1"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("amount", ["-1", "1.001", "abc"])
def test_a_budget_amount_must_be_money(rorg, api, amount):
    response = api(rorg.hana).post(BUDGETS, {"department": rorg.hrd.pk, "year": 2026, "amount": amount}, format="json")
    assert response.status_code == 400
    assert "amount" in response.json()


@pytest.mark.parametrize("persona", ["budi", "ani", "lina"])
def test_budgets_are_for_hr_only(rorg, api, persona):
    assert api(getattr(rorg, persona)).get(BUDGETS).status_code == 403
