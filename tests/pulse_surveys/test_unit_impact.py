"""Driver impact across units for IKM: each unit's shown driver scores in a closed round against
its IKM in the round's month, decomposed exactly like driver impact among respondents, equal to
statsmodels, with planted importances recovered in order; too few units say so in words; and the
leadership dashboard names the driver to act on first for both engagement and IKM."""

import datetime as dt
import math
import re
from decimal import Decimal
from itertools import combinations

import numpy as np
import pytest
import statsmodels.api as sm
from django.utils import timezone

from pulse_surveys import impact, unit_impact
from pulse_surveys.models import DriverAnalysis, Round, RoundResult, RoundResultDriver, RoundStatus
from service_quality.models import ExternalScore
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

DRIVER_KEYS = ["recognition-1", "workload-1", "teamwork-1", "growth-1"]
# IKM per point of each driver's unit score (0–100): workload matters most, growth not at all.
WORKLOAD_FIRST = {"workload-1": 0.3, "recognition-1": 0.2, "teamwork-1": 0.12, "growth-1": 0.0}
RECOGNITION_FIRST = {"recognition-1": 0.35, "workload-1": 0.1, "teamwork-1": 0.05, "growth-1": 0.0}


def add_units(pulse_round, bank, count: int, *, seed: int = 7, protected: int = 0) -> list:
    """`count` service units with shown results in the round, their driver scores drawn at random
    (as closing the round leaves them: a result row and its driver rows)."""
    rng = np.random.default_rng(seed)
    units = []
    for i in range(count):
        unit = DepartmentFactory(is_service_unit=True)
        result = RoundResult.objects.create(
            round=pulse_round,
            department=unit,
            is_total=False,
            invited=12,
            responded=10,
            suppressed=False,
            score=60.0,
            protected=i < protected,
            score_margin=4.0 if i < protected else None,
        )
        RoundResultDriver.objects.bulk_create(
            RoundResultDriver(
                result=result,
                driver_id=bank[key].driver_id,
                score=float(rng.uniform(20, 90)),
                noise_variance=4.0 if i < protected else None,
            )
            for key in DRIVER_KEYS
        )
        units.append(unit)
    return units


def plant_ikm(pulse_round, bank, effects: dict, *, seed: int = 11, noise: float = 0.5) -> None:
    """Each department with driver scores in the round gets an IKM that depends on them as
    `effects` says, plus a little noise."""
    rng = np.random.default_rng(seed)
    scores: dict = {}
    for department_id, driver_id, score in RoundResultDriver.objects.filter(result__round=pulse_round).values_list(
        "result__department_id", "driver_id", "score"
    ):
        scores.setdefault(department_id, {})[driver_id] = score
    for department_id, by_driver in sorted((k, v) for k, v in scores.items() if k is not None):
        value = 25 + sum(effects[key] * by_driver[bank[key].driver_id] for key in DRIVER_KEYS)
        value = min(100.0, max(25.0, value + rng.normal(scale=noise)))
        ExternalScore.objects.create(
            department_id=department_id,
            period=pulse_round.period,
            source="skm",
            dimension="ikm",
            value=Decimal(f"{value:.2f}"),
            respondents=50,
        )


def unit_round(survey, *, status=RoundStatus.CLOSED) -> Round:
    now = timezone.now()
    return Round.objects.create(
        survey=survey,
        number=survey.rounds.count() + 1,
        status=status,
        opens_at=now - dt.timedelta(days=8),
        closes_at=now - dt.timedelta(days=1),
        closed_at=now - dt.timedelta(days=1),
        period=timezone.localdate().replace(day=1),
        anonymity_threshold=3,
        results_ready=True,
    )


def statsmodels_shapley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Each driver's average gain in R² over every order in which the drivers can enter, each R²
    from statsmodels OLS (the textbook definition, not Prima's weights)."""
    p = x.shape[1]

    def r2(subset) -> float:
        return sm.OLS(y, sm.add_constant(x[:, list(subset)])).fit().rsquared if subset else 0.0

    cache = {subset: r2(subset) for k in range(p + 1) for subset in combinations(range(p), k)}
    values = np.zeros(p)
    for j in range(p):
        others = [i for i in range(p) if i != j]
        for k in range(p):
            for subset in combinations(others, k):
                weight = math.factorial(k) * math.factorial(p - k - 1) / math.factorial(p)
                values[j] += weight * (cache[tuple(sorted((*subset, j)))] - cache[subset])
    return values


def test_planted_unit_importances_are_recovered_in_order_and_equal_statsmodels(bank, pulse_survey, org):
    # given: 30 service units whose IKM depends on workload, then recognition, then teamwork
    pulse_round = unit_round(pulse_survey)
    add_units(pulse_round, bank, 30, protected=2)
    # a parent department with results and an IKM is not a unit: it would count its children twice
    parent = DepartmentFactory()
    child = DepartmentFactory(parent=parent, is_service_unit=True)
    for department in (parent, child):
        result = RoundResult.objects.create(
            round=pulse_round, department=department, is_total=False, invited=9, responded=9, suppressed=False
        )
        RoundResultDriver.objects.bulk_create(
            RoundResultDriver(result=result, driver_id=bank[key].driver_id, score=55.0 + 5 * i)
            for i, key in enumerate(DRIVER_KEYS)
        )
    # and a hidden result stores no driver score, so it can never enter
    hidden = DepartmentFactory(is_service_unit=True)
    RoundResult.objects.create(
        round=pulse_round, department=hidden, is_total=False, invited=2, responded=2, suppressed=True
    )
    plant_ikm(pulse_round, bank, WORKLOAD_FIRST)
    ExternalScore.objects.create(department=hidden, period=pulse_round.period, source="skm", dimension="ikm", value=90)
    # when
    assert unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=400)
    # then: one organisation-wide row, about the 31 leaf units
    stored = DriverAnalysis.objects.get(round=pulse_round, outcome=DriverAnalysis.Outcome.IKM)
    entry = stored.outcomes[0]
    units, driver_ids, x, y, protected = unit_impact.unit_table(pulse_round)
    assert stored.is_total and stored.reason == ""
    assert (entry["units"], stored.respondents, protected) == (31, 31, 2)
    assert parent.pk not in units and hidden.pk not in units and child.pk in units
    # the units' data are the stored figures: read back independently of the selector
    for row, unit in enumerate(units):
        for column, driver_id in enumerate(driver_ids):
            assert (
                x[row, column]
                == RoundResultDriver.objects.get(
                    result__round=pulse_round, result__department_id=unit, driver_id=driver_id
                ).score
            )
        assert y[row] == float(ExternalScore.objects.get(department_id=unit, dimension="ikm").value)
    # R² and every Shapley value equal statsmodels OLS on the same units to 1e-6
    assert entry["r2"] == pytest.approx(sm.OLS(y, sm.add_constant(x)).fit().rsquared, abs=1e-6)
    expected = dict(zip(driver_ids, statsmodels_shapley(x, y), strict=True))
    for row in entry["drivers"]:
        assert row["importance"] == pytest.approx(expected[row["driver"]], abs=1e-6)
        assert row["low"] <= row["importance"] <= row["high"]
    # and the planted order comes out
    order = [row["driver"] for row in sorted(entry["drivers"], key=lambda row: -row["importance"])]
    assert order[:3] == [bank[key].driver_id for key in ("workload-1", "recognition-1", "teamwork-1")]
    # idempotent: running it again keeps one row with the same figures
    unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=400)
    again = DriverAnalysis.objects.get(round=pulse_round, outcome=DriverAnalysis.Outcome.IKM)
    assert again.outcomes[0]["drivers"] == entry["drivers"]


@pytest.mark.parametrize("count", [0, 6, 7])
def test_too_few_units_store_a_sentence_and_the_page_shows_it(bank, pulse_survey, org, client, count):
    # given: fewer than 8 units (4 drivers need 7; the floor is 8)
    pulse_round = unit_round(pulse_survey)
    RoundResult.objects.create(round=pulse_round, is_total=True, invited=100, responded=80, suppressed=False)
    add_units(pulse_round, bank, count)
    plant_ikm(pulse_round, bank, WORKLOAD_FIRST)
    # when
    assert not unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=50)
    # then
    stored = DriverAnalysis.objects.get(round=pulse_round, outcome=DriverAnalysis.Outcome.IKM)
    assert (stored.reason, stored.reason_params) == (
        "too_few_units_ikm",
        {"units": count, "minimum": 8, "drivers": 4 if count else 0},
    )
    impact.round_driver_analyses_materialise(round_id=pulse_round.pk, draws=50)
    view = impact.impact_view(pulse_round=pulse_round, department_id=None)
    assert "at least 8 service units" in view.ikm_reason and f"there are {count}" in view.ikm_reason
    client.force_login(org.lina)
    html = client.get("/insights/").content.decode()
    assert "Driver impact for IKM could not be computed" in html
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)


def test_units_must_outnumber_the_drivers_by_more_than_two():
    assert [unit_impact.units_needed(p) for p in (2, 5, 6, 9, 12)] == [8, 8, 9, 12, 15]


def test_a_round_not_closed_gets_no_analysis(bank, pulse_survey):
    pulse_round = unit_round(pulse_survey, status=RoundStatus.OPEN)
    add_units(pulse_round, bank, 12)
    plant_ikm(pulse_round, bank, WORKLOAD_FIRST)
    assert not unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=50)
    assert not DriverAnalysis.objects.filter(round=pulse_round).exists()


def dashboard_text(client, user) -> str:
    client.force_login(user)
    html = client.get("/insights/").content.decode()
    return " ".join(html.split())


def test_the_dashboard_names_the_driver_that_matters_most_for_both_engagement_and_ikm(bank, org, planted_round, client):
    # given: engagement's planted driver is workload (matters most, scores lowest), and so is IKM's
    add_units(planted_round, bank, 14)
    plant_ikm(planted_round, bank, WORKLOAD_FIRST)
    unit_impact.round_ikm_analysis_materialise(round_id=planted_round.pk, draws=400)
    # when
    text = dashboard_text(client, org.lina)
    # then
    assert (
        "Act on Workload and leave first: it matters most for both engagement and IKM here, and it scores lowest"
        in text
    )
    view = impact.impact_view(pulse_round=planted_round, department_id=None)
    ikm = next(outcome for outcome in view.outcomes if outcome.outcome == "ikm")
    engagement = view.outcomes[0]
    sure = (
        f"How sure: it was of above-average importance in {round(engagement.named.above_average * 100)}% of the "
        f"resamples of the respondents for engagement and in {round(ikm.points[0].above_average * 100)}% of the "
        "resamples of the units for IKM."
    )
    assert sure in text
    # and in Bahasa Indonesia
    client.cookies["django_language"] = "id"
    text_id = " ".join(client.get("/insights/", HTTP_ACCEPT_LANGUAGE="id").content.decode().split())
    assert "Beban kerja dan cuti" in text_id and "keterlibatan dan IKM" in text_id


def test_when_ikm_disagrees_the_dashboard_falls_back_to_engagement_alone(bank, org, planted_round, client):
    # given: IKM depends mostly on recognition
    add_units(planted_round, bank, 14)
    plant_ikm(planted_round, bank, RECOGNITION_FIRST)
    unit_impact.round_ikm_analysis_materialise(round_id=planted_round.pk, draws=400)
    # when
    text = dashboard_text(client, org.lina)
    # then: the engagement sentence, and IKM's own matrix naming recognition, but no joint claim
    assert "both engagement and IKM" not in text
    assert "Act on Workload and leave first: it matters most for recommending the organisation" in text
    assert "matters most for customers&#x27; satisfaction (IKM) across service units" in text.replace("&#39;", "&#x27;")
    view = impact.impact_view(pulse_round=planted_round, department_id=None)
    ikm = next(outcome for outcome in view.outcomes if outcome.outcome == "ikm")
    assert ikm.points[0].driver.key == "recognition"


def test_without_ikm_the_dashboard_speaks_of_engagement_alone(org, planted_round, client):
    text = dashboard_text(client, org.lina)
    assert "both engagement and IKM" not in text
    assert "Act on Workload and leave first: it matters most for recommending the organisation" in text


def test_importing_ikm_for_a_closed_rounds_month_recomputes_its_analysis(
    bank, pulse_survey, org, django_capture_on_commit_callbacks
):
    from service_quality import services as service_quality

    # given: a closed round whose 12 units have no IKM yet (so no analysis can run)
    pulse_round = unit_round(pulse_survey)
    units = add_units(pulse_round, bank, 12)
    unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=50)
    assert DriverAnalysis.objects.get(round=pulse_round, outcome="ikm").reason_params["units"] == 0
    # when: HR imports the units' IKM for the round's month
    month = pulse_round.period.strftime("%Y-%m")
    rng = np.random.default_rng(4)
    lines = ["department_code,period,source,dimension,value,respondents"] + [
        f"{unit.code},{month},skm,ikm,{rng.uniform(60, 90):.2f},40" for unit in units
    ]
    with django_capture_on_commit_callbacks(execute=True):
        imported = service_quality.score_import_create(
            kind="scores", file_name="ikm.csv", content="\n".join(lines).encode(), actor=org.hana
        )
    # then: the round's driver impact for IKM was computed again, on the 12 units
    assert imported.status == "succeeded", imported.errors
    stored = DriverAnalysis.objects.get(round=pulse_round, outcome="ikm")
    assert (stored.reason, stored.respondents, stored.outcomes[0]["units"]) == ("", 12, 12)


def test_closing_an_skm_collection_recomputes_the_analysis_of_its_months_rounds(
    bank, pulse_survey, org, django_capture_on_commit_callbacks
):
    from service_quality import collecting
    from tests.service_quality.factories import body, submit

    # given: a closed round whose 12 units all have driver scores, 11 of them an IKM for its month
    pulse_round = unit_round(pulse_survey)
    units = add_units(pulse_round, bank, 12)
    plant_ikm(pulse_round, bank, WORKLOAD_FIRST)
    ExternalScore.objects.filter(department=units[-1]).delete()
    unit_impact.round_ikm_analysis_materialise(round_id=pulse_round.pk, draws=50)
    assert DriverAnalysis.objects.get(round=pulse_round, outcome="ikm").outcomes[0]["units"] == 11
    # and: the twelfth unit's customers answer this month at its collection
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        collection = collecting.collection_create(
            department=units[-1], period_from=today, period_to=today, expected_customers=20, actor=org.hana
        )
    for values in ([4] * 9, [3] * 9, [2, 3, 4, 4, 3, 2, 3, 4, 3]):
        assert submit(collection, body(values)).status_code == 201
    assert DriverAnalysis.objects.get(round=pulse_round, outcome="ikm").outcomes[0]["units"] == 11
    # when: the collection closes
    with django_capture_on_commit_callbacks(execute=True):
        collecting.collection_close(collection=collection, actor=org.hana)
    # then: the round's driver impact for IKM was computed again, on all 12 units
    stored = DriverAnalysis.objects.get(round=pulse_round, outcome="ikm")
    assert (stored.reason, stored.respondents, stored.outcomes[0]["units"]) == ("", 12, 12)
    assert ExternalScore.objects.filter(department=units[-1], period=pulse_round.period, dimension="ikm").exists()
