"""Follow-up: the targeted score before an action and after it, read from real materialised
pulse results and real external scores; a suppressed result stays suppressed."""

import datetime as dt
from decimal import Decimal

import pytest

from improvement.selectors import VERDICT_THRESHOLD, Verdict, action_follow_ups
from service_quality.services import external_score_create
from tests.improvement.factories import ActionFactory, backdate
from tests.improvement.pulse_history import THIS_MONTH, closed_round, likert, month

pytestmark = pytest.mark.django_db

URL = "/api/v1/improvement/actions/"


@pytest.fixture
def teamwork_action(org):
    """Budi's teamwork action: started three months ago, done two months ago."""
    action = ActionFactory(
        actor=org.budi, department=org.cs, owner=org.ani, driver="teamwork", dimension="", title="Daily stand-up"
    )
    return backdate(
        action,
        start_date=month(-3),
        due_date=month(-2) + dt.timedelta(days=19),
        completed_on=month(-2) + dt.timedelta(days=14),
    )


def test_before_and_after_come_from_the_materialised_driver_scores(org, cs_team, teamwork_survey, teamwork_action):
    # given a round before the action and one after it
    before_values, after_values = [2, 2, 3, 3, 2], [4, 4, 5, 4, 3]
    closed_round(teamwork_survey, cs_team, before_values, month(-4))
    closed_round(teamwork_survey, cs_team, after_values, month(-1))

    # when
    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]

    # then
    assert follow_up.metric == "driver:teamwork"
    assert follow_up.before.period == month(-4)
    assert follow_up.before.value == pytest.approx(likert(before_values), abs=1e-9)
    assert follow_up.before.respondents == 5
    assert follow_up.after.period == month(-1)
    assert follow_up.after.value == pytest.approx(likert(after_values), abs=1e-9)
    assert follow_up.change == pytest.approx(likert(after_values) - likert(before_values), abs=1e-9)
    assert follow_up.verdict == Verdict.IMPROVED


def test_a_suppressed_after_stays_suppressed(org, api, cs_team, teamwork_survey, teamwork_action):
    # given a shown round before, only two answers in the first round after (below the
    # threshold of three), and a shown round later still
    closed_round(teamwork_survey, cs_team, [2, 2, 3, 3, 2], month(-4))
    closed_round(teamwork_survey, cs_team, [5, 5], month(-1))
    closed_round(teamwork_survey, cs_team, [5, 5, 5, 4, 4], month(0))

    # when
    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]
    shown = api(org.budi).get(f"{URL}{teamwork_action.pk}/").json()

    # then the first period after is the suppressed one: no value, no change, no verdict,
    # and the later round does not take its place
    assert follow_up.after.suppressed
    assert follow_up.after.value is None
    assert follow_up.after.period == month(-1)
    assert follow_up.change is None and follow_up.verdict is None
    assert [(m.period, m.suppressed) for m in follow_up.after_series] == [(month(-1), True), (month(0), False)]
    assert shown["after"] == {"period": str(THIS_MONTH.shift(-1)), "suppressed": True}
    assert shown["verdict"] is None and shown["change"] is None
    assert shown["after_series"][0] == {"period": str(THIS_MONTH.shift(-1)), "suppressed": True}
    assert shown["before"]["suppressed"] is False


def test_a_change_below_two_points_is_unchanged(org, cs_team, teamwork_survey, teamwork_action):
    # given the same answers before and after, by a different number of people (64.3 → 65.0)
    closed_round(teamwork_survey, cs_team, [4, 4, 4, 4, 3, 3, 3], month(-4))
    closed_round(teamwork_survey, cs_team, [4, 4, 4, 3, 3], month(-1))

    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]

    assert follow_up.change == pytest.approx(likert([4, 4, 4, 3, 3]) - likert([4, 4, 4, 4, 3, 3, 3]), abs=1e-9)
    assert abs(follow_up.change) < VERDICT_THRESHOLD
    assert follow_up.verdict == Verdict.UNCHANGED


def test_a_fall_of_two_points_or_more_is_worse(org, cs_team, teamwork_survey, teamwork_action):
    closed_round(teamwork_survey, cs_team, [4, 4, 4, 4, 4], month(-4))
    closed_round(teamwork_survey, cs_team, [3, 3, 4, 4, 4], month(-1))

    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]

    assert follow_up.change == pytest.approx(likert([3, 3, 4, 4, 4]) - 75.0, abs=1e-9)
    assert follow_up.verdict == Verdict.WORSE


def test_a_suppressed_before_is_shown_as_suppressed(org, cs_team, teamwork_survey, teamwork_action):
    closed_round(teamwork_survey, cs_team, [4, 4, 4, 4, 4], month(-6))
    closed_round(teamwork_survey, cs_team, [1, 1], month(-4))
    closed_round(teamwork_survey, cs_team, [4, 4, 4, 4, 4], month(-1))

    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]

    assert follow_up.before.suppressed and follow_up.before.period == month(-4)
    assert follow_up.verdict is None


def test_an_action_not_yet_due_has_no_after(org, cs_team, teamwork_survey):
    action = ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, driver="teamwork", dimension="")
    closed_round(teamwork_survey, cs_team, [3, 3, 3, 3, 3], month(-1))

    follow_up = action_follow_ups([action])[action.pk]

    assert follow_up.before.period == month(-1)
    assert follow_up.after is None and follow_up.after_series == []


def test_an_skm_element_is_followed_in_the_skm_scores(org):
    # given U3 (completion time) of Layanan Pelanggan before and after the action
    for period, value in ((month(-5), "62.5"), (month(-4), "65.0"), (month(-1), "72.5"), (month(0), "75.0")):
        external_score_create(
            department=org.cs,
            period=period,
            source="skm",
            dimension="u3",
            value=Decimal(value),
            respondents=120,
            actor=org.hana,
        )
    action = backdate(
        ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, dimension="u3"),
        start_date=month(-3),
        due_date=month(-2),
        completed_on=month(-2),
    )

    follow_up = action_follow_ups([action])[action.pk]

    assert follow_up.source == "skm"
    assert (follow_up.before.period, follow_up.before.value) == (month(-4), 65.0)
    assert (follow_up.after.period, follow_up.after.value) == (month(-1), 72.5)
    assert [m.value for m in follow_up.after_series] == [72.5, 75.0]
    assert follow_up.verdict == Verdict.IMPROVED


def test_a_prima_dimension_reads_one_source_never_a_mix(org):
    # given courtesy scored by CSAT only
    for period, value in ((month(-4), "80"), (month(-1), "79")):
        external_score_create(
            department=org.cs, period=period, source="csat", dimension="courtesy", value=Decimal(value), actor=org.hana
        )
    action = backdate(
        ActionFactory(actor=org.budi, department=org.cs, owner=org.ani, dimension="courtesy"),
        start_date=month(-3),
        due_date=month(-2),
        completed_on=month(-2),
    )

    follow_up = action_follow_ups([action])[action.pk]

    assert follow_up.source == "csat"
    assert follow_up.change == pytest.approx(-1.0)
    assert follow_up.verdict == Verdict.UNCHANGED


def _protect(pulse_round, department, *, noise_variance: float) -> None:
    """Marks the department's stored result of a round as protected, its driver scores carrying
    noise of this variance (as materialising a round that gained a person stores them)."""
    from pulse_surveys.models import RoundResult, RoundResultDriver

    RoundResult.objects.filter(round=pulse_round, department=department).update(
        protected=True, score_margin=9, epsilon=0.55, distributions={}
    )
    RoundResultDriver.objects.filter(result__round=pulse_round, result__department=department).update(
        noise_variance=noise_variance
    )


def test_a_protected_score_carries_its_margin_and_a_change_within_the_noise_is_unchanged(
    org, api, client, cs_team, teamwork_survey, teamwork_action
):
    # given a shown round before (35) and a protected one after (75: +40 points), whose noise
    # has a standard deviation of 20 points
    closed_round(teamwork_survey, cs_team, [2, 2, 3, 3, 2], month(-4))
    after = closed_round(teamwork_survey, cs_team, [4, 4, 5, 4, 3], month(-1))
    _protect(after, org.cs, noise_variance=20.0**2)

    # when
    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]
    shown = api(org.budi).get(f"{URL}{teamwork_action.pk}/").json()

    # then the after score shows its 95% margin (2.12 × 20 = 42.4: ±43) and the change, smaller
    # than the noise's margin, counts as unchanged, not improved
    assert follow_up.after.margin == 43 and follow_up.before.margin is None
    assert follow_up.change == pytest.approx(40.0) and follow_up.noise_margin == 43
    assert follow_up.verdict == Verdict.UNCHANGED
    assert shown["after"]["margin"] == 43 and shown["before"]["margin"] is None
    assert shown["verdict"] == "unchanged"
    # and the page says so
    client.force_login(org.budi)
    page = client.get(f"/improvement/actions/{teamwork_action.pk}/").content.decode()
    assert "± 43, protected" in page and "±43 points" in page


def test_a_change_beyond_the_noise_of_a_protected_score_still_counts(org, cs_team, teamwork_survey, teamwork_action):
    closed_round(teamwork_survey, cs_team, [2, 2, 3, 3, 2], month(-4))
    after = closed_round(teamwork_survey, cs_team, [4, 4, 5, 4, 3], month(-1))
    _protect(after, org.cs, noise_variance=4.0**2)

    follow_up = action_follow_ups([teamwork_action])[teamwork_action.pk]

    # a margin of ±9 points against a change of 40
    assert follow_up.noise_margin == 9 and follow_up.verdict == Verdict.IMPROVED


def test_the_noise_margin_holds_95_percent_of_one_protected_score_s_noise_and_of_a_change_s():
    import numpy as np
    from scipy import stats

    from improvement.selectors import NOISE_Z

    for scale in (3.0, 10.0, 50.0, 200.0):
        law = stats.dlaplace(1 / scale)
        sd = law.std()
        # one protected score: its noise within ±NOISE_Z standard deviations at least 95% of the time
        assert law.cdf(NOISE_Z * sd) - law.cdf(-NOISE_Z * sd - 1) >= 0.95
        # a change between two protected scores: the difference of two such noises
        support = np.arange(-int(40 * scale), int(40 * scale) + 1)
        difference = np.convolve(law.pmf(support), law.pmf(support))
        values = np.arange(-2 * support[-1], 2 * support[-1] + 1)
        assert difference[np.abs(values) <= NOISE_Z * np.sqrt(2) * sd].sum() >= 0.95
