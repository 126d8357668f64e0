"""Field-level rules: wages and bonus amounts only to HR and the person themselves; leadership
reads aggregates, never an individual's record."""

import datetime as dt
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_wages_reach_hr_and_the_person_only(org, api):
    assert all("monthly_wage" in row for row in api(org.hana).get("/api/v1/employees/").json()["results"])
    managed = api(org.budi).get("/api/v1/employees/").json()["results"]
    assert [row["username"] for row in managed if "monthly_wage" in row] == ["budi"]
    assert api(org.ani).get("/api/v1/me/").json()["monthly_wage"] == "8500000.00"


def test_bonus_amounts_reach_hr_and_the_person_only(org, api):
    from rewards import services

    bonus = services.bonus_create(
        actor=org.hana,
        employee=org.ani,
        kind="spot",
        amount=Decimal("2500000"),
        period=dt.date(2026, 3, 1),
        reason="Pelayanan sangat cepat",
    )
    services.bonus_submit(bonus=bonus, actor=org.hana)
    seen_by = {
        persona: [row["id"] for row in api(getattr(org, persona)).get("/api/v1/rewards/bonuses/").json()["results"]]
        for persona in ("hana", "ani", "andi", "budi", "mira", "lina")
    }
    assert bonus.pk in seen_by["hana"]
    assert bonus.pk in seen_by["ani"]
    # her colleague, her manager (who did not propose it), another manager and leadership do not
    assert all(bonus.pk not in seen_by[persona] for persona in ("andi", "budi", "mira", "lina"))
    for persona in ("andi", "budi", "lina"):
        assert api(getattr(org, persona)).get(f"/api/v1/rewards/bonuses/{bonus.pk}/").status_code == 404


def test_leadership_reads_aggregates_not_individual_records(org, api):
    from leave.models import LeaveRequest

    client = api(org.lina)
    assert client.get("/api/v1/employees/").status_code == 403
    assert client.get(f"/api/v1/employees/{org.ani.pk}/").status_code == 403
    visible_leave = client.get("/api/v1/leave/requests/").json()["results"]
    assert {row["employee"] for row in visible_leave} <= {org.lina.pk}
    assert not LeaveRequest.objects.exclude(employee=org.lina).filter(pk__in=[r["id"] for r in visible_leave])
