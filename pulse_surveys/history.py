"""What an observer of a round's results already holds from other rounds (rule 4 of
`pulse_surveys.anonymity`): for every other materialised round that asks one of the same
questions, its department tree, the groups it showed, and who answered in which department."""

from collections import defaultdict

from django.db.models import OuterRef, Subquery

from pulse_surveys.anonymity import ShownRound
from pulse_surveys.models import Invitation, Participation, Round, RoundResult

TOTAL = "total"  # the whole audience's node, as in pulse_surveys.services


def _node(department_id):
    return TOTAL if department_id is None else department_id


def respondents_by_node(round_ids: list[int]) -> dict[int, dict]:
    """`{round: {node: [employee ids]}}`, each person in the department they were invited in."""
    invited_in = Invitation.objects.filter(round_id=OuterRef("round_id"), employee_id=OuterRef("employee_id"))
    rows = (
        Participation.objects.filter(round_id__in=round_ids)
        .annotate(department_id=Subquery(invited_in.values("department_id")[:1]))
        .values_list("round_id", "department_id", "employee_id")
        .order_by()
    )
    found: dict[int, dict] = {pk: defaultdict(list) for pk in round_ids}
    for round_id, department_id, employee_id in rows.iterator(chunk_size=20_000):
        found[round_id][_node(department_id)].append(employee_id)
    return found


def earlier_shown_rounds(pulse_round: Round) -> list[ShownRound]:
    """The other rounds whose results are out and share a question with `pulse_round`."""
    others = list(
        Round.objects.filter(results_ready=True, questions__in=pulse_round.questions.all())
        .exclude(pk=pulse_round.pk)
        .values_list("pk", flat=True)
        .distinct()
        .order_by()
    )
    if not others:
        return []
    trees: dict[int, dict] = defaultdict(dict)
    shown: dict[int, set] = defaultdict(set)
    for round_id, department_id, parent_id, is_total, suppressed in RoundResult.objects.filter(
        round_id__in=others
    ).values_list("round_id", "department_id", "parent_department_id", "is_total", "suppressed"):
        node = TOTAL if is_total else department_id
        trees[round_id][node] = None if is_total else _node(parent_id)
        if not suppressed:
            shown[round_id].add(node)
    respondents = respondents_by_node(others)
    return [ShownRound(parents=trees[pk], shown=shown[pk], respondents=respondents[pk]) for pk in others if shown[pk]]
