"""Whether completed actions on a driver worked, read from the stored pulse results of every
unit: the staggered difference in differences where units that had not acted remain, the
department's own before and after where none does, and a plain sentence where the data cannot
tell."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from core.periods import Period
from improvement import evaluation
from pulse_surveys import services as pulse
from pulse_surveys.bank import bank_load
from pulse_surveys.models import Driver, Question, Round, RoundResult, RoundResultDriver, RoundStatus
from tests.factories import DepartmentFactory, UserFactory
from tests.improvement.factories import ActionFactory, backdate

pytestmark = pytest.mark.django_db

MONTHS = 12
THIS_MONTH = Period.of(timezone.localdate())


def month(index: int) -> dt.date:
    """Month `index` of the history, the last one being this month."""
    return THIS_MONTH.shift(index - MONTHS + 1).first_day


@pytest.fixture
def units(org):
    return [org.cs, org.lkt] + [DepartmentFactory(parent=org.ops, code=f"U{n}", name=f"Unit {n}") for n in range(8)]


def history(org, units, *, acted: dict, effect: float, seed: int = 3, drift: float = 0.0) -> None:
    """Monthly teamwork scores of every unit (level + month + noise), raised by `effect` from
    the month after a unit's action was completed (`acted`: unit → history month index); units
    that act drift away from the others by `drift` points a month all along."""
    bank_load()
    teamwork = Driver.objects.get(key="teamwork")
    survey = pulse.survey_create(
        title="Monthly", questions=list(Question.objects.filter(driver=teamwork, kind="likert")), actor=org.hana
    )
    rng = np.random.default_rng(seed)
    levels = rng.normal(60, 6, size=len(units))
    for index in range(MONTHS):
        closes = timezone.now() - dt.timedelta(days=1)
        pulse_round = Round.objects.create(
            survey=survey,
            number=index + 1,
            status=RoundStatus.CLOSED,
            opens_at=closes - dt.timedelta(days=5),
            closes_at=closes,
            closed_at=closes,
            period=month(index),
            anonymity_threshold=3,
            results_ready=True,
        )
        shift = rng.normal(0, 2)
        for unit, level in zip(units, levels, strict=True):
            after = unit.pk in acted and index > acted[unit.pk]
            score = level + shift + rng.normal(0, 2.5) + (effect if after else 0.0)
            score += drift * index if unit.pk in acted else 0.0
            result = RoundResult.objects.create(
                round=pulse_round, department=unit, invited=12, responded=10, suppressed=False, score=score
            )
            RoundResultDriver.objects.create(result=result, driver=teamwork, score=score)


def done_action(org, unit, completed_index: int):
    owner = UserFactory(department=unit)
    action = ActionFactory(
        actor=org.hana, department=unit, owner=owner, title="Teamwork", driver="teamwork", dimension=""
    )
    completed = month(completed_index) + dt.timedelta(days=14)
    return backdate(action, start_date=completed - dt.timedelta(days=40), due_date=completed, completed_on=completed)


def test_staggered_actions_with_a_planted_effect_are_found_against_units_that_had_not_acted(org, units):
    # given five units that completed teamwork actions in different months, +8 points after
    acted = {units[0].pk: 4, units[1].pk: 6, units[2].pk: 7, units[3].pk: 5, units[4].pk: 8}
    history(org, units, acted=acted, effect=8.0)
    actions = [done_action(org, unit, acted[unit.pk]) for unit in units[:5]]
    # when
    effect = evaluation.action_effect(actions[0])
    # then
    assert effect.method == "did"
    assert effect.estimate.treated_units == 5
    assert effect.estimate.att == pytest.approx(8.0, abs=3.0)
    assert effect.estimate.p_value < 0.05
    assert "The evidence points to a real improvement." in effect.text
    assert "evidence, not proof" in effect.text


def test_without_an_effect_the_sentence_says_the_data_cannot_tell(org, units):
    acted = {units[0].pk: 4, units[1].pk: 6, units[2].pk: 7}
    history(org, units, acted=acted, effect=0.0, seed=5)
    actions = [done_action(org, unit, acted[unit.pk]) for unit in units[:3]]
    effect = evaluation.action_effect(actions[1])
    assert effect.method == "did"
    assert effect.estimate.p_value >= 0.05
    assert "The data cannot tell whether acting moved the score." in effect.text


def test_with_no_unit_left_to_compare_it_reads_the_departments_own_months_and_says_what_that_cannot_separate(
    org, units
):
    acted = {unit.pk: 6 for unit in units}
    history(org, units, acted=acted, effect=8.0)
    actions = [done_action(org, unit, 6) for unit in units]
    effect = evaluation.action_effect(actions[0])
    assert effect.method == "series"
    assert "cannot separate the action from anything else" in effect.text


def test_one_acting_unit_is_too_few_to_tell(org, units):
    history(org, units, acted={units[0].pk: 6}, effect=8.0)
    effect = evaluation.action_effect(done_action(org, units[0], 6))
    assert (effect.method, effect.estimate) == ("", None)
    assert "cannot tell yet" in effect.text


def test_an_action_completed_this_month_has_no_after_yet(org, units):
    history(org, units, acted={}, effect=0.0)
    effect = evaluation.action_effect(done_action(org, units[0], MONTHS - 1))
    assert "no month after the action was completed has results" in effect.text


def test_the_action_page_shows_the_comparison(client, org, units):
    acted = {units[0].pk: 4, units[1].pk: 6, units[2].pk: 7}
    history(org, units, acted=acted, effect=8.0)
    actions = [done_action(org, unit, acted[unit.pk]) for unit in units[:3]]
    action = actions[0]
    client.force_login(org.hana)
    page = client.get(f"/improvement/actions/{action.pk}/").content.decode()
    assert "Did it work? Compared with units that did not act" in page
    assert "staggered" in page


def test_the_action_page_draws_the_months_around_acting_and_finds_no_earlier_drift(client, org, units):
    # given five staggered actions, +8 after acting, no drift before
    acted = {units[0].pk: 4, units[1].pk: 6, units[2].pk: 7, units[3].pk: 5, units[4].pk: 8}
    history(org, units, acted=acted, effect=8.0)
    action = [done_action(org, unit, acted[unit.pk]) for unit in units[:5]][0]  # noqa: RUF015 (all five act)
    # when
    effect = evaluation.action_effect(action)
    client.force_login(org.hana)
    page = " ".join(client.get(f"/improvement/actions/{action.pk}/").content.decode().split())
    # then: the event study from −3 to +3, its chart and its table
    study = effect.event_study
    assert [time.relative for time in study.times] == [-3, -2, -1, 0, 1, 2, 3]
    assert not study.diverging
    assert "moved alike" in effect.pre_trend and "already diverging" not in page
    assert '<figure class="chart impr-event-study">' in page and 'id="event-study-table"' in page
    assert page.count('class="impr-event-point') == 7
    after = [time.att for time in study.times if time.relative >= 0]
    assert np.mean(after) == pytest.approx(8.0, abs=3.0)


def test_units_already_drifting_apart_before_acting_are_flagged_on_the_page(client, org, units):
    # given: the acting units climb 3 points a month against the others, before and after
    acted = {units[0].pk: 5, units[1].pk: 6, units[2].pk: 7, units[3].pk: 5, units[4].pk: 8}
    history(org, units, acted=acted, effect=0.0, drift=3.0)
    action = [done_action(org, unit, acted[unit.pk]) for unit in units[:5]][0]  # noqa: RUF015 (all five act)
    # when
    effect = evaluation.action_effect(action)
    client.force_login(org.hana)
    page = " ".join(client.get(f"/improvement/actions/{action.pk}/").content.decode().split())
    # then
    assert effect.event_study.diverging
    assert "The units were already diverging before the action" in page
    assert "the estimate may be biased" in page
