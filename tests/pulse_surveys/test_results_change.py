"""Survey results show the change since the group's previous round and how the agreement
answers lean (favourable 4–5, neutral 3, unfavourable 1–2)."""

import datetime as dt

import pytest

from pulse_surveys.models import Round
from pulse_surveys.selectors import _shares, result_comparison, round_result
from tests.improvement.conftest import cs_team, teamwork_survey  # noqa: F401 - fixtures, shared
from tests.improvement.pulse_history import closed_round, likert, month

pytestmark = pytest.mark.django_db


def _closed_earlier(pulse_round: Round, days: int) -> None:
    pulse_round.refresh_from_db()
    Round.objects.filter(pk=pulse_round.pk).update(closed_at=pulse_round.closed_at - dt.timedelta(days=days))


def test_the_results_page_shows_the_change_and_the_split(org, client, cs_team, teamwork_survey):  # noqa: F811
    # given: the previous round answered 2,2,3,3,2 and this one 4,5,3,4,1
    before = closed_round(teamwork_survey, cs_team, [2, 2, 3, 3, 2], month(-1))
    _closed_earlier(before, 30)
    now = closed_round(teamwork_survey, cs_team, [4, 5, 3, 4, 1], month(0))
    result, _breakdown = round_result(pulse_round=now, department=org.cs)
    # when
    comparison = result_comparison(result)
    # then: the change is the difference of the two scores, the split counts every answer
    assert comparison.change == pytest.approx(round(likert([4, 5, 3, 4, 1]) - likert([2, 2, 3, 3, 2]), 1))
    assert (comparison.favourable, comparison.neutral, comparison.unfavourable) == (60, 20, 20)
    client.force_login(org.budi)
    content = client.get("/pulse/results/", {"round": now.pk, "department": org.cs.pk}).content.decode()
    assert "Since the previous round" in content
    assert f"+{comparison.change:.1f}" in content
    assert "60% favourable · 20% neutral · 20% unfavourable" in content


def test_a_first_round_has_no_change_but_its_split(org, cs_team, teamwork_survey):  # noqa: F811
    only = closed_round(teamwork_survey, cs_team, [5, 5, 4, 2, 3], month(0))
    result, _breakdown = round_result(pulse_round=only, department=org.cs)
    comparison = result_comparison(result)
    assert comparison.change is None
    assert (comparison.favourable, comparison.neutral, comparison.unfavourable) == (60, 20, 20)


def test_a_hidden_result_shows_neither(org, cs_team, teamwork_survey):  # noqa: F811
    # two answers under the threshold of three
    before = closed_round(teamwork_survey, cs_team, [4, 4, 4], month(-1))
    _closed_earlier(before, 30)
    hidden = closed_round(teamwork_survey, cs_team, [5, 1], month(0))
    result, _breakdown = round_result(pulse_round=hidden, department=org.cs)
    assert result.suppressed
    comparison = result_comparison(result)
    assert (comparison.change, comparison.favourable) == (None, None)


def test_shares_add_up_to_a_hundred():
    assert _shares([1, 1, 1]) == [34, 33, 33]
    assert sum(_shares([7, 11, 13])) == 100
