"""Every bonus transition by every role, the creator trying to approve included.

Personas: hana and hadi (HR), budi (manager of CS, where ani and andi work), mira (manager of
LKT), ani (the person paid), andi (her colleague), lina (leadership).
"""

import datetime as dt
from decimal import Decimal

import pytest

from core.models import AuditEntry
from rewards.models import BonusStatus, BonusTransition
from tests.rewards.factories import make_bonus

pytestmark = pytest.mark.django_db

PERSONAS = ["hana", "hadi", "budi", "mira", "ani", "andi", "lina"]

# action → the state it starts from, and the state it leads to.
ACTIONS = {
    "submit": (BonusStatus.DRAFT, BonusStatus.SUBMITTED),
    "approve": (BonusStatus.SUBMITTED, BonusStatus.APPROVED),
    "reject": (BonusStatus.SUBMITTED, BonusStatus.REJECTED),
    "pay": (BonusStatus.APPROVED, BonusStatus.PAID),
}

# A bonus budi proposed for ani (hadi decides where a decider is needed before the action).
PROPOSED_BY_MANAGER = {
    "submit": {"budi": 200, "hana": 200, "hadi": 200, "mira": 404, "ani": 403, "andi": 403, "lina": 403},
    "approve": {"budi": 403, "hana": 200, "hadi": 200, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
    "reject": {"budi": 403, "hana": 200, "hadi": 200, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
    "pay": {"budi": 403, "hana": 200, "hadi": 200, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
}
# A bonus hana created for ani: hana may submit it, but never approve, reject or pay it.
CREATED_BY_HR = {
    "submit": {"hana": 200, "hadi": 200, "budi": 404, "mira": 404, "ani": 403, "andi": 403, "lina": 403},
    "approve": {"hana": 403, "hadi": 200, "budi": 403, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
    "reject": {"hana": 403, "hadi": 200, "budi": 403, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
    "pay": {"hana": 403, "hadi": 200, "budi": 403, "mira": 403, "ani": 403, "andi": 403, "lina": 403},
}


def _bonus_in(org, *, creator, state):
    """A bonus for ani in `state`; the decision before `pay` is made by whichever HR person
    did not create it (hadi for budi's proposals too, so that hana stays a non-creator)."""
    decider = org.hadi
    return make_bonus(creator=creator, employee=org.ani, status=state, decider=decider)


def _matrix(table, creator_name):
    return [
        pytest.param(creator_name, action, persona, table[action][persona], id=f"{creator_name}-{action}-{persona}")
        for action in ACTIONS
        for persona in PERSONAS
    ]


@pytest.mark.parametrize(
    ("creator_name", "action", "persona", "expected"),
    _matrix(PROPOSED_BY_MANAGER, "budi") + _matrix(CREATED_BY_HR, "hana"),
)
def test_every_transition_by_every_role(rorg, api, creator_name, action, persona, expected):
    # given a bonus in the state the action starts from
    start, end = ACTIONS[action]
    bonus = _bonus_in(rorg, creator=getattr(rorg, creator_name), state=start)
    steps_before = BonusTransition.objects.filter(bonus=bonus).count()
    # when the persona tries the action
    response = api(getattr(rorg, persona)).post(
        f"/api/v1/rewards/bonuses/{bonus.pk}/{action}/", {"note": "checked"}, format="json"
    )
    # then it is allowed, refused or hidden as the table says
    assert response.status_code == expected, response.content
    bonus.refresh_from_db()
    steps = BonusTransition.objects.filter(bonus=bonus)
    if expected == 200:
        assert bonus.status == end
        assert response.json()["status"] == end
        last = steps.last()
        actor = getattr(rorg, persona)
        assert (last.from_status, last.to_status, last.actor_id, last.note) == (start, end, actor.pk, "checked")
        assert steps.count() == steps_before + 1
    else:
        assert bonus.status == start
        assert steps.count() == steps_before


def test_the_creator_trying_to_approve_is_told_why(rorg, api):
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, status=BonusStatus.SUBMITTED)
    response = api(rorg.hana).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["code"] == "own_proposal"


def test_no_one_in_hr_decides_on_their_own_bonus(rorg, api):
    bonus = make_bonus(creator=rorg.hana, employee=rorg.hadi, status=BonusStatus.SUBMITTED)
    budget_for_hrd = rorg.cs_budget
    budget_for_hrd.pk = None
    budget_for_hrd.department = rorg.hrd
    budget_for_hrd.save()
    response = api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/")
    assert response.status_code == 403
    assert response.json()["code"] == "own_bonus"


WRONG_STATES = [
    (action, state) for action, (start, _end) in ACTIONS.items() for state in BonusStatus.values if state != start
]


@pytest.mark.parametrize(("action", "state"), WRONG_STATES, ids=[f"{a}-from-{s}" for a, s in WRONG_STATES])
def test_a_transition_the_state_does_not_allow_is_a_409_and_changes_nothing(rorg, api, action, state):
    # given a bonus hana created, in a state the action does not start from
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, status=state, decider=rorg.hadi)
    steps_before = BonusTransition.objects.filter(bonus=bonus).count()
    actor = rorg.hana if action == "submit" else rorg.hadi
    # when
    response = api(actor).post(f"/api/v1/rewards/bonuses/{bonus.pk}/{action}/")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "state"
    bonus.refresh_from_db()
    assert bonus.status == state
    assert BonusTransition.objects.filter(bonus=bonus).count() == steps_before


def test_approval_over_budget_is_a_409_and_leaves_the_bonus_submitted(rorg, api):
    # given CS's budget of 10,000,000 with 9,000,000 approved
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("9000000"), status="approved", decider=rorg.hadi)
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, amount=Decimal("1000000.01"), status="submitted")
    # when
    response = api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/")
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "over_budget"
    assert "Rp 1.000.000" in response.json()["detail"]
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.SUBMITTED


def test_approval_up_to_exactly_the_budget_is_allowed(rorg, api):
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("9000000"), status="approved", decider=rorg.hadi)
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, amount=Decimal("1000000.00"), status="submitted")
    assert api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/").status_code == 200


def test_rejected_and_submitted_bonuses_do_not_use_budget_but_paid_ones_do(rorg, api):
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("4000000"), status="paid", decider=rorg.hadi)
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("5000000"), status="rejected", decider=rorg.hadi)
    make_bonus(creator=rorg.hana, employee=rorg.andi, amount=Decimal("5000000"), status="submitted")
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, amount=Decimal("6000000"), status="submitted")
    assert api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/").status_code == 200
    other = make_bonus(creator=rorg.hana, employee=rorg.ani, amount=Decimal("0.01"), status="submitted")
    assert api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{other.pk}/approve/").status_code == 409


def test_a_department_without_a_budget_for_the_year_cannot_approve(rorg, api):
    bonus = make_bonus(creator=rorg.hana, employee=rorg.ani, status="submitted", period=dt.date(2027, 1, 1))
    response = api(rorg.hadi).post(f"/api/v1/rewards/bonuses/{bonus.pk}/approve/")
    assert response.status_code == 409
    assert response.json()["code"] == "no_budget"
    bonus.refresh_from_db()
    assert bonus.status == BonusStatus.SUBMITTED


def test_every_transition_is_recorded_and_audited(rorg, api):
    bonus = make_bonus(creator=rorg.budi, employee=rorg.ani, status="paid", decider=rorg.hana)
    steps = list(BonusTransition.objects.filter(bonus=bonus).values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("", "draft", "budi"),
        ("draft", "submitted", "budi"),
        ("submitted", "approved", "hana"),
        ("approved", "paid", "hana"),
    ]
    actions = list(
        AuditEntry.objects.filter(target_type="rewards.bonus", target_id=str(bonus.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["rewards.bonus.create", "rewards.bonus.submit", "rewards.bonus.approve", "rewards.bonus.pay"]
    detail = api(rorg.hana).get(f"/api/v1/rewards/bonuses/{bonus.pk}/").json()
    assert [step["to_status"] for step in detail["transitions"]] == ["draft", "submitted", "approved", "paid"]
    assert detail["decided_by"] == rorg.hana.pk
