"""Materialising several rounds in a row (the demo, the generator, a history rebuilt after a
change of rules) reads each earlier round once for the whole sequence, and decides exactly as
materialising them one at a time does."""

import pytest
from django.db import transaction

from pulse_surveys import history, services
from pulse_surveys.models import RoundMembers, RoundResult
from tests.factories import DepartmentFactory, UserFactory
from tests.pulse_surveys.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_rounds(bank):
    """Two units; people join and move between the rounds, one stays silent in the third."""
    hr = UserFactory(role="hr")
    head = DepartmentFactory(code="HEAD", name="Head")
    units = [DepartmentFactory(code=f"U{i}", name=f"Unit {i}", parent=head) for i in range(2)]
    people = [UserFactory(department=units[i % 2]) for i in range(24)]
    survey = services.survey_create(
        title="Pulse",
        questions=[bank["recognition-1"], bank["workload-1"], bank["enps"]],
        anonymity_threshold=5,
        actor=hr,
        departments=[head],
    )
    rounds = []
    for number in range(4):
        if number == 1:
            people.append(UserFactory(department=units[0]))  # a newcomer
        if number == 2:
            people[0].department = units[1]  # someone moves
            people[0].save()
        pulse_round = open_round(survey)
        for index, person in enumerate(people):
            if not (number == 2 and index == 3):  # one stays silent
                answer(pulse_round, person, likert=1 + (index + number) % 5, enps=(index * 3 + number) % 11)
        rounds.append(close(pulse_round))
    return rounds


def _decisions(rounds) -> list:
    fields = ("round_id", "department_id", "is_total", "suppressed", "reason", "protected")
    return sorted(RoundResult.objects.filter(round__in=rounds).values_list(*fields), key=repr)


def _view(shown_round) -> tuple:
    return (
        sorted(shown_round.parents.items(), key=repr),
        sorted(shown_round.shown, key=repr),
        sorted(((node, sorted(people)) for node, people in shown_round.members.items()), key=repr),
        sorted(shown_round.answered),
    )


class _Undo(Exception):
    pass


def test_a_sequence_decides_every_group_as_one_round_at_a_time_does(four_rounds):
    # given: every round materialised once more one at a time, oldest first (then undone)
    ids = [pulse_round.pk for pulse_round in four_rounds]
    with pytest.raises(_Undo), transaction.atomic():
        for round_id in ids:
            services.round_results_materialise(round_id=round_id, rewrite_storage=False)
        one_at_a_time = _decisions(four_rounds)
        raise _Undo
    # when: the same rounds as one sequence
    services.rounds_results_materialise(ids, rewrite_storage=False)
    # then: the same decision for every group of every round, some of them protected
    assert _decisions(four_rounds) == one_at_a_time
    assert any(protected for *_rest, protected in one_at_a_time)


def test_a_round_materialised_again_is_read_afresh_by_the_rounds_after_it(four_rounds):
    first, second, _third, fourth = four_rounds
    # given: the rounds as the fourth one sees them, kept for a sequence
    known: dict = {}
    history.earlier_shown_rounds(fourth, known)
    kept = known[second.pk]
    # when: the second round is materialised again within the sequence
    services.round_results_materialise(round_id=second.pk, rewrite_storage=False, known=known)
    # then: the rounds after it read it as it is stored now, not as it was kept
    seen = sorted(map(repr, map(_view, history.earlier_shown_rounds(fourth, known))))
    fresh = sorted(map(repr, map(_view, history.earlier_shown_rounds(fourth))))
    assert known[second.pk] is not kept
    assert seen == fresh
    assert first.pk in known


def _as_invited(members: dict) -> dict:
    return {node: sorted(people) for node, people in members.items()}


def test_a_materialised_round_keeps_who_was_invited_where_and_who_answered_in_one_row(four_rounds):
    # given: the rounds as closing them materialised them
    ids = [pulse_round.pk for pulse_round in four_rounds]
    # then: each has its packed row, and it reads back as its invitations and participations say
    assert RoundMembers.objects.filter(round_id__in=ids).count() == len(ids)
    members, respondents = history.members_and_answered(ids)
    assert {pk: _as_invited(m) for pk, m in members.items()} == {
        pk: _as_invited(m) for pk, m in history.members_by_node(ids).items()
    }
    assert respondents == history.answered(ids)
    # (the third round's silent person is invited and not among those who answered)
    third = four_rounds[2].pk
    assert len(respondents[third]) == sum(map(len, members[third].values())) - 1


def test_a_round_materialised_before_its_row_was_kept_is_read_from_its_invitations_and_kept(four_rounds):
    # given: rounds whose packed rows are missing (materialised by an earlier version)
    first, second, third, fourth = four_rounds
    before = _decisions([fourth])
    RoundMembers.objects.filter(round__in=[first, second, third]).delete()
    # when: the fourth round is materialised again
    services.round_results_materialise(round_id=fourth.pk, rewrite_storage=False)
    # then: it decides as before, and the rounds it compared with (those showing a group
    # exactly) are packed for the next time
    assert _decisions([fourth]) == before
    compared = set(
        RoundResult.objects.filter(round__in=[first, second, third], suppressed=False, protected=False).values_list(
            "round_id", flat=True
        )
    )
    assert first.pk in compared
    assert set(RoundMembers.objects.values_list("round_id", flat=True)) == compared | {fourth.pk}
    members, _respondents = history.members_and_answered([first.pk])
    assert _as_invited(members[first.pk]) == _as_invited(history.members_by_node([first.pk])[first.pk])


def test_the_packed_row_follows_a_round_materialised_again(four_rounds):
    # given: a person invited to the first round leaves before it is materialised again
    first = four_rounds[0]
    leaving = first.invitations.order_by("pk").first()
    leaving.delete()
    # when
    services.round_results_materialise(round_id=first.pk, rewrite_storage=False)
    # then: the packed row says what the invitations now say
    members, _respondents = history.members_and_answered([first.pk])
    assert leaving.employee_id not in {p for people in members[first.pk].values() for p in people}
    assert _as_invited(members[first.pk]) == _as_invited(history.members_by_node([first.pk])[first.pk])
