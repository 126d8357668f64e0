"""The public satisfaction index (IKM) of PermenPANRB 14/2017, computed exactly.

Each of the nine elements is answered 1–4. An element's mean is its NRR (nilai rata-rata);
the IKM is 25 × the mean of the nine NRRs, with the exact weight 1/9 for every element (the
regulation prints it rounded as 0.111, which would put 25 × 4 at 99.90 instead of 100). The
grade is read from the IKM written at two decimals.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from service_quality.dimensions import SKM_ELEMENT_KEYS

IKM_SCALE = 25  # the 1–4 scale times 25 gives 25–100
SKM_MIN_ANSWER, SKM_MAX_ANSWER = 1, 4


@dataclass(frozen=True)
class IkmGrade:
    letter: str
    label: str
    css_class: str


# PermenPANRB 14/2017, Lampiran: converted IKM 88.31–100.00 A (Sangat Baik), 76.61–88.30 B (Baik),
# 65.00–76.60 C (Kurang Baik), 25.00–64.99 D (Tidak Baik). Highest band first.
IKM_GRADE_BANDS: tuple[tuple[Decimal, IkmGrade], ...] = (
    (Decimal("88.31"), IkmGrade("A", _("very good"), "grade-a")),
    (Decimal("76.61"), IkmGrade("B", _("good"), "grade-b")),
    (Decimal("65.00"), IkmGrade("C", _("poor"), "grade-c")),
    (Decimal("25.00"), IkmGrade("D", _("very poor"), "grade-d")),
)
IKM_LOWEST_GRADE = IKM_GRADE_BANDS[-1][1]

TWO_PLACES = 2
MEAN_PLACES = 4


def round_half_up(value: Fraction | Decimal | int, places: int) -> Decimal:
    """`value` at `places` decimals, halves rounded up, computed without any float or
    intermediate rounding (so 88.305 exactly is 88.31 and 88.3049… is 88.30)."""
    fraction = Fraction(value)
    scale = 10**places
    scaled = fraction * scale
    sign = -1 if scaled < 0 else 1
    magnitude = abs(scaled)
    whole = (magnitude.numerator * 2 + magnitude.denominator) // (2 * magnitude.denominator)
    return Decimal(sign * whole).scaleb(-places)


def element_means(totals: Sequence[int], respondents: int) -> list[Fraction]:
    """The NRR of each element: its total over the respondents."""
    if respondents <= 0:
        raise ValueError("an IKM needs at least one respondent")
    return [Fraction(total, respondents) for total in totals]


def ikm_exact(totals: Sequence[int], respondents: int) -> Fraction:
    """25 × the mean of the nine NRRs, as an exact fraction."""
    if len(totals) != len(SKM_ELEMENT_KEYS):
        raise ValueError("an IKM has exactly nine elements")
    means = element_means(totals, respondents)
    return IKM_SCALE * sum(means, Fraction(0)) / len(means)


def ikm_value(totals: Sequence[int], respondents: int) -> Decimal:
    """The IKM as published: 25–100 at two decimals."""
    return round_half_up(ikm_exact(totals, respondents), TWO_PLACES)


def ikm_grade(value: Decimal | Fraction | float | str) -> IkmGrade:
    """The grade of an IKM, read from its value at two decimals."""
    rounded = round_half_up(Fraction(str(value)) if isinstance(value, float | str) else value, TWO_PLACES)
    for lower_bound, grade in IKM_GRADE_BANDS:
        if rounded >= lower_bound:
            return grade
    return IKM_LOWEST_GRADE


# Krejcie & Morgan (1970), "Determining sample size for research activities": chi-square for one
# degree of freedom at 95 % (3.841), population proportion 0.5, margin of error 0.05.
KREJCIE_MORGAN_CHI_SQUARE = Fraction("3.841")
KREJCIE_MORGAN_PROPORTION = Fraction(1, 2)
KREJCIE_MORGAN_MARGIN = Fraction(1, 20)


def krejcie_morgan_sample_size(population: int) -> int:
    """The minimum sample for a population of `population`:
    s = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), rounded to the nearest whole respondent as the
    published table is (N=100 → 80, N=1000 → 278, N=10000 → 370)."""
    if population <= 0:
        return 0
    chi, p, d = KREJCIE_MORGAN_CHI_SQUARE, KREJCIE_MORGAN_PROPORTION, KREJCIE_MORGAN_MARGIN
    size = chi * population * p * (1 - p) / (d * d * (population - 1) + chi * p * (1 - p))
    return min(population, int(round_half_up(size, 0)))
