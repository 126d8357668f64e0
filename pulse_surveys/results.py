"""A closed round's results worked out from plain data: no database, no models.

`pulse_surveys.services.round_results_materialise` reads a round's answers, asks
`pulse_surveys.anonymity` which groups may be shown, hands both to `round_results` and writes
what comes back. Here the answers are rolled up the department tree (each department's group
is its whole subtree, the whole audience's is `TOTAL`), each group gets its figures — exactly,
with protective noise (`pulse_surveys.noise`), or none when hidden — and its comments in a
fresh random order.
"""

import math
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field

from pulse_surveys import anonymity, noise

# The whole audience's node in the department tree; it has no department.
TOTAL = "total"
# The kinds of question (`pulse_surveys.models.QuestionKind`) that carry figures.
LIKERT = "likert"
ENPS = "enps"
# A protected group whose noise would make its figures meaningless
# (`pulse_surveys.models.SuppressionReason.TOO_NOISY`).
TOO_NOISY = "too_noisy"

_SHUFFLE = random.SystemRandom()


def node_of(department_id) -> Hashable:
    """The tree node of a department's own members (`TOTAL` for those in none)."""
    return TOTAL if department_id is None else department_id


@dataclass(frozen=True)
class QuestionSpec:
    """What scoring needs of a question: its kind, its driver (Likert questions) and the
    answers it allows (None: free text)."""

    kind: str
    driver_id: Hashable | None = None
    value_range: tuple[int, int] | None = None


@dataclass
class Group:
    """A node's subtree: people invited and responding, answer counts per question, comments."""

    invited: int = 0
    responded: int = 0
    values: dict = field(default_factory=lambda: defaultdict(Counter))
    comments: list = field(default_factory=list)


@dataclass
class GroupResult:
    """What is stored of one group (`pulse_surveys.models.RoundResult` and its drivers)."""

    node: Hashable
    parent: Hashable | None
    invited: int
    responded: int
    suppressed: bool
    reason: str = ""
    protected: bool = False
    epsilon: float | None = None
    score: float | None = None
    score_margin: float | None = None
    score_noise_scale: float | None = None
    score_noise_variance: float | None = None
    enps: float | None = None
    enps_margin: float | None = None
    enps_noise_scale: float | None = None
    enps_noise_variance: float | None = None
    distributions: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)
    # driver id -> (score, margin, noise scale, noise variance); the last three only when protected
    drivers: dict = field(default_factory=dict)


def likert_score(value_counts: Mapping[int, int]) -> float | None:
    """Mean of (v − 1) / 4 × 100 over Likert answers 1–5: 0 (all "strongly disagree") to 100."""
    total = sum(value_counts.values())
    if not total:
        return None
    return sum((value - 1) / 4 * 100 * count for value, count in value_counts.items()) / total


def enps_score(value_counts: Mapping[int, int]) -> float | None:
    """Employee Net Promoter Score: % answering 9–10 minus % answering 0–6 (−100 to 100)."""
    total = sum(value_counts.values())
    if not total:
        return None
    promoters = sum(count for value, count in value_counts.items() if value >= 9)
    detractors = sum(count for value, count in value_counts.items() if value <= 6)
    return (promoters - detractors) / total * 100


def roll_up(
    parents: Mapping[Hashable, Hashable | None],
    invited: Mapping[Hashable, int],
    responded: Mapping[Hashable, int],
    values: Mapping[Hashable, Mapping[int, Mapping[int, int]]],
    comments: Mapping[Hashable, list],
) -> dict[Hashable, Group]:
    """Each node's group from what its own members gave (all keyed by node, `TOTAL` for those in
    no department): its own plus its children's groups. Children before their parent."""
    children = defaultdict(list)
    for node, parent in parents.items():
        if parent is not None:
            children[parent].append(node)
    groups: dict = {}

    def visit(node) -> Group:
        group = Group(invited.get(node, 0), responded.get(node, 0), comments=list(comments.get(node, ())))
        for question_id, counts in values.get(node, {}).items():
            group.values[question_id].update(counts)
        for child in children[node]:
            below = visit(child)
            group.invited, group.responded = group.invited + below.invited, group.responded + below.responded
            group.comments = group.comments + below.comments
            for question_id, counts in below.values.items():
                group.values[question_id].update(counts)
        groups[node] = group
        return group

    for root in [node for node, parent in parents.items() if parent is None]:
        visit(root)
    return groups


def noise_totals(values: Mapping[int, Mapping[int, int]], questions: Mapping[int, QuestionSpec]) -> tuple:
    """A group's integer totals behind its figures (see `pulse_surveys.noise`): the overall
    score's, eNPS's (promoters − detractors) and each driver's, from its answer counts."""
    likert, promoters, by_driver = Counter(), Counter(), defaultdict(Counter)
    for question_id, counts in values.items():
        question = questions[question_id]
        if question.kind == LIKERT:
            likert.update(counts)
            by_driver[question.driver_id].update(counts)
        elif question.kind == ENPS:
            promoters.update(counts)
    likert_per_person = sum(q.kind == LIKERT for q in questions.values())
    enps_per_person = sum(q.kind == ENPS for q in questions.values())
    driver_per_person = Counter(q.driver_id for q in questions.values() if q.kind == LIKERT)

    def likert_total(counts: Counter, per_person: int) -> noise.Total:
        return noise.Total(sum((v - 1) * n for v, n in counts.items()), counts.total(), per_person)

    net = sum(n for v, n in promoters.items() if v >= 9) - sum(n for v, n in promoters.items() if v <= 6)
    return (
        likert_total(likert, likert_per_person),
        noise.Total(net, promoters.total(), enps_per_person),
        {d: likert_total(counts, driver_per_person[d]) for d, counts in by_driver.items() if counts},
    )


def protect(parents, own, decisions, totals, budget: float) -> tuple[dict, dict]:
    """Hides each protected group whose overall score would be meaningless with the noise it
    carries: at once, those that would draw noise and whose own score even the whole budget
    would leave too wide; then, one at a time and smallest first, those whose residuals' summed
    noise would be too wide. A hidden group's residual joins the one above. Then draws each
    residual's noise, once, and returns the decisions and each protected group's figures. A
    protected group that holds no residual's noise shows only what exact groups below it add up
    to: it is shown exactly. (Hiding a group that rules 1–3 show only merges residuals: still
    safe.)"""
    decisions = dict(decisions)
    plans: dict = {}  # a group's plan depends on its own totals only

    def plan_of(node):
        if node not in plans:
            plans[node] = noise.plan(budget, *totals[node])
        return plans[node]

    while True:
        sources = anonymity.noise_sources(parents, own, decisions)
        drawing = {h for held in sources.values() for h in held}
        # A residual whose own group's score would be meaningless even with the whole budget
        # is hidden whatever else is: all such at once.
        hopeless = [h for h in drawing if plan_of(h) is None]
        if hopeless:
            for node in hopeless:
                decisions[node] = anonymity.Decision(True, TOO_NOISY)
            continue
        failing = [
            group
            for group, held in sources.items()
            if held
            and (
                not totals[group][0].answers
                or math.ceil(
                    noise.margin_of_sum([plans[h]["score"] for h in held])
                    * 100
                    / (noise.LIKERT_SENSITIVITY * totals[group][0].answers)
                )
                > noise.MEANINGLESS_MARGIN
            )
        ]
        if not failing:
            break
        smallest = min(failing, key=lambda node: (totals[node][0].answers, repr(node)))
        decisions[smallest] = anonymity.Decision(True, TOO_NOISY)
    drawn = {h: noise.draw(plans[h]) for h in sorted(drawing, key=repr)}
    figures = {}
    for group, held in sources.items():
        if not held:
            decisions[group] = anonymity.Decision(False)
            continue
        likert, enps, drivers = totals[group]
        figures[group] = noise.combine(
            [drawn[h] for h in held], epsilon=budget, likert=likert, enps=enps, drivers=drivers
        )
    return decisions, figures


def exact_figures(values: Mapping[int, Mapping[int, int]], questions: Mapping[int, QuestionSpec]) -> dict:
    """A group shown exactly: its score, eNPS, each question's answer counts over its whole
    range (zeros included, keys as text) and each driver's score (drivers with answers only)."""
    by_kind = defaultdict(Counter)
    by_driver = defaultdict(Counter)
    for question_id, counts in values.items():
        question = questions[question_id]
        by_kind[question.kind].update(counts)
        if question.kind == LIKERT:
            by_driver[question.driver_id].update(counts)
    drivers = {q.driver_id for q in questions.values() if q.kind == LIKERT}
    return {
        "score": likert_score(by_kind[LIKERT]),
        "enps": enps_score(by_kind[ENPS]),
        "distributions": {
            str(question_id): {
                str(value): values.get(question_id, {}).get(value, 0)
                for value in range(question.value_range[0], question.value_range[1] + 1)
            }
            for question_id, question in questions.items()
            if question.value_range
        },
        "drivers": {d: (likert_score(by_driver[d]), None, None, None) for d in drivers if by_driver[d]},
    }


def round_results(
    *,
    questions: Mapping[int, QuestionSpec],
    parents: Mapping[Hashable, Hashable | None],
    invited: Mapping[Hashable, int],
    responded: Mapping[Hashable, int],
    values: Mapping[Hashable, Mapping[int, Mapping[int, int]]],
    comments: Mapping[Hashable, list],
    decisions: Mapping[Hashable, anonymity.Decision],
    budget: float,
) -> list[GroupResult]:
    """Every group's result, children before their parent. `invited`, `responded`, `values`
    (question -> answer value -> count) and `comments` are each node's own members'; `decisions`
    are `pulse_surveys.anonymity.decide`'s for the same tree and own respondents; `budget` is
    the round's ε for protected groups."""
    groups = roll_up(parents, invited, responded, values, comments)
    totals = {node: noise_totals(group.values, questions) for node, group in groups.items()}
    decisions, figures = protect(parents, Counter(responded), decisions, totals, budget)
    results = []
    for node, group in groups.items():
        decision = decisions[node]
        result = GroupResult(
            node=node,
            parent=parents[node],
            invited=group.invited,
            responded=group.responded,
            suppressed=decision.suppressed,
            reason=decision.reason,
        )
        if decision.protected:
            protected = figures[node]
            result.protected, result.epsilon = True, protected.epsilon
            result.score, result.score_margin = protected.score, protected.score_margin
            result.score_noise_scale, result.score_noise_variance = protected.score_scale, protected.score_variance
            result.enps, result.enps_margin = protected.enps, protected.enps_margin
            result.enps_noise_scale, result.enps_noise_variance = protected.enps_scale, protected.enps_variance
            result.drivers = dict(protected.drivers)
        elif not decision.suppressed:
            exact = exact_figures(group.values, questions)
            result.score, result.enps = exact["score"], exact["enps"]
            result.distributions, result.drivers = exact["distributions"], exact["drivers"]
        if not result.suppressed:
            shuffled = list(group.comments)
            _SHUFFLE.shuffle(shuffled)
            result.comments = shuffled
        results.append(result)
    return results
