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
