"""Every upload is read within fixed limits, whatever the file declares about itself."""

import io
import os
import subprocess
import sys
import textwrap
import zipfile

import pytest

from core.uploads import UploadLimits, UploadRefused, open_rows, read_bounded, sniff


def _sheet_xml_rows(rows: int) -> bytes:
    # A worksheet without a <dimension> element: its size is known only by reading it.
    head = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    body = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (n, n) for n in range(1, rows + 1)
    )
    return head + body + b"</sheetData></worksheet>"


PACKAGE = b"http://schemas.openxmlformats.org/package/2006"
OFFICE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx_with_sheet(sheet_xml: bytes, *, level: int = 6) -> bytes:
    """A minimal workbook whose first sheet is `sheet_xml`, written by hand so that a test
    can make sheets no spreadsheet program would."""
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="' + PACKAGE + b'/content-types">'
            b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            b'<Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/xl/workbook.xml" ContentType="' + SHEET_MAIN + b'.sheet.main+xml"/>'
            b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="' + SHEET_MAIN + b'.worksheet+xml"/>'
            b"</Types>"
        ),
        "_rels/.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + PACKAGE + b'/relationships">'
            b'<Relationship Id="rId1" Type="' + OFFICE + b'/officeDocument" Target="xl/workbook.xml"/>'
            b"</Relationships>"
        ),
        "xl/workbook.xml": (
            b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="' + OFFICE + b'"><sheets>'
            b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + PACKAGE + b'/relationships">'
            b'<Relationship Id="rId1" Type="' + OFFICE + b'/worksheet" Target="worksheets/sheet1.xml"/>'
            b"</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_hand_made_workbook_reads():
    table = open_rows(xlsx_with_sheet(_sheet_xml_rows(5)))
    assert table.file_format == "xlsx"
    assert table.header == ["x"]
    assert len(list(table.rows())) == 4


def test_a_zip_bomb_is_refused_before_anything_is_unpacked():
    # 300 MB of one repeated byte compresses to about 300 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = b"\x20" * (1024 * 1024)
            for _ in range(300):
                sheet.write(chunk)
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    with pytest.raises(UploadRefused) as refused:
        sniff(content)
    assert "unpacks to more than" in str(refused.value) or "compressed more than" in str(refused.value)


def test_a_highly_compressed_entry_is_refused_even_under_the_size_limit():
    content = xlsx_with_sheet(b"<worksheet>" + b" " * (20 * 1024 * 1024) + b"</worksheet>", level=9)
    with pytest.raises(UploadRefused, match="compressed more than"):
        sniff(content)


def test_rows_are_counted_while_reading_not_taken_from_the_sheet():
    # no dimension element: a reader that trusts it sees 0 rows
    content = xlsx_with_sheet(_sheet_xml_rows(2_000))
    table = open_rows(content, UploadLimits(max_rows=1_000))
    with pytest.raises(UploadRefused, match="more than 1000 rows") as refused:
        list(table.rows())
    assert refused.value.problems[0].row == 1_002


def test_random_bytes_named_csv_are_refused_before_anything_is_stored():
    with pytest.raises(UploadRefused, match="not a CSV or XLSX"):
        sniff(os.urandom(50 * 1024))


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w/>")
    with pytest.raises(UploadRefused, match="not an Excel workbook"):
        sniff(buffer.getvalue())


def test_the_byte_limit_is_checked_while_reading():
    class Endless(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            return b"a" * (size if size and size > 0 else 1024)

    with pytest.raises(UploadRefused, match="larger than 1 MB"):
        read_bounded(Endless(), UploadLimits(max_bytes=1024 * 1024))


def test_too_many_columns_and_overlong_cells_are_refused():
    wide = ",".join(f"c{i}" for i in range(80)) + "\n"
    with pytest.raises(UploadRefused, match="more than 64 columns"):
        open_rows(wide.encode())
    long_cell = b"name\n" + b"x" * 5000 + b"\n"
    with pytest.raises(UploadRefused, match="more than 4000 characters"):
        list(open_rows(long_cell).rows())


def test_windows_1252_is_refused_with_the_line():
    with pytest.raises(UploadRefused) as refused:
        sniff("name\nJos\u00e9\n".encode("cp1252"))
    assert refused.value.problems[0].row == 2


def test_a_three_million_row_sheet_is_refused_within_bounded_memory(tmp_path):
    """In a separate process, so that its peak memory is its own: a workbook of 3,000,000
    rows with no size element (over 200 MB unpacked, about 1 MB packed) is refused, and
    the process never grows past a fixed bound."""
    sheet = tmp_path / "sheet.xml"
    with sheet.open("wb") as out:
        out.write(_sheet_xml_rows(0).replace(b"</sheetData></worksheet>", b""))
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        block = row * 10_000
        for _ in range(300):
            out.write(block)
        out.write(b"</sheetData></worksheet>")
    script = textwrap.dedent(
        f"""
        import io, resource, zipfile, sys
        sys.path.insert(0, {str(os.getcwd())!r})
        import django, os
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        django.setup()
        from tests.core.test_uploads import xlsx_with_sheet
        from core.uploads import UploadRefused, open_rows
        content = xlsx_with_sheet(open({str(sheet)!r}, "rb").read(), level=9)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            table = open_rows(content)
            for _ in table.rows():
                pass
            print("READ")
        except UploadRefused as refused:
            print("REFUSED", refused)
        print("GROWTH_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "SIZE", len(content))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=240, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("REFUSED"), done.stdout + done.stderr
    growth_kb = int(lines[1].split()[1])
    assert growth_kb < 200 * 1024, lines
