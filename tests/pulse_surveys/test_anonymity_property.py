"""No hidden group's totals can be derived from the shown results, whatever the tree.

The observer knows every group's respondent count (counts are always shown) and the totals
(score sums, answer counts per value, comments) of every shown group. Totals are additive over
the *atoms* (each department's own respondents), so what the observer can compute is exactly
the linear span of the shown groups' indicator vectors over the atoms, plus every atom known
to be empty. A set of respondents is exposed when its indicator lies in that span.
"""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pulse_surveys.anonymity import BELOW_THRESHOLD, COMPLEMENTARY, decide


@st.composite
def trees(draw):
    """Random department trees (node 0 is the whole audience) with own respondent counts."""
    size = draw(st.integers(min_value=1, max_value=10))
    parents = {0: None}
    for node in range(1, size):
        parents[node] = draw(st.integers(min_value=0, max_value=node - 1))
    own = {node: draw(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])) for node in parents}
    threshold = draw(st.integers(min_value=3, max_value=6))
    return parents, own, threshold


def subtree(parents, node) -> set:
    members = {node}
    changed = True
    while changed:
        extra = {n for n, p in parents.items() if p in members and n not in members}
        members |= extra
        changed = bool(extra)
    return members


def derivable(rows: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Which of `vectors` lie in the row space of `rows`."""
    if rows.size == 0:
        return ~vectors.any(axis=1)
    _u, singular, vt = np.linalg.svd(rows, full_matrices=False)
    basis = vt[singular > 1e-9]
    residual = vectors - vectors @ basis.T @ basis
    return np.abs(residual).max(axis=1) < 1e-7


@settings(max_examples=400, deadline=None)
@given(trees())
def test_no_small_or_hidden_group_can_be_derived_from_shown_results(tree):
    parents, own, threshold = tree
    decisions = decide(parents, own, threshold)
    nodes = sorted(parents)
    index = {node: i for i, node in enumerate(nodes)}
    groups = {node: subtree(parents, node) for node in nodes}
    size = {node: sum(own[m] for m in groups[node]) for node in nodes}

    def indicator(members) -> np.ndarray:
        vector = np.zeros(len(nodes))
        vector[[index[m] for m in members]] = 1
        return vector

    shown = [node for node in nodes if not decisions[node].suppressed]
    known = [indicator(groups[node]) for node in shown]
    known += [indicator({node}) for node in nodes if own[node] == 0]  # empty atoms are known empty
    rows = np.array(known) if known else np.zeros((0, len(nodes)))

    # 1. Below the threshold is always hidden.
    for node in nodes:
        if size[node] < threshold:
            assert decisions[node].suppressed and decisions[node].reason == BELOW_THRESHOLD

    # 2. No hidden group with anyone in it can be derived.
    hidden = [node for node in nodes if decisions[node].suppressed and size[node] > 0]
    if hidden:
        exposed = derivable(rows, np.array([indicator(groups[node]) for node in hidden]))
        assert not exposed.any(), [hidden[i] for i in np.flatnonzero(exposed)]

    # 3. No set of respondents smaller than the threshold can be derived: every union of atoms
    #    whose totals follow from the shown results holds nobody or at least `threshold`.
    occupied = [node for node in nodes if own[node] > 0]
    subsets = [combo for r in range(1, len(occupied) + 1) for combo in itertools.combinations(occupied, r)]
    small = [combo for combo in subsets if sum(own[n] for n in combo) < threshold]
    if small:
        exposed = derivable(rows, np.array([indicator(combo) for combo in small]))
        assert not exposed.any(), [small[i] for i in np.flatnonzero(exposed)]


@settings(max_examples=200, deadline=None)
@given(trees())
def test_complementary_suppression_is_used_only_when_needed(tree):
    """Every group hidden to protect another would expose something if it were shown."""
    parents, own, threshold = tree
    decisions = decide(parents, own, threshold)
    for node, decision in decisions.items():
        if decision.reason != COMPLEMENTARY:
            continue
        trial = dict(decisions)
        trial[node] = decision.__class__(False)
        # Showing it must make some shown group's residual unsafe.
        shown = {n for n, d in trial.items() if not d.suppressed}
        residuals = []
        for candidate in shown:
            members = subtree(parents, candidate)
            covered = set().union(*(subtree(parents, s) for s in shown if s != candidate and s in members))
            residuals.append(sum(own[m] for m in members - covered))
        assert any(0 < r < threshold for r in residuals)


def test_a_parent_minus_its_shown_children_would_expose_a_small_unit():
    # given the whole audience (0) with a unit of 2 (1) and two units of 10 (2, 3)
    parents, own = {0: None, 1: 0, 2: 0, 3: 0}, {0: 0, 1: 2, 2: 10, 3: 12}
    # when
    decisions = decide(parents, own, 5)
    # then the small unit is hidden, and so is the next-smallest sibling
    assert decisions[1].reason == BELOW_THRESHOLD
    assert decisions[2].reason == COMPLEMENTARY
    assert not decisions[3].suppressed and not decisions[0].suppressed


def test_a_department_s_own_members_are_protected_like_a_child():
    # given a manager alone in the parent unit (1 own respondent) above two shown units
    parents, own = {0: None, 1: 0, 2: 0}, {0: 1, 1: 6, 2: 9}
    decisions = decide(parents, own, 5)
    # then one of the units is hidden, so the manager's answers are not parent minus children
    assert decisions[1].suppressed and not decisions[2].suppressed


def test_a_department_with_one_sub_unit_hides_one_of_the_two():
    # a department (1) with one own member and one sub-unit of 7 (2)
    parents, own = {0: None, 1: 0, 2: 1, 3: 0}, {0: 0, 1: 1, 2: 7, 3: 20}
    decisions = decide(parents, own, 5)
    assert decisions[1].suppressed != decisions[2].suppressed  # 1 − 2 would be one person


def test_the_parent_is_hidden_when_no_shown_group_below_can_absorb_it():
    # 1 has one own member; its only child 2 has no own members and merely holds 3 (7 people)
    parents, own = {0: None, 1: 0, 2: 1, 3: 2}, {0: 0, 1: 1, 2: 0, 3: 7}
    decisions = decide(parents, own, 5)
    assert decisions[1].reason == COMPLEMENTARY and decisions[0].reason == COMPLEMENTARY
    assert not decisions[2].suppressed and not decisions[3].suppressed
