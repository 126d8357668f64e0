"""How Prima writes a number, a percentage or a month for a reader, in the reader's language:
`1.234,5` and `Okt 2026` in Bahasa Indonesia, `1,234.5` and `Oct 2026` in English (the
formats themselves are in `config/formats`). A number inside an SVG attribute is never written
here: `core.charts.coordinate` writes those."""

import datetime as dt

from django.utils import formats


def number(value: float | int | None, places: int = 1) -> str:
    if value is None:
        return "—"
    return formats.number_format(round(value, places), decimal_pos=places, use_l10n=True, force_grouping=True)


def percent(value: float | None, places: int = 0) -> str:
    return "—" if value is None else f"{number(value, places)}%"


def month(day: dt.date | None) -> str:
    return "—" if day is None else formats.date_format(day, "M Y")
