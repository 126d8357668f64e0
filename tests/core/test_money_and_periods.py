from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.money import format_idr, round_rupiah
from core.periods import Period


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("1500000", "Rp 1.500.000"),
        ("0", "Rp 0"),
        ("999.5", "Rp 1.000"),
        ("-2500", "-Rp 2.500"),
        ("12345678901.49", "Rp 12.345.678.901"),
    ],
)
def test_rupiah_are_written_the_indonesian_way(amount, text):
    assert format_idr(Decimal(amount)) == text


def test_sen_are_shown_after_a_comma_when_asked():
    assert format_idr(Decimal("1500000.5"), with_sen=True) == "Rp 1.500.000,50"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        format_idr(1500000.0)


def test_rounding_is_half_up_to_the_rupiah():
    assert round_rupiah(Decimal("0.5")) == Decimal("1")
    assert round_rupiah(Decimal("2.49")) == Decimal("2")


class TestPeriod:
    def test_parse_and_print_round_trip(self):
        assert str(Period.parse("2026-03")) == "2026-03"

    @pytest.mark.parametrize("text", ["2026-13", "2026-3", "26-03", "2026/03", "", "march"])
    def test_bad_periods_are_refused(self, text):
        with pytest.raises(ValidationError):
            Period.parse(text)

    def test_shift_crosses_years(self):
        assert Period(2026, 11).shift(3) == Period(2027, 2)
        assert Period(2026, 1).shift(-1) == Period(2025, 12)

    def test_quarter_start(self):
        assert Period(2026, 8).quarter_start == Period(2026, 7)
