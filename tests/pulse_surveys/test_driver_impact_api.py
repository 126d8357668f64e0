"""GET /api/v1/pulse/rounds/{id}/driver-impact/: the stored driver analyses as each caller may
see them — HR and leadership every group that was analysed (and IKM across units), a manager
the departments of their own subtree, an employee nothing; a group below the threshold never."""

import pytest

from pulse_surveys import unit_impact
from pulse_surveys.models import DriverAnalysis, RoundStatus
from tests.pulse_surveys.test_unit_impact import WORKLOAD_FIRST, add_units, plant_ikm

pytestmark = pytest.mark.django_db


def url(pulse_round, department=None) -> str:
    query = f"?department={department.pk}" if department is not None else ""
    return f"/api/v1/pulse/rounds/{pulse_round.pk}/driver-impact/{query}"


def groups(data) -> set:
    return {(item["group"]["department"], item["outcome"]) for item in data["analyses"]}


@pytest.mark.parametrize("persona", ["hana", "lina"])
def test_hr_and_leadership_see_every_analysed_group_with_its_figures(org, planted_round, api, persona):
    # when
    response = api(getattr(org, persona)).get(url(planted_round))
    # then: the whole audience, CS (45 people) and the subtrees holding it; never LKT (20) or HRD (5)
    assert response.status_code == 200
    data = response.json()
    assert groups(data) == {
        (None, "recommend"),
        (org.cs.pk, "recommend"),
        (org.ops.pk, "recommend"),
        (org.hq.pk, "recommend"),
    }
    stored = DriverAnalysis.objects.get(round=planted_round, is_total=True).outcomes[0]
    total = next(item for item in data["analyses"] if item["group"]["is_total"])
    assert (total["cases"], total["n"], total["r2"], total["reason"]) == ("respondents", 70, stored["r2"], None)
    by_key = {row["driver"]: row for row in total["drivers"]}
    for row in stored["drivers"]:
        shown = next(item for item in total["drivers"] if item["importance"] == row["importance"])
        assert (shown["importance_low"], shown["importance_high"]) == (row["low"], row["high"])
        assert (shown["share_low"], shown["share_high"]) == (row["share_low"], row["share_high"])
    # the planted driver is the one to act on first, with its current favourable share
    assert by_key["workload"]["act_first"] is True
    assert (
        by_key["workload"]["favourable"]
        == stored["favourable"][
            str(
                next(
                    row["driver"] for row in stored["drivers"] if row["importance"] == by_key["workload"]["importance"]
                )
            )
        ]
    )
    assert total["summary"].startswith("Act on Workload and leave first")


def test_ikm_across_units_is_listed_for_leadership(bank, org, planted_round, api):
    add_units(planted_round, bank, 14)
    plant_ikm(planted_round, bank, WORKLOAD_FIRST)
    unit_impact.round_ikm_analysis_materialise(round_id=planted_round.pk, draws=200)
    data = api(org.lina).get(url(planted_round)).json()
    ikm = next(item for item in data["analyses"] if item["outcome"] == "ikm")
    assert (ikm["cases"], ikm["n"], ikm["group"]) == ("units", 17, {"department": None, "is_total": True})
    assert ikm["drivers"][0]["driver"] == "workload"
    # a manager never gets it: it is about the whole organisation's units
    assert "ikm" not in {item["outcome"] for item in api(org.budi).get(url(planted_round)).json()["analyses"]}


def test_a_manager_sees_only_the_analysed_departments_of_their_subtree(org, planted_round, api):
    assert groups(api(org.budi).get(url(planted_round)).json()) == {(org.cs.pk, "recommend")}
    assert groups(api(org.budi).get(url(planted_round, org.cs)).json()) == {(org.cs.pk, "recommend")}
    # another manager's department: not found
    assert api(org.budi).get(url(planted_round, org.lkt)).status_code == 404
    # LKT (20 respondents) was not analysed, so its own manager gets nothing about it
    assert api(org.mira).get(url(planted_round, org.lkt)).json()["analyses"] == []
    assert api(org.mira).get(url(planted_round)).json()["analyses"] == []


def test_a_group_below_the_threshold_is_never_returned_even_if_a_row_says_it_ran(org, planted_round, api):
    # given: a stored row about HRD's 2 people that claims figures (it must never be served)
    forged = DriverAnalysis.objects.get(round=planted_round, department=org.cs)
    DriverAnalysis.objects.filter(round=planted_round, department=org.hrd).update(
        reason="", respondents=2, outcomes=forged.outcomes
    )
    # then
    for user in (org.hana, org.lina):
        assert org.hrd.pk not in {
            department for department, _outcome in groups(api(user).get(url(planted_round)).json())
        }
    assert api(org.hana).get(url(planted_round, org.hrd)).json()["analyses"] == []


def test_employees_and_visitors_get_nothing_and_an_open_round_is_a_conflict(org, planted_round, api):
    assert api(org.ani).get(url(planted_round)).status_code == 403
    assert api(None).get(url(planted_round)).status_code in (401, 403)
    planted_round.status = RoundStatus.OPEN
    planted_round.save()
    assert api(org.hana).get(url(planted_round)).status_code == 409
