"""The import formats are documented in the repository: every column of every file, the values
a score's source and dimension may take, and the department codes a file may use."""

import re
from pathlib import Path

from employees import importing as org_importing
from employees.demo import DEPARTMENTS
from service_quality import importing as score_importing
from service_quality.dimensions import allowed_dimensions
from service_quality.models import Source

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "IMPORTS.md").read_text()
README = (ROOT / "README.md").read_text()


def test_every_column_of_every_import_file_is_documented():
    columns = {c for kind in org_importing.COLUMNS.values() for c in kind}
    columns |= {c for kind in score_importing.COLUMNS.values() for c in kind}
    elements = {column for column in columns if re.fullmatch(r"u\d", column)}
    assert elements == {f"u{n}" for n in range(1, 10)} and "`u1` … `u9`" in DOC  # the SKM elements
    missing = sorted(column for column in columns - elements if f"`{column}`" not in DOC)
    assert missing == []
    for kind, kind_columns in score_importing.COLUMNS.items():
        assert ",".join(kind_columns) in DOC, f"an example of the {kind} file with its header"


def test_every_source_and_its_named_dimensions_are_documented():
    for source in Source.values:
        assert f"| `{source}` |" in DOC
        for dimension in allowed_dimensions(source) or ():
            if not re.fullmatch(r"u\d", dimension) and not dimension.endswith("_expectation"):
                assert f"`{dimension}`" in DOC, (source, dimension)


def test_the_department_codes_are_documented():
    for code, name, *_rest in DEPARTMENTS:
        assert f"| `{code}` | {name} |" in DOC


def test_the_readme_sends_readers_to_the_formats_in_the_repository():
    assert "docs/IMPORTS.md" in README
    assert "Formats are in\nCONTRACT.md" not in README
    assert not re.search(r"[Ff]ormats? (are )?in\s+CONTRACT\.md", README)
