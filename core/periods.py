"""Prima's one period type: a calendar month written `YYYY-MM`, stored as its first day.

A quarter or a year is named by its first month, so every period in the database is a date
that SQL can group by month, quarter or year.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
PERIOD_FORMAT_HELP = _("A period is written YYYY-MM, for example 2026-03.")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PERIOD_RE.match(str(text).strip())
        if not match:
            raise ValidationError(_("“%(value)s” is not a period: use YYYY-MM."), params={"value": text}, code="period")
        year, month = int(match[1]), int(match[2])
        if not (1 <= month <= 12) or year < 1900:
            raise ValidationError(_("“%(value)s” is not a period: use YYYY-MM."), params={"value": text}, code="period")
        return cls(year, month)

    @classmethod
    def of(cls, day: dt.date) -> "Period":
        return cls(day.year, day.month)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def quarter_start(self) -> "Period":
        return Period(self.year, (self.month - 1) // 3 * 3 + 1)

    def shift(self, months: int) -> "Period":
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def validate_first_of_month(value: dt.date) -> None:
    if value.day != 1:
        raise ValidationError(_("A period is stored as the first day of its month."), code="period")


class PeriodField(models.DateField):
    """A month, stored as its first day."""

    default_validators = [validate_first_of_month]


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "example": "2026-03"})
class PeriodSerializerField(serializers.Field):
    """`YYYY-MM` in JSON, the first day of the month in the database."""

    default_error_messages = {"invalid": PERIOD_FORMAT_HELP}

    def to_representation(self, value: dt.date) -> str:
        return str(Period.of(value))

    def to_internal_value(self, data) -> dt.date:
        try:
            return Period.parse(data).first_day
        except ValidationError:
            self.fail("invalid")


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the end of a shorter month (31 January plus
    one month is 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end`: the largest n with add_months(start, n) on or
    before `end` (0 when `end` is not after `start`). Months of service for THR and for leave
    eligibility are both counted this way."""
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    # The calendar difference overshoots by one when the anniversary in `end`'s month has not
    # come yet.
    return months - 1 if add_months(start, months) > end else months
