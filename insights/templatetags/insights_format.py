"""`{% load insights_format %}`: `{{ value|num:1 }}` → `1.234,5` in Bahasa Indonesia."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def num(value, places: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return formatting.number(float(value), int(places))


@register.filter
def pct(value, places: int = 0) -> str:
    return formatting.percent(None if value is None or value == "" else float(value), int(places))


@register.filter
def month(value) -> str:
    return formatting.month(value or None)
