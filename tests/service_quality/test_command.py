"""`manage.py import_service_quality`: the same import from the shell."""

import io

import pytest
from django.core.management import CommandError, call_command

from service_quality.models import ExternalScore, SkmResponse
from tests.service_quality.factories import SCORES_HEADER, csv_bytes


def test_the_command_imports_a_file_with_a_progress_bar(org, tmp_path, skm_file):
    path = tmp_path / "skm.csv"
    path.write_bytes(skm_file)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_service_quality", str(path), "--kind", "skm", "--user", "hana", stdout=out, stderr=err)
    assert SkmResponse.objects.count() == 3
    assert "3 of 3 rows imported" in out.getvalue()
    assert "Writing rows" in err.getvalue()


def test_the_command_lists_every_problem_and_imports_nothing(org, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(csv_bytes(SCORES_HEADER, ["XX,2025-03,csat,overall,80,10", "CS,2025-03,csat,overall,180,10"]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems"):
        call_command("import_service_quality", str(path), stdout=io.StringIO(), stderr=err)
    assert "row 2, column department_code" in err.getvalue()
    assert "row 3, column value" in err.getvalue()
    assert not ExternalScore.objects.exists()


def test_the_same_file_again_is_refused(org, tmp_path):
    path = tmp_path / "scores.csv"
    path.write_bytes(csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10"]))
    call_command("import_service_quality", str(path), "--no-progress", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already imported"):
        call_command("import_service_quality", str(path), "--no-progress", stdout=io.StringIO())
    assert ExternalScore.objects.count() == 1


def test_a_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_service_quality", str(tmp_path / "nope.csv"))
