"""Bahasa Indonesia ships complete: every catalogue entry translated, and the compiled
catalogue (what Django reads) says the same as its source."""

import gettext
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(path for path in ROOT.glob("**/locale/id/LC_MESSAGES/django.po") if ".venv" not in path.parts)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(part: str) -> str:
    joined = "".join(re.findall(r'"(.*)"', part))
    return re.sub(r"\\(.)", lambda match: _ESCAPES[match[1]], joined)


def entries(po: Path):
    """(msgid, msgstr, flags) for every entry but the header."""
    text = po.read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        lines = block.strip().splitlines()
        flags = " ".join(line for line in lines if line.startswith("#,"))
        body = "\n".join(line for line in lines if not line.startswith("#"))
        match = re.search(r'msgid ((?:".*"\n?)+)(?:msgid_plural (?:".*"\n?)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)', body)
        if not match:
            continue
        msgid, msgstr = (_unquote(part) for part in match.groups())
        if msgid:
            yield msgid, msgstr, flags


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 3


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(po):
    untranslated = [msgid for msgid, msgstr, flags in entries(po) if not msgstr or "fuzzy" in flags]
    assert untranslated == []


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_the_compiled_catalogue_matches_its_source(po):
    with po.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for msgid, msgstr, _flags in entries(po):
        got = compiled.gettext(msgid)
        if got == msgid and msgstr != msgid:
            got = compiled.ngettext(msgid, msgid, 1)
        assert got == msgstr, msgid


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_a_translation_keeps_the_file_format_it_names(po):
    """("Download PDF" once read "Unduh CSV".)"""
    wrong = [
        (msgid, msgstr)
        for msgid, msgstr, _flags in entries(po)
        for name in ("CSV", "PDF", "XLSX")
        if re.search(rf"\b{name}\b", msgid) and not re.search(rf"\b{name}\b", msgstr)
    ]
    assert wrong == []


APPS_WITH_CATALOGUES = sorted(path.parents[3].name for path in CATALOGUES if path.parents[3] != ROOT)


@pytest.mark.parametrize("app", APPS_WITH_CATALOGUES)
def test_the_catalogue_holds_every_string_the_code_marks(app, tmp_path):
    """Extracting the app's strings again (as `make messages` does) finds nothing new."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "id", "--no-obsolete", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )
    extracted = {msgid for msgid, _msgstr, _flags in entries(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")}
    shipped = {msgid for msgid, _msgstr, _flags in entries(ROOT / app / "locale" / "id" / "LC_MESSAGES" / "django.po")}
    assert extracted - shipped == set(), f"run `make messages` and translate the new strings of {app}"
