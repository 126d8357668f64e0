"""Protective noise across rounds (`pulse_surveys.anonymity` and `pulse_surveys.noise`).

The observer of `test_anonymity_across_rounds.py` (who knows every round's memberships and
shown figures, and assumes everyone answers alike in both rounds) now also sees protected
groups, whose totals carry stored noise. Every combination of two rounds' shown totals that
holds 1 to threshold − 1 people must carry noise enough that one person's answer moves its
likelihood by at most exp(ε).
"""

import itertools
import math
import random

import numpy as np
import pytest
from scipy import stats

from pulse_surveys import noise
from pulse_surveys.anonymity import Decision, ShownRound, decide, noise_sources

EPSILON = math.log(3)
SENSITIVITY = 1.0  # in these tests one person moves each total by at most one unit


def _subtree(parents, node):
    found, frontier = {node}, [node]
    while frontier:
        current = frontier.pop()
        below = [n for n, p in parents.items() if p == current]
        found.update(below)
        frontier.extend(below)
    return found


def _decide_round(parents, invited, answered, threshold, earlier=()):
    """Decides a round as materialising it does, and the noise each protected group carries:
    the draws (residual, scale) of the protected residuals it holds, each with the round's
    budget ε / 2 (a protected group holding none shows what exact groups add up to: exact)."""
    own = {node: len(people) for node, people in answered.items()}
    respondents = frozenset(p for people in answered.values() for p in people)
    decisions = decide(parents, own, threshold, members=invited, answered=respondents, earlier=earlier)
    sources = noise_sources(parents, own, decisions)
    decisions = {n: Decision(False) if n in sources and not sources[n] else d for n, d in decisions.items()}
    scales = {node: [(h, SENSITIVITY / (EPSILON / 2)) for h in held] for node, held in sources.items() if held}
    exact = {n for n, d in decisions.items() if not d.suppressed and not d.protected}
    shown = {n for n, d in decisions.items() if not d.suppressed}
    observed = ShownRound(parents=parents, shown=exact, members=invited, answered=respondents)
    return decisions, shown, scales, observed


def _unprotected_combination(rounds, threshold, *, noise_on=True):
    """Brute force over every 0/1 choice of the two rounds' residuals (each shown group's
    people minus those of the shown groups below it; its total is the group's total minus
    theirs, and so carries their noise too). People are placed where they were invited, as
    rules 4 and 5 place them (who skipped a round is not shown: see the limits in
    `pulse_surveys.anonymity`). Returns the people of a combination holding 1 to
    threshold − 1 people with no noise of scale ≥ sensitivity / ε in it, or None."""
    columns, noises = [], []
    for sign, (parents, shown, scales, observed) in zip((1, -1), rounds, strict=True):
        for group in shown:
            below = [n for n in _subtree(parents, group) - {group} if n in shown]
            top = [b for b in below if not any(b in _subtree(parents, o) - {o} for o in below)]
            people = {p for n in _subtree(parents, group) for p in observed.members.get(n, ())}
            people -= {p for b in below for n in _subtree(parents, b) for p in observed.members.get(n, ())}
            terms = {(sign, g): c for g, c in [(group, 1), *((b, -1) for b in top)] if noise_on and g in scales}
            if not people & observed.answered:
                continue  # a residual holding no answer adds nothing (and its noise only helps)
            columns.append((sign, people))
            noises.append({})
            for (side, group), c in terms.items():
                for source, scale in scales[group]:
                    coefficient = noises[-1].get((side, source), (0, scale))[0] + c
                    noises[-1][side, source] = (coefficient, scale)
    respondents = sorted(rounds[0][3].answered | rounds[1][3].answered)
    if not columns or not respondents:
        return None
    matrix = np.array([[sign * (p in people) for sign, people in columns] for p in respondents])
    keys = sorted({key for terms in noises for key in terms})
    carried = np.array([[terms[key][0] if key in terms else 0 for key in keys] for terms in noises]).reshape(
        len(columns), len(keys)
    )
    # A sum holding one noise of scale b moves by at most exp(sensitivity / b) per person.
    enough = np.array([SENSITIVITY / scale <= EPSILON + 1e-12 for _sign, scale in (_scale(noises, k) for k in keys)])
    choices = np.array(list(itertools.product((0, 1), repeat=len(columns))))
    held = (choices @ matrix.T) != 0
    sizes = held.sum(axis=1)
    noisy = ((choices @ carried) != 0)[:, enough].any(axis=1) if keys else np.zeros(len(choices), dtype=bool)
    bad = np.flatnonzero((sizes > 0) & (sizes < threshold) & ~noisy)
    return {respondents[i] for i in np.flatnonzero(held[bad[0]])} if bad.size else None


def _scale(noises, key):
    return next(terms[key] for terms in noises if key in terms)


def _random_pair(rng: random.Random):
    """A random tree; people who are invited in some node in each round (most stay, some
    join, leave or move) and who answer or not."""
    size = rng.randint(1, 6)
    parents = {0: None} | {node: rng.randrange(node) for node in range(1, size)}
    threshold = rng.randint(3, 5)
    nodes = [None, *parents]
    first = [rng.choice(nodes) for _ in range(rng.randint(0, 24))]
    second = [where if rng.random() < 0.7 else rng.choice(nodes) for where in first]
    rounds = []
    for placement in (first, second):
        invited = {node: [p for p, where in enumerate(placement) if where == node] for node in parents}
        answered = {node: [p for p in people if rng.random() < 0.75] for node, people in invited.items()}
        rounds.append((invited, answered))
    return parents, threshold, rounds


def _pair(parents, threshold, rounds):
    (invited_1, answered_1), (invited_2, answered_2) = rounds
    first = _decide_round(parents, invited_1, answered_1, threshold)
    second = _decide_round(parents, invited_2, answered_2, threshold, earlier=[first[3]])
    return first, second


def test_no_combination_of_two_rounds_singles_anyone_out_without_enough_noise():
    # given four hundred random pairs of rounds
    rng = random.Random(22)
    cases = [_random_pair(rng) for _ in range(400)]
    unprotected_without_noise = protected = 0
    for parents, threshold, rounds in cases:
        first, second = _pair(parents, threshold, rounds)
        pair = [(parents, *second[1:]), (parents, *first[1:])]
        # then every combination singling out fewer than the threshold carries enough noise
        assert _unprotected_combination(pair, threshold) is None, (parents, threshold, rounds)
        # and with the noise switched off the same check finds combinations that single people out
        unprotected_without_noise += _unprotected_combination(pair, threshold, noise_on=False) is not None
        protected += any(d.protected for d in second[0].values())
    assert protected >= 40 and unprotected_without_noise >= 20, (protected, unprotected_without_noise)


def test_a_protected_group_carries_the_noise_of_the_protected_residuals_no_exact_group_covers():
    rng = random.Random(9)
    checked = 0
    for _ in range(300):
        parents, threshold, rounds = _random_pair(rng)
        _invited, answered = rounds[1]
        decisions = _pair(parents, threshold, rounds)[1][0]
        own = {n: len(p) for n, p in answered.items()}
        shown = {n for n, d in decisions.items() if not d.suppressed}
        sources = noise_sources(parents, own, decisions)

        def residual(node, parents=parents, shown=shown, own=own):
            below = {n for n in _subtree(parents, node) - {node} if n in shown}
            covered = {m for b in below for m in _subtree(parents, b)}
            return sum(own.get(m, 0) for m in _subtree(parents, node) - covered)

        def path_is_free(top, node, parents=parents, shown=shown, decisions=decisions):
            # no exact group between top (excluded) and node
            while node != top:
                if node in shown and not decisions[node].protected:
                    return False
                node = parents[node]
            return True

        for group, held in sources.items():
            # then, by definition, every protected residual below that no exact group covers
            expected = {
                node
                for node in _subtree(parents, group)
                if decisions[node].protected and residual(node) and path_is_free(group, node)
            }
            assert set(held) == expected, (parents, decisions, group, held)
            checked += bool(held)
        # and a person's answers are in one draw: the residuals drawing noise do not overlap
        draws = {h for held in sources.values() for h in held}
        for node, people in answered.items():
            owner = node
            while owner is not None and owner not in shown:
                owner = parents[owner]
            assert not people or sum(owner == h for h in draws) <= 1
    assert checked >= 40


def test_a_protected_group_is_shown_with_noise_instead_of_hidden():
    # given a unit of six who answer, and the same six and one more in the next round
    parents = {0: None, 1: 0}
    first = _decide_round(parents, {0: [], 1: [1, 2, 3, 4, 5, 6]}, {0: [], 1: [1, 2, 3, 4, 5, 6]}, 5)
    seven = {0: [], 1: [1, 2, 3, 4, 5, 6, 7]}
    decisions, shown, scales, _observed = _decide_round(parents, seven, seven, 5, earlier=[first[3]])
    # then both groups are shown, with noise; the unit gets most of the budget
    assert shown == {0, 1} and decisions[1].protected and decisions[0].protected
    # and the whole audience, which holds the same seven, carries the unit's noise alone, drawn
    # with the whole budget
    assert scales[0] == scales[1] == [(1, SENSITIVITY / (EPSILON / 2))]


@pytest.mark.parametrize("scale", [0.7, 2.5, 12.0])
def test_the_noise_follows_the_discrete_laplace_distribution(scale):
    # given many draws
    sample = np.array(noise.draws(scale, 40_000))
    # then their frequencies match P(X = x) ∝ exp(−|x| / scale) (chi-square, tails pooled)
    law = stats.dlaplace(1 / scale)
    edge = int(law.ppf(0.995))
    values = np.arange(-edge, edge + 1)
    observed = np.array([np.sum(sample < -edge), *[(sample == v).sum() for v in values], np.sum(sample > edge)])
    expected = np.array([law.cdf(-edge - 1), *law.pmf(values), law.sf(edge)]) * sample.size
    _statistic, p_value = stats.chisquare(observed, expected)
    assert p_value > 1e-4, (scale, p_value)
    # and a noise of the wrong scale is told apart by the same test
    wrong = stats.dlaplace(1 / (scale * 1.5))
    expected_wrong = np.array([wrong.cdf(-edge - 1), *wrong.pmf(values), wrong.sf(edge)]) * sample.size
    assert stats.chisquare(observed, expected_wrong * sample.size / expected_wrong.sum())[1] < 1e-4


def test_the_margin_and_variance_equal_scipy_s():
    for scale in (0.2, 0.5, 1.0, 3.0, 7.3, 40.0, 145.45, 900.0):
        law = stats.dlaplace(1 / scale)
        assert noise.margin(scale) == int(law.ppf(0.975))
        k = noise.margin(scale)
        assert law.cdf(k) - law.cdf(-k - 1) >= 0.95 > law.cdf(k - 1) - law.cdf(-k)
        assert noise.variance(scale) == pytest.approx(law.var(), rel=1e-9)


def test_the_least_read_figures_are_dropped_before_the_score_is_hidden():
    small = noise.Total(value=90, answers=60, per_person=2)  # 30 people, two Likert questions
    protected = noise.protect(
        epsilon=0.55,
        likert=small,
        enps=noise.Total(value=4, answers=30, per_person=1),
        drivers={1: noise.Total(45, 30, 1), 2: noise.Total(45, 30, 1)},
    )
    # a group of 30 keeps its overall score only, with the whole budget
    assert protected is not None and protected.enps is None and not protected.drivers
    assert protected.score_margin <= noise.MEANINGLESS_MARGIN
    assert protected.score_scale == pytest.approx(noise.LIKERT_SENSITIVITY * 2 / 0.55)
    # a group of 5 (or 20) would need a noise wider than ±25 points: hidden
    assert noise.protect(epsilon=0.55, likert=noise.Total(15, 10, 2), enps=None, drivers={}) is None
    assert noise.protect(epsilon=0.55, likert=noise.Total(60, 40, 2), enps=None, drivers={}) is None


def test_nested_protected_groups_each_draw_with_the_whole_budget():
    # given a department of 300 (0) with a unit of 27 (1) and a unit of 200 (2), all protected
    parents = {0: None, 1: 0, 2: 0}
    own = {0: 73, 1: 27, 2: 200}
    decisions = {node: Decision(False, protected=True) for node in parents}
    # then the department carries its own residual's noise and both units'
    sources = noise_sources(parents, own, decisions)
    assert sources == {0: (0, 1, 2), 1: (1,), 2: (2,)}
    # and the unit of 27, drawing alone with the round's whole budget, keeps a score within ±25
    unit = noise.Total(value=150, answers=27 * 9, per_person=9)
    planned = noise.plan(EPSILON / 2, unit, None, {})
    assert planned["score"] == pytest.approx(noise.LIKERT_SENSITIVITY * 9 / (EPSILON / 2))
    figures = noise.combine([noise.draw(planned)], epsilon=EPSILON / 2, likert=unit, enps=None, drivers={})
    assert figures is not None and figures.score_margin <= noise.MEANINGLESS_MARGIN
    # (had it to share the budget with the department above, say 70 : 30, it would not)
    assert noise.plan(EPSILON / 2 * 0.7, unit, None, {}) is None


def test_the_margin_of_a_sum_of_noises_equals_scipy_s_convolution():
    for scales in ([3.0, 3.0], [2.5, 7.0, 7.0], [40.0, 12.5], [0.8, 0.8, 0.8, 0.8, 5.0]):
        reach = int(40 * max(scales))
        support = np.arange(-reach, reach + 1)
        law = np.array([1.0])
        for scale in scales:
            law = np.convolve(law, stats.dlaplace(1 / scale).pmf(support))
        centre = len(law) // 2
        expected = next(k for k in range(centre) if law[centre - k : centre + k + 1].sum() >= 0.95)
        assert noise.margin_of_sum(scales) == expected, scales
        assert noise.margin_of_sum([scales[0]]) == noise.margin(scales[0])
    # the figure's variance is the sum of the noises' (they are independent)
    draws = [noise.Draw(score_scale=s, score=0) for s in (3.0, 7.0)]
    combined = noise.combine(draws, epsilon=0.55, likert=noise.Total(500, 1000, 10), enps=None, drivers={})
    unit = 100 / (noise.LIKERT_SENSITIVITY * 1000)
    expected_variance = (stats.dlaplace(1 / 3).var() + stats.dlaplace(1 / 7).var()) * unit**2
    assert combined.score_variance == pytest.approx(expected_variance, rel=1e-9)


def test_a_group_too_small_for_its_noise_is_hidden_and_its_residual_joins_the_one_above():
    from pulse_surveys.services import _protection

    # given a department (0) of two protected units: 1 with ten respondents, 2 with forty
    parents = {0: None, 1: 0, 2: 0}
    own = {1: 10, 2: 40}
    protected = {node: Decision(False, protected=True) for node in parents}
    likert = {0: noise.Total(100, 100, 2), 1: noise.Total(20, 20, 2), 2: noise.Total(80, 80, 2)}
    totals = {node: (likert[node], noise.Total(0, 0, 0), {}) for node in parents}
    # when
    decisions, figures = _protection(parents, own, protected, totals, EPSILON / 2)
    # then the unit of ten is hidden, its residual joins the department's, which draws its own noise
    assert decisions[1].suppressed and decisions[1].reason == "too_noisy"
    assert decisions[0].protected and decisions[2].protected
    assert noise_sources(parents, own, decisions) == {0: (0, 2), 2: (2,)}
    assert figures[0].score_margin <= noise.MEANINGLESS_MARGIN and figures[2].score_margin <= noise.MEANINGLESS_MARGIN
    assert set(figures) == {0, 2}
