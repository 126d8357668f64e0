"""What an observer of a round's results already holds from other rounds (rule 4 of
`pulse_surveys.anonymity`): for every other materialised round that asks one of the same
questions, its department tree, the groups it showed, and who was invited in which department."""

import itertools
from collections import defaultdict

import numpy as np
from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection

from pulse_surveys.anonymity import ShownRound
from pulse_surveys.models import Invitation, Participation, Round, RoundMembers, RoundResult
from pulse_surveys.results import TOTAL
from pulse_surveys.results import node_of as _node


def members_by_node(round_ids: list[int]) -> dict[int, dict]:
    """`{round: {node: [employee ids]}}`: who was invited, in the department they were in."""
    found: dict[int, dict] = {pk: defaultdict(list) for pk in round_ids}
    invitations = Invitation.objects.filter(round_id__in=round_ids).order_by()
    if connection.vendor == "postgresql":  # an array per department: a few rows instead of one per invitation
        rows = invitations.values("round_id", "department_id").annotate(ids=ArrayAgg("employee_id"))
        for round_id, department_id, employees in rows.values_list("round_id", "department_id", "ids"):
            found[round_id][_node(department_id)].extend(employees)
        return found
    for round_id, department_id, employee_id in invitations.values_list("round_id", "department_id", "employee_id"):
        found[round_id][_node(department_id)].append(employee_id)
    return found


def answered(round_ids: list[int]) -> dict[int, frozenset]:
    """`{round: employee ids}`: who answered."""
    found = defaultdict(set)
    participations = Participation.objects.filter(round_id__in=round_ids).order_by()
    if connection.vendor == "postgresql":
        rows = participations.values("round_id").annotate(ids=ArrayAgg("employee_id"))
        for round_id, employees in rows.values_list("round_id", "ids"):
            found[round_id].update(employees)
    else:
        for round_id, employee_id in participations.values_list("round_id", "employee_id"):
            found[round_id].add(employee_id)
    return {pk: frozenset(found[pk]) for pk in round_ids}


_NONE = -1  # the department of those in none, as packed
_PACKED = np.dtype("<i8")


def remember_members(round_id: int, members: dict, respondents: frozenset) -> None:
    """Keeps a materialised round's members and respondents packed in one row
    (`RoundMembers`), for the rounds after it to read."""
    sizes = [len(people) for people in members.values()]
    RoundMembers.objects.update_or_create(
        round_id=round_id,
        defaults={
            "employees": np.fromiter(itertools.chain.from_iterable(members.values()), _PACKED, sum(sizes)).tobytes(),
            "departments": np.array([_NONE if node == TOTAL else node for node in members], _PACKED).tobytes(),
            "sizes": np.array(sizes, _PACKED).tobytes(),
            "answered": np.sort(np.fromiter(respondents, _PACKED, len(respondents))).tobytes(),
        },
    )


def members_and_answered(round_ids: list[int]) -> tuple[dict[int, dict], dict[int, frozenset]]:
    """`members_by_node` and `answered` of materialised rounds, from their packed rows; a round
    materialised before they were kept is read from its invitations, and packed for next time."""
    members: dict[int, dict] = {}
    respondents: dict[int, frozenset] = {}
    for round_id, employees, departments, sizes, answered_ids in RoundMembers.objects.filter(
        round_id__in=round_ids
    ).values_list("round_id", "employees", "departments", "sizes", "answered"):
        groups = np.split(np.frombuffer(employees, _PACKED), np.cumsum(np.frombuffer(sizes, _PACKED))[:-1])
        members[round_id] = {
            _node(None if department == _NONE else department): group.tolist()
            for department, group in zip(np.frombuffer(departments, _PACKED).tolist(), groups, strict=True)
        }
        respondents[round_id] = frozenset(np.frombuffer(answered_ids, _PACKED).tolist())
    missing = [pk for pk in round_ids if pk not in members]
    if missing:
        members.update(members_by_node(missing))
        respondents.update(answered(missing))
        for pk in missing:
            remember_members(pk, members[pk], respondents[pk])
    return members, respondents


def earlier_shown_rounds(pulse_round: Round, known: dict[int, ShownRound | None] | None = None) -> list[ShownRound]:
    """The other rounds whose results are out and share a question with `pulse_round`, with
    the groups they showed exactly (a protected group's figures carry their own noise).

    `known` (round id → ShownRound), kept by a caller that materialises several rounds in a row,
    saves reading the same rounds' invitations again and keeps what their objects have worked
    out (their residuals, their view for rule 5). The caller must drop a round from it when it
    materialises that round again (`pulse_surveys.services.rounds_results_materialise` does),
    and no other process may materialise the survey's rounds while it holds them: it is for
    rebuilding a history (the generator, the demo, a change of rules), not for the close job."""
    others = list(
        Round.objects.filter(results_ready=True, questions__in=pulse_round.questions.all())
        .exclude(pk=pulse_round.pk)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")  # rule 5 works through them in this order: the same decision every time
    )
    if not others:
        return []
    known = {} if known is None else known
    missing = [pk for pk in others if pk not in known]
    trees: dict[int, dict] = defaultdict(dict)
    shown: dict[int, set] = defaultdict(set)
    for round_id, department_id, parent_id, is_total, suppressed, protected in RoundResult.objects.filter(
        round_id__in=missing
    ).values_list("round_id", "department_id", "parent_department_id", "is_total", "suppressed", "protected"):
        node = TOTAL if is_total else department_id
        trees[round_id][node] = None if is_total else _node(parent_id)
        if not suppressed and not protected:
            shown[round_id].add(node)
    with_shown = [pk for pk in missing if shown[pk]]
    members, respondents = members_and_answered(with_shown)
    for pk in missing:  # a round that shows nothing exactly is kept as None: nothing to compare
        known[pk] = (
            ShownRound(parents=trees[pk], shown=shown[pk], members=members[pk], answered=respondents[pk])
            if shown[pk]
            else None
        )
    return [known[pk] for pk in others if known[pk] is not None]
