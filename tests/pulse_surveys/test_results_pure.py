"""A round's figures from plain data (`pulse_surveys.results`), checked against numpy over the
raw answers of every person: no database, no models."""

import uuid

import numpy as np
import pytest

from pulse_surveys import results
from pulse_surveys.anonymity import Decision
from pulse_surveys.models import QuestionKind, SuppressionReason
from pulse_surveys.results import TOTAL, QuestionSpec

# A tree: the whole audience, two directorates, the first with two units.
PARENTS = {TOTAL: None, 1: TOTAL, 11: 1, 12: 1, 2: TOTAL}
SUBTREE = {TOTAL: [TOTAL, 1, 11, 12, 2], 1: [1, 11, 12], 11: [11], 12: [12], 2: [2]}
QUESTIONS = {
    101: QuestionSpec(QuestionKind.LIKERT, "recognition", (1, 5)),
    102: QuestionSpec(QuestionKind.LIKERT, "workload", (1, 5)),
    103: QuestionSpec(QuestionKind.LIKERT, "recognition", (1, 5)),
    104: QuestionSpec(QuestionKind.ENPS, None, (0, 10)),
    105: QuestionSpec(QuestionKind.TEXT, None, None),
}
LIKERT_QUESTIONS = [101, 102, 103]


@pytest.fixture
def people():
    """Each respondent's node and answers (a few skipped), drawn once; plus who was invited."""
    rng = np.random.default_rng(20261206)
    own_respondents = {TOTAL: 2, 1: 4, 11: 9, 12: 6, 2: 12}
    rows = []
    for node, count in own_respondents.items():
        for person in range(count):
            likert = rng.integers(1, 6, size=len(LIKERT_QUESTIONS)).astype(float)
            likert[rng.random(len(LIKERT_QUESTIONS)) < 0.1] = np.nan  # skipped
            rows.append(
                {
                    "node": node,
                    "likert": likert,
                    "enps": float(rng.integers(0, 11)),
                    "comment": f"{node}-{person}" if person % 3 == 0 else None,
                }
            )
    invited = {node: count + 3 for node, count in own_respondents.items()}
    return rows, invited


def _own_inputs(rows):
    values, comments, responded = {}, {}, {}
    for row in rows:
        node = row["node"]
        responded[node] = responded.get(node, 0) + 1
        counts = values.setdefault(node, {})
        for question_id, value in zip(LIKERT_QUESTIONS, row["likert"], strict=True):
            if not np.isnan(value):
                counts.setdefault(question_id, {}).setdefault(int(value), 0)
                counts[question_id][int(value)] += 1
        counts.setdefault(104, {}).setdefault(int(row["enps"]), 0)
        counts[104][int(row["enps"])] += 1
        if row["comment"]:
            comments.setdefault(node, []).append(row["comment"])
    return values, comments, responded


def _compute(people, decisions, budget=1.0):
    rows, invited = people
    values, comments, responded = _own_inputs(rows)
    return {
        group.node: group
        for group in results.round_results(
            questions=QUESTIONS,
            parents=PARENTS,
            invited=invited,
            responded=responded,
            values=values,
            comments=comments,
            decisions=decisions,
            budget=budget,
        )
    }


def _subtree_arrays(rows, node):
    chosen = [row for row in rows if row["node"] in SUBTREE[node]]
    likert = np.array([row["likert"] for row in chosen])  # people × Likert questions, nan = skipped
    enps = np.array([row["enps"] for row in chosen])
    return chosen, likert, enps


def test_every_group_is_its_subtree_with_figures_as_numpy_finds_them(people):
    rows, invited = people
    found = _compute(people, {node: Decision(False) for node in PARENTS})
    assert list(found) == [11, 12, 1, 2, TOTAL]  # children before their parent
    for node in PARENTS:
        group = found[node]
        chosen, likert, enps = _subtree_arrays(rows, node)
        assert group.parent == PARENTS[node]
        assert group.invited == sum(invited[n] for n in SUBTREE[node])
        assert group.responded == len(chosen)
        assert not group.suppressed and not group.protected and group.reason == ""

        answered = likert[~np.isnan(likert)]
        assert group.score == pytest.approx(np.mean((answered - 1) / 4 * 100), abs=1e-6)
        expected_enps = (np.mean(enps >= 9) - np.mean(enps <= 6)) * 100
        assert group.enps == pytest.approx(expected_enps, abs=1e-6)

        recognition = likert[:, [0, 2]]
        recognition = recognition[~np.isnan(recognition)]
        workload = likert[:, 1][~np.isnan(likert[:, 1])]
        assert set(group.drivers) == {"recognition", "workload"}
        assert group.drivers["recognition"][0] == pytest.approx(np.mean((recognition - 1) * 25), abs=1e-6)
        assert group.drivers["workload"][0] == pytest.approx(np.mean((workload - 1) * 25), abs=1e-6)
        assert group.drivers["workload"][1:] == (None, None, None)

        assert set(group.distributions) == {"101", "102", "103", "104"}  # not the free text
        for column, question_id in enumerate(LIKERT_QUESTIONS):
            answers = likert[:, column][~np.isnan(likert[:, column])].astype(int)
            expected = np.bincount(answers, minlength=6)[1:6]
            assert [group.distributions[str(question_id)][str(v)] for v in range(1, 6)] == expected.tolist()
        expected = np.bincount(enps.astype(int), minlength=11)
        assert [group.distributions["104"][str(v)] for v in range(11)] == expected.tolist()

        assert sorted(group.comments) == sorted(row["comment"] for row in chosen if row["comment"])


def test_a_hidden_group_shows_counts_only(people):
    decisions = {node: Decision(False) for node in PARENTS}
    decisions[12] = Decision(True, SuppressionReason.BELOW_THRESHOLD)
    found = _compute(people, decisions)
    hidden = found[12]
    assert hidden.suppressed and hidden.reason == SuppressionReason.BELOW_THRESHOLD
    assert hidden.responded == 6
    assert (hidden.score, hidden.enps, hidden.distributions, hidden.drivers, hidden.comments) == (
        None,
        None,
        {},
        {},
        [],
    )
    # The group above still holds its answers.
    rows, _invited = people
    _chosen, likert, _enps = _subtree_arrays(rows, 1)
    assert found[1].score == pytest.approx(np.nanmean((likert - 1) * 25), abs=1e-6)


def test_a_protected_group_carries_noise_scaled_to_its_budget(people):
    rows, _invited = people
    decisions = {node: Decision(False) for node in PARENTS}
    decisions[2] = Decision(False, protected=True)
    budget = 20.0
    found = _compute(people, decisions, budget=budget)
    protected = found[2]
    assert protected.protected and not protected.suppressed
    assert protected.epsilon == budget
    assert protected.distributions == {}
    # Score, eNPS and drivers share the budget 3 : 1 : 1; one person moves the Likert total by
    # at most 4 per Likert question.
    assert protected.score_noise_scale == pytest.approx(4 * len(LIKERT_QUESTIONS) / (budget * 3 / 5), abs=1e-9)
    assert protected.enps_noise_scale == pytest.approx(2 * 1 / (budget * 1 / 5), abs=1e-9)
    assert protected.score == round(protected.score) and 0 <= protected.score <= 100
    assert set(protected.drivers) == {"recognition", "workload"}
    assert all(len(figures) == 4 for figures in protected.drivers.values())
    # Its figures have noise; the exact groups beside it do not.
    _chosen, likert, _enps = _subtree_arrays(rows, 1)
    assert found[1].score == pytest.approx(np.nanmean((likert - 1) * 25), abs=1e-6)


def test_a_protected_group_whose_noise_would_drown_its_score_is_hidden(people):
    decisions = {node: Decision(False) for node in PARENTS}
    decisions[11] = Decision(False, protected=True)
    found = _compute(people, decisions, budget=0.05)
    assert found[11].suppressed and found[11].reason == SuppressionReason.TOO_NOISY
    assert found[11].score is None and found[11].comments == []


def test_the_kinds_and_reasons_are_the_models_own():
    assert (results.LIKERT, results.ENPS) == (QuestionKind.LIKERT, QuestionKind.ENPS)
    assert results.TOO_NOISY == SuppressionReason.TOO_NOISY


def test_scores_of_empty_counts_are_none():
    assert results.likert_score({}) is None and results.enps_score({}) is None
    assert results.likert_score({1: 2, 5: 2}) == pytest.approx(50.0)
    assert results.enps_score({10: 3, 7: 1, 0: 1}) == pytest.approx((3 - 1) / 5 * 100)


def test_round_scoped_ids_are_version_4_uuids_in_their_round_s_stretch_in_ascending_order():
    from pulse_surveys.models import ROUND_ID_BITS, round_scoped_id, round_scoped_ids

    ids = round_scoped_ids(7, 5000)
    # in ascending order, all different, each its round's and a version 4 UUID of the RFC 4122 variant
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert {pk.int >> (128 - ROUND_ID_BITS) for pk in ids} == {7}
    assert {(pk.version, pk.variant) for pk in ids} == {(4, uuid.RFC_4122)}
    # and their random bits are spread: each of the 90 free bits is set in about half of them
    free = [bit for bit in range(128 - ROUND_ID_BITS) if bit not in (*range(76, 80), 62, 63)]
    shares = [sum(pk.int >> bit & 1 for pk in ids) / len(ids) for bit in free]
    assert len(free) == 90 and min(shares) > 0.45 and max(shares) < 0.55
    assert round_scoped_id(7).int >> (128 - ROUND_ID_BITS) == 7 and round_scoped_ids(7, 0) == []
