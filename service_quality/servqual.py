"""SERVQUAL: quality is what customers perceive minus what they expected (Parasuraman, Zeithaml
and Berry 1988). A unit and period is below, meeting or exceeding its customers' expectations —
the dissatisfied / satisfied / very satisfied levels of the service-quality standard."""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.utils.translation import gettext_lazy as _

from service_quality.dimensions import EXPECTATION_SUFFIX, SERVQUAL_DIMENSION_KEYS, SERVQUAL_DIMENSIONS
from service_quality.ikm import round_half_up

# Survey means carry sampling noise: a mean gap within one point of the 0–100 scale either way
# (a twentieth of one step of a 1–5 answer scale) is read as meeting expectations.
SERVQUAL_MEETING_BAND = Decimal("1.00")


class ExpectationLevel(models.TextChoices):
    BELOW = "below", _("below expectations (dissatisfied)")
    MEETING = "meeting", _("meets expectations (satisfied)")
    EXCEEDING = "exceeding", _("exceeds expectations (very satisfied)")


@dataclass(frozen=True)
class DimensionGap:
    dimension: str
    perception: Decimal | None
    expectation: Decimal | None

    @property
    def label(self) -> str:
        return str(dict(SERVQUAL_DIMENSIONS)[self.dimension])

    @property
    def gap(self) -> Decimal | None:
        if self.perception is None or self.expectation is None:
            return None
        return self.perception - self.expectation


@dataclass(frozen=True)
class ServqualResult:
    dimensions: list[DimensionGap]
    mean_gap: Decimal | None
    level: str | None

    @property
    def level_label(self) -> str:
        return ExpectationLevel(self.level).label if self.level else ""


def expectation_level(mean_gap: Decimal) -> str:
    if mean_gap < -SERVQUAL_MEETING_BAND:
        return ExpectationLevel.BELOW
    if mean_gap > SERVQUAL_MEETING_BAND:
        return ExpectationLevel.EXCEEDING
    return ExpectationLevel.MEETING


def servqual_result(values: Mapping[str, Decimal]) -> ServqualResult:
    """From one unit-period's SERVQUAL scores (`reliability`, `reliability_expectation`, …):
    each dimension's gap and the class of their mean (dimensions with both scores only)."""
    dimensions = [
        DimensionGap(key, values.get(key), values.get(f"{key}{EXPECTATION_SUFFIX}")) for key in SERVQUAL_DIMENSION_KEYS
    ]
    gaps = [dimension.gap for dimension in dimensions if dimension.gap is not None]
    if not gaps:
        return ServqualResult(dimensions, None, None)
    mean_gap = round_half_up(Fraction(sum(gaps, Decimal(0))) / len(gaps), 2)
    return ServqualResult(dimensions, mean_gap, expectation_level(mean_gap))
