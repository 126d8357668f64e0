"""The organisation import benchmark at a tiny size: it applies what it says and counts writes."""

import pytest

from bench import org_import, report
from bench._common import database_name, save_results
from employees.models import DepartmentMove, User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_benchmark_imports_changes_one_percent_and_provisions_by_scim(tmp_path):
    # when
    results = org_import.bench(people=400, departments=20, scim_people=6)
    # then: everyone came in, 1% changed and only they were written
    assert results["people_counts"]["created"] == 400
    assert results["departments_counts"]["created"] == 20
    changed = results["again_rows_changed"]
    assert changed == 4
    assert sum(results["again_counts"][key] for key in ("updated", "moved")) == changed
    assert results["again_rows_written"]["employees_user"] == changed
    assert DepartmentMove.objects.count() == results["again_counts"]["moved"]
    assert User.objects.filter(username__startswith="scim").count() == 6
    # SCIM requests cost the same queries at both sizes
    for kind in ("create", "filter", "patch"):
        assert results["scim"][kind]["queries_max"] == results["scim_small_organisation"][kind]["queries_max"]
    # and the report shows the section
    save_results("org-import", results, directory=tmp_path)
    doc = tmp_path / "BENCHMARKS.md"
    report.write("none", "none", results=tmp_path, doc=doc, organisation=database_name())
    assert "## Organisation import and SCIM" in doc.read_text()
    assert "| people, upload to applied |" in doc.read_text()
