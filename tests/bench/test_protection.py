"""The protection benchmark counts what the latest round shows and times rounds along the history."""

import pytest

from bench import protection
from pulse_surveys.models import Round, RoundResult

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_every_result_rules_1_to_3_allow_is_counted_once_and_timing_rolls_back(tiny_org):
    def stored():
        return sorted(RoundResult.objects.values_list("pk", "score", "suppressed", "protected"), key=repr)

    # given the stored results of the tiny organisation
    before = stored()
    # when
    (latest,) = protection.shares()
    timings = protection.time_history([2, 24], repeat=2)
    # then exact, protected and hidden-as-too-noisy add up to what rules 1–3 allow
    assert latest["exact"] + latest["protected"] + latest["hidden_too_noisy"] == latest["allowed_by_rules_1_to_3"] > 0
    assert latest["round"] == 24 and set(timings) == {2, 24}
    # and timing a round left the stored results as they were
    assert stored() == before and Round.objects.filter(results_ready=True).count() == 24
    # and the whole history can be materialised again, round by round
    history = protection.rematerialise_history()
    assert len(history["per_round"]) == 24 and Round.objects.filter(results_ready=True).count() == 24


def test_a_group_is_too_small_for_the_budget_when_even_the_whole_budget_leaves_its_score_too_wide(tiny_org):
    # given the latest round's groups of the tiny organisation: the whole audience, and its
    # smallest department with answers
    latest = Round.objects.filter(results_ready=True).order_by("closed_at", "pk").last()
    small = (
        RoundResult.objects.filter(round=latest, is_total=False, responded__gt=0)
        .order_by("responded", "pk")
        .values_list("department_id", "responded")
        .first()
    )
    assert 0 < small[1] < 22
    # when / then: a few respondents' score cannot be protected within ±25 points; everyone's can
    assert protection.too_small_for_the_budget(latest, [(small[0], False)]) == 1
    assert protection.too_small_for_the_budget(latest, [(None, True)]) == 0
    # and the shares say how many of the hidden groups are so small
    (shares,) = protection.shares()
    assert 0 <= shares["hidden_too_small_for_the_budget"] <= shares["hidden_too_noisy"]
    assert shares["most_the_budget_could_show"] == (
        shares["allowed_by_rules_1_to_3"] - shares["hidden_too_small_for_the_budget"]
    )
