"""One date format per language, day before month in both, times on the 24-hour clock."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
AFTERNOON = dt.datetime(2026, 12, 5, 13, 40, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.mark.parametrize(
    ("language", "date", "date_time"),
    [("en", "5 Dec 2026", "5 Dec 2026 13:40"), ("id", "5 Des 2026", "5 Des 2026 13:40")],
)
def test_every_named_format_reads_day_month_year(language, date, date_time):
    template = Template(
        "{{ d }}|{{ d|date }}|{{ d|date:'SHORT_DATE_FORMAT' }}|{{ t }}|{{ t|date:'DATETIME_FORMAT' }}"
        "|{{ t|date:'SHORT_DATETIME_FORMAT' }}|{{ t|time }}"
    )
    with translation.override(language):
        shown = template.render(Context({"d": AFTERNOON.date(), "t": AFTERNOON})).split("|")
    assert shown == [date, date, date, date_time, date_time, date_time, "13:40"]


# A month written before the day: n, m, M, F, N, b or E before a j or d in one format string.
MONTH_BEFORE_DAY = re.compile(r"[nmMFNbE][^jd]*[jd]")


def _template_date_formats():
    """(template, format) for every `|date:"…"` in the project's templates."""
    paths = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
    for path in paths:
        for match in re.finditer(r"""\|date:["']([^"']+)["']""", path.read_text()):
            yield path.relative_to(ROOT), match.group(1)


def test_no_template_writes_a_month_before_the_day():
    formats = list(_template_date_formats())
    assert formats, "the templates show dates"
    wrong = [(str(path), fmt) for path, fmt in formats if not fmt.endswith("_FORMAT") and MONTH_BEFORE_DAY.search(fmt)]
    assert wrong == []


def test_the_checker_would_catch_a_month_first_format():
    assert MONTH_BEFORE_DAY.search("N j, Y")
    assert MONTH_BEFORE_DAY.search("m/d/Y")
    assert not MONTH_BEFORE_DAY.search("j M Y")
    assert not MONTH_BEFORE_DAY.search("M Y")
