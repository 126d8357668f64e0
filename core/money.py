"""Prima's one money type: `Decimal` rupiah with two places, never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

MONEY_MAX_DIGITS = 16
MONEY_PLACES = Decimal("0.01")


class MoneyField(models.DecimalField):
    """An amount in IDR: up to 99 trillion rupiah with sen."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def round_rupiah(amount: Decimal) -> Decimal:
    """Rounds half-up to the whole rupiah (as payroll does)."""
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def format_idr(amount: Decimal | None, *, with_sen: bool = False) -> str:
    """Formats as Indonesians write money: `Rp 1.500.000` (dot for thousands, comma for sen)."""
    if amount is None:
        return ""
    if not isinstance(amount, Decimal):
        raise TypeError("format_idr takes a Decimal")
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if with_sen:
        whole, _, sen = f"{amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP):f}".partition(".")
    else:
        whole, sen = f"{round_rupiah(amount):f}", ""
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}Rp {grouped}" + (f",{sen}" if sen else "")
