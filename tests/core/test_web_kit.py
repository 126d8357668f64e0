"""Every page guard, CSV response and chart goes through the web kit in `core`: a module outside
`core` that writes its own CSV, refuses a page by role its own way or draws its own axis is
found here by reading the source."""

import ast
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils import translation

from core.charts import SCORE_HEAT_BANDS, Axis, coordinate, heat_band, nice_ticks
from core.csv_files import csv_cell, csv_response
from core.errors import Conflict, NotAllowed
from core.formatting import month, number, percent
from core.notifications import language_of, notification_send
from core.web import error_lines, form_errors_from, page_for, refuse_unless, service_call

ROOT = Path(__file__).resolve().parents[2]
NOT_APPS = {".venv", "tests", "bench", "docs", "static", "templates", "locale", "node_modules"}


def _modules():
    """(path relative to the root, parsed tree) for every Python module of the project."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in NOT_APPS or relative.parts[0].startswith(".") or "migrations" in relative.parts:
            continue
        yield relative, ast.parse(path.read_text(), filename=str(relative))


def _dotted(node) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


def csv_writers_outside_the_kit(modules) -> list[str]:
    """Places outside `core/csv_files.py` that build a csv writer or set a text/csv response."""
    found = []
    for path, tree in modules:
        if path == Path("core/csv_files.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func) in ("csv.writer", "csv.DictWriter"):
                found.append(f"{path}:{node.lineno} builds a csv writer")
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "content_type"
                        and isinstance(value, ast.Constant)
                        and "text/csv" in str(value.value)
                    ):
                        found.append(f"{path}:{node.lineno} sets a text/csv response")
            if (
                isinstance(node, ast.ImportFrom)
                and node.module == "csv"
                and any(a.name in ("writer", "DictWriter") for a in node.names)
            ):
                found.append(f"{path}:{node.lineno} imports csv.writer")
    return found


def test_every_csv_response_goes_through_core_csv_files():
    assert csv_writers_outside_the_kit(_modules()) == []


def test_the_csv_check_would_catch_a_writer_of_its_own():
    own = ast.parse(
        "import csv\n"
        "def export(request):\n"
        "    response = HttpResponse(content_type='text/csv; charset=utf-8')\n"
        "    csv.writer(response).writerow(['a'])\n"
    )
    assert len(csv_writers_outside_the_kit([(Path("insights/views.py"), own)])) == 2


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+62 811", "'+62 811"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tlead", "'\tlead"),
        ("-12.5", "-12.5"),  # a plain number stays a number
        (Decimal("-1500000.00"), "-1500000.00"),
        (None, ""),
        ("Loket", "Loket"),
    ],
)
def test_a_csv_cell_is_never_read_as_a_formula(value, written):
    assert csv_cell(value) == written


def test_the_csv_response_is_an_attachment_with_every_cell_guarded():
    response = csv_response("x.csv", ["name", "=score"], [["=cmd()", 3]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content.decode().splitlines() == ["name,'=score", "'=cmd(),3"]


# --- Refusing a page: core/web.py


def page_guards_outside_the_kit(modules) -> list[str]:
    """Places outside `core/web.py` where a page module refuses by itself: it names
    PermissionDenied, or builds a login-required decorator of its own."""
    found = []
    for path, tree in modules:
        if path == Path("core/web.py") or not path.name.endswith("views.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute) and _dotted(node).endswith("PermissionDenied"):
                found.append(f"{path}:{node.lineno} names PermissionDenied")
            if isinstance(node, ast.alias) and node.name == "PermissionDenied":
                found.append(f"{path} imports PermissionDenied")
            if isinstance(node, ast.FunctionDef):
                for inner in ast.walk(node):
                    if (
                        inner is not node
                        and isinstance(inner, ast.FunctionDef)
                        and any(_dotted(d) == "login_required" for d in inner.decorator_list)
                    ):
                        found.append(f"{path}:{inner.lineno} builds a guard decorator of its own")
    return found


def test_every_page_refuses_through_core_web():
    assert page_guards_outside_the_kit(_modules()) == []


def test_the_guard_check_would_catch_a_page_refusing_by_itself():
    own = ast.parse(
        "from django.core.exceptions import PermissionDenied\n"
        "def hr_required(view):\n"
        "    @login_required\n"
        "    def wrapped(request):\n"
        "        if not is_hr(request.user):\n"
        "            raise PermissionDenied\n"
        "    return wrapped\n"
    )
    assert len(page_guards_outside_the_kit([(Path("leave/views.py"), own)])) == 3


def _page(request):
    return HttpResponse("open")


class _Person:
    def __init__(self, role, authenticated=True):
        self.role, self.is_authenticated = role, authenticated


def _is(role):
    return lambda user: user.role == role


def test_a_page_opens_to_anyone_who_passes_one_check(rf):
    page = page_for(_is("hr"), _is("manager"))(_page)
    for role in ("hr", "manager"):
        request = rf.get("/x/")
        request.user = _Person(role)
        assert page(request).status_code == 200


def test_a_page_refuses_everyone_else_with_403(rf):
    page = page_for(_is("hr"))(_page)
    request = rf.get("/x/")
    request.user = _Person("employee")
    with pytest.raises(PermissionDenied):
        page(request)


def test_a_visitor_is_sent_to_sign_in(rf):
    page = page_for(_is("hr"))(_page)
    request = rf.get("/x/")
    request.user = _Person(None, authenticated=False)
    response = page(request)
    assert response.status_code == 302
    assert "next=/x/" in response["Location"]


def test_a_refusal_inside_a_page_is_a_403():
    refuse_unless(True)
    with pytest.raises(PermissionDenied):
        refuse_unless(False)


def test_a_page_for_one_method_answers_405_to_another_after_sign_in(rf):
    page = page_for(_is("hr"), methods=["POST"])(_page)
    request = rf.get("/x/")
    request.user = _Person("employee")
    assert page(request).status_code == 405
    request.user = _Person(None, authenticated=False)
    assert page(request).status_code == 302


# --- Drawing an axis (core/charts.py) and writing a number (core/formatting.py)

PAGE_AND_CHART_MODULES = {"charts.py", "views.py", "impact.py", "dashboard.py", "evaluation.py"}


def numbers_written_outside_the_kit(modules) -> list[str]:
    """Places outside `core` that write a number their own way: a call of Django's
    number_format (the kit's `core.formatting.number` is the one), or, in a page or chart
    module, a float written with an f-string format (`{x:.1f}`: `core.charts.coordinate` for an
    SVG attribute, `core.formatting.number` for a reader)."""
    found = []
    for path, tree in modules:
        if path.parts[0] == "core":
            continue
        page_module = path.name in PAGE_AND_CHART_MODULES or path.name.endswith("_views.py")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == "number_format":
                found.append(f"{path}:{node.lineno} calls number_format")
            if page_module and isinstance(node, ast.FormattedValue) and node.format_spec is not None:
                spec = "".join(
                    part.value for part in node.format_spec.values if isinstance(part, ast.Constant)
                )  # e.g. ".1f"
                if spec.endswith("f"):
                    found.append(f"{path}:{node.lineno} writes a float as {spec!r}")
            if isinstance(node, ast.FunctionDef) and node.name in ("_coordinate", "nice_ticks"):
                found.append(f"{path}:{node.lineno} defines {node.name} of its own")
    return found


def test_every_chart_and_figure_writes_its_numbers_through_the_kit():
    assert numbers_written_outside_the_kit(_modules()) == []


def test_the_number_check_would_catch_a_chart_of_its_own():
    own = ast.parse(
        "def _coordinate(value):\n"
        "    return f'{value:.1f}'\n"
        "def label(value):\n"
        "    return formats.number_format(value, 1)\n"
    )
    assert len(numbers_written_outside_the_kit([(Path("improvement/charts.py"), own)])) == 3


# Attributes of an SVG that hold numbers; a template writes each value with `unlocalize` (the
# value itself, a number or a string from `core.charts.coordinate`, is never localised then).
SVG_NUMBER_ATTRIBUTES = (
    "x|y|x1|y1|x2|y2|cx|cy|r|rx|ry|dx|dy|width|height|viewBox|points|stroke-width|font-size|transform"
)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_NUMBER_ATTRIBUTE = re.compile(rf"""\s(?:{SVG_NUMBER_ATTRIBUTES})=(["'])(.*?)\1""", re.S)
_VARIABLE = re.compile(r"{{(.*?)}}", re.S)
_LOCALIZE_OFF = re.compile(r"{%\s*localize\s+off\s*%}.*?{%\s*endlocalize\s*%}", re.S)


def _templates():
    """(path relative to the root, source) for every template of the project."""
    for path in sorted(ROOT.rglob("*.html")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "node_modules", "static", "staticfiles"} or "static" in relative.parts:
            continue
        yield relative, path.read_text()


def svg_numbers_localised_in_templates(templates) -> list[str]:
    """Template variables written into an SVG's number attributes without `unlocalize` (and
    outside `{% localize off %}`): Django would write 1.200 or 12,5 for them in Indonesian."""
    found = []
    for path, source in templates:
        unlocalised = _LOCALIZE_OFF.sub(lambda match: " " * len(match.group()), source)
        for svg in _SVG.finditer(unlocalised):
            for attribute in _NUMBER_ATTRIBUTE.finditer(svg.group()):
                for variable in _VARIABLE.finditer(attribute.group(2)):
                    filters = [part.strip().partition(":")[0] for part in variable.group(1).split("|")]
                    if filters[-1] != "unlocalize":
                        line = source.count("\n", 0, svg.start() + attribute.start()) + 1
                        found.append(f"{path}:{line} {attribute.group().strip()}")
    return found


def test_every_number_a_template_writes_into_an_svg_is_unlocalised():
    assert svg_numbers_localised_in_templates(_templates()) == []


def test_the_template_check_would_catch_a_size_written_the_readers_way():
    own = (
        '{% load l10n %}<svg viewBox="0 0 {{ chart.width }} {{ chart.height|unlocalize }}" width="{{ chart.width }}">'
        '<rect x="{{ bar.x|add:-6 }}" y="{{ bar.y|unlocalize }}" class="{{ bar.css }}"/></svg>'
        '<p data-width="{{ chart.width }}">{{ chart.width }}</p>'
        '{% localize off %}<svg height="{{ chart.height }}"></svg>{% endlocalize %}'
    )
    found = svg_numbers_localised_in_templates([(Path("improvement/templates/improvement/x.html"), own)])
    assert len(found) == 3, found


@pytest.mark.parametrize("language", ["en", "id"])
def test_a_coordinate_is_written_with_a_dot_in_every_language(language):
    with translation.override(language):
        assert coordinate(1234.56) == "1234.6"
        assert coordinate(-0.04, 2) == "-0.04"


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", ["1,234.5", "12.50%", "Oct 2026", "—"]), ("id", ["1.234,5", "12,50%", "Okt 2026", "—"])],
)
def test_a_number_is_written_as_the_readers_language_writes_it(language, written):
    with translation.override(language):
        shown = [number(1234.54), percent(12.5, 2), month(dt.date(2026, 10, 1)), number(None)]
    assert shown == written


def test_nice_ticks_are_round_and_cover_the_values():
    assert nice_ticks(3.2, 47.9) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0.12, 0.31) == [0.1, 0.15, 0.2, 0.25, 0.3, 0.35]


def test_an_axis_maps_its_ends_to_its_pixels():
    y_axis = Axis(low=0, high=100, start=200, end=20)
    assert (y_axis.at(0), y_axis.at(50), y_axis.at(100)) == (200, 110, 20)


# --- Sending a notification (core/notifications.py)

MAIL_SENDERS = ("send_mail", "send_mass_mail", "EmailMessage", "EmailMultiAlternatives", "mail_admins")


def mail_sent_outside_the_kit(modules) -> list[str]:
    """Places outside `core/notifications.py` that build or send an e-mail themselves."""
    found = []
    for path, tree in modules:
        if path == Path("core/notifications.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] in MAIL_SENDERS:
                found.append(f"{path}:{node.lineno} calls {_dotted(node.func)}")
    return found


def test_every_notification_is_sent_through_core_notifications():
    assert mail_sent_outside_the_kit(_modules()) == []


def test_the_mail_check_would_catch_a_sender_of_its_own():
    own = ast.parse("from django.core.mail import send_mail\nsend_mail('s', 'b', None, ['a@b.c'])\n")
    assert len(mail_sent_outside_the_kit([(Path("rewards/services.py"), own)])) == 1


class _Reader:
    def __init__(self, email, language=""):
        self.email, self.language = email, language


def test_a_notification_is_written_in_each_recipients_language(mailoutbox, settings):
    # given Ani, who reads English, Budi and Citra, whose language Prima does not know, and no address
    settings.LANGUAGE_CODE = "id"
    people = [
        _Reader("ani@example.go.id", "en"),
        _Reader("budi@example.go.id"),
        _Reader(""),
        _Reader("citra@example.go.id", "id"),
    ]
    # when
    sent = notification_send(people, lambda: (translation.gettext("Home"), translation.get_language()))
    # then
    assert sent == 2
    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [
        (["ani@example.go.id"], "Home", "en"),
        (["budi@example.go.id", "citra@example.go.id"], "Beranda", "id"),
    ]
    assert mailoutbox[0].from_email == settings.DEFAULT_FROM_EMAIL


def test_the_language_of_a_bare_address_is_the_sites(settings):
    settings.LANGUAGE_CODE = "id"
    assert language_of("hr@example.go.id") == "id"


# --- A service's refusal on a page (core/web.py)


def refusals_read_outside_the_kit(modules) -> list[str]:
    """Page modules that take a service's ValidationError apart themselves."""
    found = []
    for path, tree in modules:
        if not path.name.endswith("views.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("message_dict", "error_dict"):
                found.append(f"{path}:{node.lineno} reads {node.attr}")
    return found


def test_every_page_shows_a_refusal_through_core_web():
    assert refusals_read_outside_the_kit(_modules()) == []


def test_the_refusal_check_would_catch_a_page_reading_errors_itself():
    own = ast.parse("for field, problems in error.message_dict.items():\n    form.add_error(field, problems)\n")
    assert len(refusals_read_outside_the_kit([(Path("leave/views.py"), own)])) == 1


class _TargetForm(forms.Form):
    title = forms.CharField()
    target = forms.CharField()


def test_a_refusal_field_by_field_lands_on_the_fields():
    form = _TargetForm({"title": "x", "target": "y"})
    assert form.is_valid()
    error = ValidationError({"title": ["Too short."], "driver": ["Unknown driver."], "period": ["Closed."]})
    form_errors_from(form, error, fields={"driver": "target"})
    assert form.errors == {"title": ["Too short."], "target": ["Unknown driver."], "__all__": ["Closed."]}


def test_a_refusal_without_fields_or_a_conflict_goes_on_top():
    form = _TargetForm({"title": "x", "target": "y"})
    assert form.is_valid()
    form_errors_from(form, ValidationError("Not now."))
    form_errors_from(form, Conflict("Already decided."))
    assert form.non_field_errors() == ["Not now.", "Already decided."]


def test_a_service_call_without_a_form_becomes_a_message(rf):
    request = rf.post("/x/")
    request.session = {}
    request._messages = FallbackStorage(request)

    def refuse():
        raise NotAllowed("Only HR.")

    assert service_call(request, None, lambda: None) is True
    assert service_call(request, None, refuse) is False
    assert [str(message) for message in request._messages] == ["Only HR."]


def test_error_lines_lead_with_the_label():
    error = ValidationError({"answers.q1": ["Required."], "email": ["Bad."]})
    assert error_lines(error, {"answers.q1": "Question 1"}) == ["Question 1 — Required.", "Bad."]


@pytest.mark.parametrize(("score", "band"), [(None, None), (12, 0), (40, 1), (69.9, 2), (70, 3), (85, 4), (100, 4)])
def test_a_heat_band_counts_the_bounds_a_value_reaches(score, band):
    assert heat_band(score, SCORE_HEAT_BANDS) == band


def test_no_module_keeps_heat_bands_of_its_own():
    own = [
        f"{path}:{node.lineno}"
        for path, tree in _modules()
        if path.parts[0] != "core"
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "HEAT_BANDS"
    ]
    assert own == []
