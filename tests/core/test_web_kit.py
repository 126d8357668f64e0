"""Every page guard, CSV response and chart goes through the web kit in `core`: a module outside
`core` that writes its own CSV, refuses a page by role its own way or draws its own axis is
found here by reading the source."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from core.csv_files import csv_cell, csv_response

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
