"""The IKM of PermenPANRB 14/2017 on hand-computed cases, and the Krejcie & Morgan sample size."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from service_quality import selectors, services
from service_quality.ikm import (
    IKM_GRADE_BANDS,
    ikm_exact,
    ikm_grade,
    ikm_value,
    krejcie_morgan_sample_size,
    round_half_up,
)
from tests.service_quality.factories import SKM_HEADER, csv_bytes, respondents_with_total, skm_rows


def totals_of(answers: list[list[int]]) -> list[int]:
    return [sum(row[element] for row in answers) for element in range(9)]


def test_all_fours_is_100_and_grade_a():
    answers = [[4] * 9] * 7
    assert ikm_value(totals_of(answers), 7) == Decimal("100.00")
    assert ikm_grade(Decimal("100.00")).letter == "A"


def test_all_ones_is_25_and_grade_d():
    answers = [[1] * 9] * 7
    assert ikm_value(totals_of(answers), 7) == Decimal("25.00")
    assert ikm_grade(Decimal("25.00")).letter == "D"


def test_the_weights_are_exactly_one_ninth_not_0_111():
    # 25 × Σ(NRR × 0.111) would give 99.90 for all fours; exact ninths give 100.
    assert ikm_exact([40] * 9, 10) == Fraction(100)


@pytest.mark.parametrize(
    ("value", "letter"),
    [
        ("100.00", "A"),
        ("88.31", "A"),
        ("88.30", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25.00", "D"),
    ],
)
def test_grade_boundaries_of_the_regulation(value, letter):
    assert ikm_grade(Decimal(value)).letter == letter


def test_the_grade_is_read_from_the_value_at_two_decimals():
    assert ikm_grade(Decimal("88.305")).letter == "A"  # 88.31 when written at two decimals
    assert ikm_grade(Decimal("88.3049")).letter == "B"  # 88.30
    assert ikm_grade(Fraction(19075, 216)).letter == "A"  # 88.3102…


def test_the_bands_are_a_named_constant_highest_first():
    assert [(str(bound), grade.letter) for bound, grade in IKM_GRADE_BANDS] == [
        ("88.31", "A"),
        ("76.61", "B"),
        ("65.00", "C"),
        ("25.00", "D"),
    ]


def test_rounding_is_half_up_and_exact():
    assert round_half_up(Fraction(88305, 1000), 2) == Decimal("88.31")
    assert round_half_up(Fraction(883049, 10000), 2) == Decimal("88.30")
    assert round_half_up(Fraction(-1, 200), 2) == Decimal("-0.01")


def test_the_ikm_equals_numpy_on_random_respondents():
    rng = np.random.default_rng(14)
    answers = rng.integers(1, 5, size=(137, 9))
    expected = 25 * np.mean(np.mean(answers, axis=0))
    exact = ikm_exact([int(total) for total in answers.sum(axis=0)], 137)
    assert abs(float(exact) - expected) < 1e-9


# Hand-computed respondent sets: IKM = 25 × (sum of all answers) / (9 × respondents).
#   24 respondents, total 763: 25 × 763 / 216 = 88.3102 → 88.31 → A
#   19 respondents, total 604: 25 × 604 / 171 = 88.3041 → 88.30 → B
#   19 respondents, total 524: 25 × 524 / 171 = 76.6082 → 76.61 → B
#   26 respondents, total 717: 25 × 717 / 234 = 76.6026 → 76.60 → C
#    5 respondents, total 117: 25 × 117 /  45 = 65.0000 → 65.00 → C
#   38 respondents, total 889: 25 × 889 / 342 = 64.9854 → 64.99 → D
BOUNDARY_SETS = [
    (24, 763, "88.31", "A"),
    (19, 604, "88.30", "B"),
    (19, 524, "76.61", "B"),
    (26, 717, "76.60", "C"),
    (5, 117, "65.00", "C"),
    (38, 889, "64.99", "D"),
    (3, 27 * 3, "75.00", "C"),
]


@pytest.mark.parametrize(("respondents", "total", "ikm", "letter"), BOUNDARY_SETS)
def test_imported_respondents_give_the_hand_computed_ikm_and_grade(org, respondents, total, ikm, letter):
    # given an SKM file whose answers add up to `total`
    answers = respondents_with_total(respondents, total)
    assert sum(map(sum, answers)) == total and all(1 <= a <= 4 for row in answers for a in row)
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-04", answers))
    # when it is imported
    result = services.score_import_create(kind="skm", file_name="skm.csv", content=content, actor=org.hana)
    # then the unit's IKM and grade are the hand-computed ones
    assert result.status == "succeeded", result.errors
    computed = selectors.ikm_for(department=org.cs, period=dt.date(2025, 4, 1))
    assert (str(computed.ikm), computed.grade.letter, computed.respondents) == (ikm, letter, respondents)


def test_element_means_are_each_elements_average(org):
    answers = [[4, 3, 2, 1, 4, 3, 2, 1, 4], [2, 3, 2, 1, 4, 3, 3, 1, 4], [3, 3, 2, 1, 4, 3, 4, 2, 4]]
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-05", answers))
    services.score_import_create(kind="skm", file_name="skm.csv", content=content, actor=org.hana)
    result = selectors.ikm_for(department=org.cs, period=dt.date(2025, 5, 1))
    means = {element.element: element.mean for element in result.elements}
    assert means == {
        "u1": Decimal("3.000"),
        "u2": Decimal("3.000"),
        "u3": Decimal("2.000"),
        "u4": Decimal("1.000"),
        "u5": Decimal("4.000"),
        "u6": Decimal("3.000"),
        "u7": Decimal("3.000"),
        "u8": Decimal("1.333"),
        "u9": Decimal("4.000"),
    }
    # 25 × (3 + 3 + 2 + 1 + 4 + 3 + 3 + 4/3 + 4) / 9 = 25 × 24.3333 / 9 = 67.59
    assert result.ikm == Decimal("67.59")
    assert [element.element for element in result.weakest] == ["u4", "u8", "u3"]


# Krejcie & Morgan (1970), Table 1: population → sample.
KREJCIE_MORGAN_TABLE = {
    10: 10, 15: 14, 20: 19, 30: 28, 50: 44, 75: 63, 100: 80, 150: 108, 200: 132, 300: 169, 500: 217,
    800: 260, 1000: 278, 1500: 306, 2000: 322, 3000: 341, 5000: 357, 10000: 370, 20000: 377,
    50000: 381, 75000: 382, 1000000: 384,
}  # fmt: skip


@pytest.mark.parametrize(("population", "sample"), sorted(KREJCIE_MORGAN_TABLE.items()))
def test_krejcie_morgan_sample_size_matches_the_published_table(population, sample):
    assert krejcie_morgan_sample_size(population) == sample


def test_a_sample_below_the_minimum_is_flagged(org):
    # given a unit serving 100 customers (minimum sample 80) and 3 respondents
    org.cs.customer_population = 100
    org.cs.save()
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[4] * 9] * 3))
    services.score_import_create(kind="skm", file_name="skm.csv", content=content, actor=org.hana)
    result = selectors.ikm_for(department=org.cs, period=dt.date(2025, 3, 1))
    assert (result.minimum_sample, result.sample_too_small) == (80, True)


def test_a_unit_without_a_stated_population_is_not_flagged(org):
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-03", [[4] * 9] * 3))
    services.score_import_create(kind="skm", file_name="skm.csv", content=content, actor=org.hana)
    result = selectors.ikm_for(department=org.cs, period=dt.date(2025, 3, 1))
    assert (result.minimum_sample, result.sample_too_small) == (None, False)
