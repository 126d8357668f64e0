"""Template filters shared by every page."""

from decimal import Decimal

from django import template

from core.money import format_idr

register = template.Library()


@register.filter
def idr(amount) -> str:
    """`{{ amount|idr }}` → `Rp 1.500.000`."""
    if amount is None or amount == "":
        return "—"
    return format_idr(amount if isinstance(amount, Decimal) else Decimal(str(amount)))
