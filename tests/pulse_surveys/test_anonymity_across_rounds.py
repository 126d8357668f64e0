"""Rules 4 and 5 of `pulse_surveys.anonymity`: two rounds' *exact* results never differ by a
few people (a group they would hide is shown with protective noise instead; its guarantee is
tested in test_anonymity_noise.py).

The observer is assumed to know who was invited to each round and in which department, the
totals of every shown group in both rounds, and — the worst case — that everyone answers the
same in both rounds. (In these tests everyone invited answers.) Then the difference of two shown sets of people is a
set whose totals are known.
"""

import itertools

import networkx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pulse_surveys.anonymity import _OUTSIDE, ShownRound, _NowVertices, _Pairing, _small_cut, _small_cut_codes, decide


def _own_counts(respondents):
    return {node: len(people) for node, people in respondents.items()}


def _round(parents, respondents, threshold, earlier=(), invited=None):
    """Decides a round; `invited` (per node) defaults to the respondents (everyone answers)."""
    members = invited or respondents
    answered = frozenset(p for people in respondents.values() for p in people)
    decisions = decide(
        parents, _own_counts(respondents), threshold, members=members, answered=answered, earlier=earlier
    )
    return decisions, ShownRound(parents=parents, shown=_exact(decisions), members=members, answered=answered)


def _exact(decisions):
    return {node for node, decision in decisions.items() if not decision.suppressed and not decision.protected}


def _subtree(parents, node):
    members, frontier = {node}, [node]
    while frontier:
        current = frontier.pop()
        below = [n for n, p in parents.items() if p == current]
        members.update(below)
        frontier.extend(below)
    return members


def _atoms(parents, respondents, shown):
    """Every shown group and every shown group's residual, as sets of people (brute force)."""
    people = {node: set().union(*(set(respondents.get(m, ())) for m in _subtree(parents, node))) for node in parents}
    atoms = []
    for node in shown:
        atoms.append(frozenset(people[node]))
        below = [n for n in _subtree(parents, node) - {node} if n in shown]
        atoms.append(frozenset(people[node].difference(*(people[n] for n in below))))
    return atoms


@st.composite
def two_rounds(draw):
    """A tree, and people who answer in some node in round 1 and in some node in round 2 (or not at all)."""
    size = draw(st.integers(min_value=1, max_value=6))
    parents = {0: None}
    for node in range(1, size):
        parents[node] = draw(st.integers(min_value=0, max_value=node - 1))
    threshold = draw(st.integers(min_value=3, max_value=5))
    people = draw(st.integers(min_value=0, max_value=24))
    where = st.one_of(st.none(), st.sampled_from(sorted(parents)))
    rounds = []
    placement_1 = [draw(where) for _ in range(people)]
    # Most people stay where they were; some move, join or leave.
    placement_2 = [draw(st.one_of(st.just(first), where)) for first in placement_1]
    for placement in (placement_1, placement_2):
        respondents = {node: [] for node in parents}
        for person, node in enumerate(placement):
            if node is not None:
                respondents[node].append(person)
        rounds.append(respondents)
    return parents, threshold, people, rounds


@settings(max_examples=400, deadline=None)
@given(two_rounds())
def test_no_atom_of_a_round_differs_from_an_earlier_round_s_atom_by_fewer_than_the_threshold(case):
    parents, threshold, _people, (first, second) = case
    _decisions, earlier = _round(parents, first, threshold)
    decisions, _later = _round(parents, second, threshold, earlier=[earlier])
    shown = _exact(decisions)
    for atom, other in itertools.product(_atoms(parents, second, shown), _atoms(parents, first, earlier.shown)):
        assert not 0 < len(atom ^ other) < threshold, (sorted(atom), sorted(other))
    # and within the round every residual is still empty or at least the threshold
    for atom in _atoms(parents, second, shown):
        assert not 0 < len(atom) < threshold


def _isolating_combination(rounds: list[ShownRound], threshold: int) -> set | None:
    """Brute force over the combinations of two rounds' results: each shown group's residual
    (the people in its subtree who are in no shown group below it) has a total an observer can
    derive, and an observer who assumes that everyone answers alike in both rounds adds the
    residual totals of one round and subtracts those of the other. Every 0/1 choice of
    residuals is tried (a combination with any other coefficients holds all the people of
    some 0/1 one); it holds the answers of those who answered in either round and are counted
    once more on one side than the other. Returns such a set of 1 to `threshold` - 1 people,
    or None."""
    columns = []
    for sign, shown_round in zip((1, -1), rounds, strict=True):
        tree = shown_round.parents
        for group in shown_round.shown:
            below = [n for n in _subtree(tree, group) - {group} if n in shown_round.shown]
            people = {p for n in _subtree(tree, group) for p in shown_round.members.get(n, ())}
            people -= {p for b in below for n in _subtree(tree, b) for p in shown_round.members.get(n, ())}
            if people & shown_round.answered:  # a residual holding no answer adds nothing
                columns.append((sign, people))
    respondents = sorted(rounds[0].answered | rounds[1].answered)
    if not columns or not respondents:
        return None
    matrix = np.array([[sign * (p in people) for sign, people in columns] for p in respondents])
    choices = np.array(list(itertools.product((0, 1), repeat=len(columns))))
    held = (choices @ matrix.T) != 0
    sizes = held.sum(axis=1)
    small = np.flatnonzero((sizes > 0) & (sizes < threshold))
    return {respondents[i] for i in np.flatnonzero(held[small[0]])} if small.size else None


@st.composite
def two_rounds_with_silence(draw):
    """As `two_rounds`, and each person invited to a round answers it or not."""
    parents, threshold, _people, rounds = draw(two_rounds())
    invited, answered = [], []
    for placement in rounds:
        invited.append(placement)
        # about three in four answer
        answered.append(
            {
                node: [p for p in people if draw(st.booleans()) or draw(st.booleans())]
                for node, people in placement.items()
            }
        )
    return parents, threshold, invited, answered


@settings(max_examples=300, deadline=None)
@given(two_rounds_with_silence())
def test_no_combination_of_two_rounds_singles_out_fewer_than_the_threshold(case):
    parents, threshold, (invited_1, invited_2), (answered_1, answered_2) = case
    _decisions, earlier = _round(parents, answered_1, threshold, invited=invited_1)
    _decisions, later = _round(parents, answered_2, threshold, earlier=[earlier], invited=invited_2)
    assert _isolating_combination([later, earlier], threshold) is None


def test_a_group_of_one_round_minus_two_groups_of_another_does_not_isolate_anyone():
    # given a department (2) with a unit (3) that holds two sub-units (4, 5); threshold 3
    parents = {0: None, 1: 0, 2: 0, 3: 2, 4: 3, 5: 3}
    first = {0: [10, 22, 23], 1: [], 2: [11, 12], 3: [13, 20], 4: [14, 15, 19], 5: [16, 17, 18]}
    # when person 20 leaves and person 19 moves from sub-unit 4 to 5
    second = {0: [10, 22, 23], 1: [], 2: [11, 12], 3: [13], 4: [14, 15], 5: [16, 17, 18, 19]}
    _decisions, earlier = _round(parents, first, 3)
    decisions, later = _round(parents, second, 3, earlier=[earlier])
    shown_now = _exact(decisions)
    # then unit 3 of round 2 minus sub-units 4 and 5 of round 1 is not person 13 alone
    assert not (3 in shown_now and {4, 5} <= earlier.shown), (shown_now, earlier.shown)
    # and no other combination of the two rounds singles anyone out
    assert _isolating_combination([later, earlier], 3) is None
    # as it would if round 2 were decided without round 1
    assert _isolating_combination([_round(parents, second, 3)[1], earlier], 3) is not None


def test_one_person_joining_a_shown_group_protects_the_group_in_the_next_round():
    # given a unit (1) under the whole audience (0): six answer in round 1, the same six and one more in round 2
    parents = {0: None, 1: 0}
    first = {0: [], 1: [1, 2, 3, 4, 5, 6]}
    second = {0: [], 1: [1, 2, 3, 4, 5, 6, 7]}
    # when
    _decisions, earlier = _round(parents, first, 5)
    decisions, _later = _round(parents, second, 5, earlier=[earlier])
    # then neither the unit nor the whole audience is shown exactly: each would be round 1 plus
    # person 7; both are shown with protective noise
    assert earlier.shown == {0, 1}
    assert decisions[1].protected and decisions[0].protected
    assert not decisions[1].suppressed and not decisions[0].suppressed


def test_the_same_people_or_a_change_of_the_threshold_or_more_is_shown():
    parents = {0: None, 1: 0}
    first = {0: [], 1: [1, 2, 3, 4, 5, 6]}
    _decisions, earlier = _round(parents, first, 5)
    for second in ({0: [], 1: [1, 2, 3, 4, 5, 6]}, {0: [], 1: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}):
        decisions, _later = _round(parents, second, 5, earlier=[earlier])
        assert not any(d.suppressed or d.protected for d in decisions.values()), second


def test_a_residual_that_changes_by_one_is_hidden_even_when_its_groups_change_by_more():
    # given a department (1) with two units: 2 (shown) and 3 (too small, hidden)
    parents = {0: None, 1: 0, 2: 1, 3: 1}
    first = {0: [], 1: [], 2: [1, 2, 3, 4, 5], 3: [6, 7, 8, 9, 10]}
    # when five join unit 2 and one joins unit 3: department 1 gains six, unit 2 five
    second = {0: [], 1: [], 2: [1, 2, 3, 4, 5, 11, 12, 13, 14, 15], 3: [6, 7, 8, 9, 10, 16]}
    _decisions, earlier = _round(parents, first, 5)
    decisions, _later = _round(parents, second, 5, earlier=[earlier])
    # then (department 1 − unit 2) in round 2 minus the same in round 1 would be person 16 alone
    shown = _exact(decisions)
    residual = {6, 7, 8, 9, 10, 16} if {1, 2} <= shown else None
    assert residual is None, shown
    assert any(d.protected for d in decisions.values())


def test_someone_who_joins_without_answering_changes_nothing():
    # given a unit (1) of seven invited, six of whom answer in both rounds
    parents = {0: None, 1: 0}
    answering = {0: [], 1: [1, 2, 3, 4, 5, 6]}
    _decisions, earlier = _round(parents, answering, 5, invited={0: [], 1: [1, 2, 3, 4, 5, 6, 7]})
    # when person 8 joins the unit and does not answer, and person 7 leaves (who never answered)
    decisions, _later = _round(parents, answering, 5, earlier=[earlier], invited={0: [], 1: [1, 2, 3, 4, 5, 6, 8]})
    # then both results are shown exactly: they hold the same six people's answers
    assert not any(d.suppressed or d.protected for d in decisions.values())


def test_someone_who_joins_and_answers_protects_the_group():
    parents = {0: None, 1: 0}
    _decisions, earlier = _round(parents, {0: [], 1: [1, 2, 3, 4, 5, 6]}, 5, invited={0: [], 1: [1, 2, 3, 4, 5, 6, 7]})
    decisions, _later = _round(
        parents, {0: [], 1: [1, 2, 3, 4, 5, 6, 8]}, 5, earlier=[earlier], invited={0: [], 1: [1, 2, 3, 4, 5, 6, 8]}
    )
    assert decisions[1].protected


def test_without_earlier_rounds_the_decision_is_the_single_round_one():
    parents = {0: None, 1: 0, 2: 0}
    respondents = {0: [], 1: [1, 2, 3, 4, 5, 6], 2: [7, 8, 9, 10, 11]}
    assert decide(parents, _own_counts(respondents), 5, members=respondents) == decide(
        parents, _own_counts(respondents), 5
    )


def _named(rounds: list[dict]) -> list[dict]:
    return [{node: [f"person {p}" for p in people] for node, people in placement.items()} for placement in rounds]


@settings(max_examples=200, deadline=None)
@given(two_rounds_with_silence())
def test_people_named_otherwise_than_by_integer_ids_are_decided_alike(case):
    # Employees are integer ids, which the rules count in arrays; any other names take the
    # general path, which must come to the same decisions.
    parents, threshold, invited, answered = case
    decided = []
    for invited_now, answered_now in ((invited, answered), (_named(invited), _named(answered))):
        _decisions, earlier = _round(parents, answered_now[0], threshold, invited=invited_now[0])
        decided.append(_round(parents, answered_now[1], threshold, earlier=[earlier], invited=invited_now[1])[0])
    assert decided[0] == decided[1]


@st.composite
def weighted_graphs(draw):
    vertices = draw(st.integers(min_value=2, max_value=7))
    pairs = list(itertools.combinations(range(vertices), 2))
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    weights = {}
    for a, b in chosen:  # either orientation, as rule 5's (this round's vertex, the other's) pairs come
        weights[(a, b) if draw(st.booleans()) else (b, a)] = draw(st.integers(min_value=1, max_value=6))
    return weights, draw(st.integers(min_value=2, max_value=6))


def _cut_weight(weights, side):
    return sum(w for (a, b), w in weights.items() if (a in side) != (b in side))


@settings(max_examples=400, deadline=None)
@given(weighted_graphs())
def test_the_small_cut_search_finds_a_small_cut_exactly_when_one_exists(case):
    weights, threshold = case
    graph = networkx.Graph()
    graph.add_edges_from(weights)
    components = [set(c) for c in networkx.connected_components(graph)]
    # brute force: every way of splitting every component in two
    smallest = min(
        (
            _cut_weight(weights, set(side))
            for component in components
            for size in range(1, len(component))
            for side in itertools.combinations(sorted(component), size)
        ),
        default=None,
    )
    found = _small_cut(weights, threshold)
    if smallest is None or smallest >= threshold:
        assert found is None
        return
    assert found is not None
    component, side = found
    assert component in components and side and side < component
    assert 1 <= _cut_weight(weights, side) < threshold


@st.composite
def pairings_and_moves(draw):
    """Another round's people in its vertices, this round's tree nodes with their people, each
    node's vertex here, and moves of nodes between this round's vertices, in batches."""
    then_groups = draw(st.integers(min_value=1, max_value=8))
    nodes = draw(st.integers(min_value=1, max_value=12))
    people = draw(st.integers(min_value=1, max_value=80))
    then_node = [draw(st.integers(min_value=0, max_value=then_groups)) for _ in range(people)]  # the last: none
    # most people are in the node matching their group then, so that the graph falls apart
    # into several components, as large organisations' graphs do
    anywhere = st.integers(min_value=0, max_value=nodes)
    now_node = [
        draw(st.one_of(st.just(group % nodes), anywhere) if draw(st.booleans()) else anywhere) for group in then_node
    ]
    vertex = st.one_of(st.just(_OUTSIDE), st.integers(min_value=0, max_value=nodes - 1).map(lambda n: ("now", n)))
    start = {node: draw(vertex) for node in range(nodes)}
    batches = draw(
        st.lists(
            st.lists(st.tuples(st.integers(min_value=0, max_value=nodes - 1), vertex), max_size=3),
            max_size=10,
        )
    )
    return then_groups, nodes, then_node, now_node, start, batches, draw(st.integers(min_value=2, max_value=6))


@settings(max_examples=300, deadline=None)
@given(pairings_and_moves())
def test_the_search_of_what_changed_finds_the_cut_the_whole_graph_s_search_finds(case):
    """Rule 5 searches again only the components of its graph that a hide touched, and goes on
    contracting from what it had contracted when a hide only merged vertices: after every batch of
    moves, it finds the same cut as a search of the whole graph (or none, as it does)."""
    _searches_agree(case)


@st.composite
def pairings_and_merges(draw):
    """As `pairings_and_moves`, with batches that mostly merge one of this round's vertices into
    another (every node of the one moves to the other, as hiding a group does), chains of them
    included, and now and then a move that splits a vertex."""
    then_groups, nodes, then_node, now_node, start, _batches, threshold = draw(pairings_and_moves())
    where = dict(start)
    vertices = [_OUTSIDE, *(("now", node) for node in range(nodes))]
    batches = []
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        batch = []
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            if draw(st.integers(min_value=0, max_value=5)):  # a merge
                held = sorted({vertex for vertex in where.values() if vertex != _OUTSIDE}, key=repr)
                if not held:
                    continue
                gone = draw(st.sampled_from(held))
                into = draw(st.sampled_from([vertex for vertex in vertices if vertex != gone]))
                moves = [(node, into) for node, vertex in sorted(where.items()) if vertex == gone]
            else:  # one node anywhere
                moves = [(draw(st.integers(min_value=0, max_value=nodes - 1)), draw(st.sampled_from(vertices)))]
            for node, vertex in moves:
                where[node] = vertex
            batch += moves
        batches.append(batch)
    return then_groups, nodes, then_node, now_node, start, batches, threshold


@settings(max_examples=300, deadline=None)
@given(pairings_and_merges())
def test_merges_followed_on_the_contracted_graph_find_the_cut_the_whole_graph_s_search_finds(case):
    """Hides that only merge vertices are followed on the contracted graph alone (`_Contracted`),
    chains of merges in one batch and splits between them included: after every batch, the cut
    is the one a search of the whole graph finds (or none, as it finds)."""
    _searches_agree(case)


def test_a_vertex_whose_nodes_go_two_ways_is_contracted_afresh():
    """A vertex contracted with another round's vertex (6 people between them, threshold 5) hands
    its two nodes to two different vertices: what it had contracted does not carry over to either,
    and the cut is the lighter vertex alone, as the whole graph's search finds."""
    start = {0: ("now", 0), 1: ("now", 0), 2: ("now", 2)}
    _searches_agree((1, 3, [0] * 6, [0, 0, 0, 1, 1, 1], start, [[(0, ("now", 1)), (1, ("now", 2))]], 5))


def _searches_agree(case) -> None:
    then_groups, nodes, then_node, now_node, start, batches, threshold = case
    then_parents = {("g", g): None for g in range(then_groups)}
    then_members = {("g", g): [p for p, n in enumerate(then_node) if n == g] for g in range(then_groups)}
    answered = frozenset(range(len(then_node)))
    then = ShownRound(parents=then_parents, shown=set(then_parents), members=then_members, answered=answered)
    node_of_now = {person: node for person, node in enumerate(now_node) if node < nodes}
    pairing = _Pairing(node_of_now, answered, then)
    view = _NowVertices(list(range(nodes)), start)
    for batch in [[], *batches]:
        for node, vertex in batch:
            view.set(node, vertex)
        ends, other_ends, weights, vertices = pairing.graph(view)
        whole = _small_cut_codes(ends, other_ends, weights, len(vertices), threshold) if weights.size else None
        expected = tuple({vertices[i] for i in codes.tolist()} for codes in whole) if whole is not None else None
        found = pairing.small_cut(view, threshold)
        assert found == expected
        if found is not None:  # asked one vertex at a time, as the choice of the group to hide asks
            assert {vertex for vertex in [*vertices, _OUTSIDE] if vertex in found[0]} == expected[0]
