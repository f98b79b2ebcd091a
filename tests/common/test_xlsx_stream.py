"""Streamed sheets (common.xlsx_stream through common.xlsx.Book.streamed_sheets): every value
comes back from openpyxl as it went in, texts made safe like XlsxWriter's cells, the formats
and frozen header kept, sheets continued past the row limit, nothing written on failure."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import struct
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from common import xlsx
from common.spreadsheets import CELL_MAX_CHARS
from common.xlsx import Book
from common.xlsx_stream import column_letters, excel_serial

HEADER = ["text", "number", "when"]


def streamed(rows, *, parts: int = 1, name: str = "Raw", seen: list | None = None) -> bytes:
    target = io.BytesIO()
    with Book.open(target) as book:
        about = book.sheet("About", (20,))
        about.line(["Before the streamed sheet"])
        book.streamed_sheets(
            name,
            (20, 12, 18),
            header=HEADER,
            rows=rows,
            parts=parts,
            streamed=(lambda written, left: seen.append((written, left)))
            if seen is not None
            else None,
        )
        after = book.sheet("After", (20,))
        after.line(["After it"])
    return target.getvalue()


def cells(data: bytes, sheet: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(data))
    return [list(row) for row in book[sheet].iter_rows(values_only=True)]


def test_values_come_back_with_their_types() -> None:
    aware = dt.datetime(2026, 5, 1, 8, 30, 15, tzinfo=dt.UTC)
    rows = [
        ["plain", 3, dt.date(2026, 5, 1)],
        ["  spaced both ends  ", 2.718281828459045, dt.datetime(2026, 5, 1, 17, 45, 30)],
        ['=HYPERLINK("http://x")', Decimal("12.3456"), aware],
        ["a & b < c > d", -7, None],
        ["bell\x07 and\r\nbreak", True, ""],
        [None, Decimal("1E+2"), dt.date(1900, 1, 1)],
    ]
    data = streamed(rows)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["About", "Raw", "After"]
    got = [list(r) for r in book["Raw"].iter_rows(values_only=True)]
    assert got[0] == HEADER
    assert got[1] == ["plain", 3, dt.datetime(2026, 5, 1)]
    assert got[2][0] == "  spaced both ends  "
    assert got[2][1] == 2.718281828459045  # full precision
    assert got[2][2] == dt.datetime(2026, 5, 1, 17, 45, 30)
    assert got[3][0] == '=HYPERLINK("http://x")'  # text, never a formula
    assert book["Raw"]["A4"].data_type == "s"
    assert got[3][1] == 12.3456
    # Aware times are shown in the project's time zone, like every other cell.
    from django.utils import timezone

    assert got[3][2] == timezone.localtime(aware).replace(tzinfo=None)
    assert got[4] == ["a & b < c > d", -7, None]
    assert got[5][0] == "bell\ufffd and\nbreak"  # control characters replaced, line kept
    assert got[5][1] is True
    assert got[6][1] == 100
    assert got[6][2] == dt.datetime(1900, 1, 1)
    assert book["Raw"]["C2"].number_format == "yyyy-mm-dd"
    assert book["Raw"]["C3"].number_format == "yyyy-mm-dd hh:mm"
    assert book["Raw"].freeze_panes == "A2"
    assert book["Raw"]["A1"].font.bold  # the header's format, as XlsxWriter wrote it
    assert cells(data, "After") == [["After it"]]


def test_text_past_the_cell_limit_is_cut_with_a_marker() -> None:
    data = streamed([["x" * (CELL_MAX_CHARS + 10), 1, None]])
    text = cells(data, "Raw")[1][0]
    assert len(text) == CELL_MAX_CHARS and "cut" in text


def test_rows_continue_on_further_sheets_and_extra_rows_are_told(monkeypatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_SHEET_ROWS", 4)  # a header and 3 rows per sheet
    seen: list[tuple[int, int]] = []
    data = streamed(([f"r{n}", n, None] for n in range(8)), parts=2, seen=seen)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["About", "Raw", "Raw (2)", "After"]
    first = [list(r) for r in book["Raw"].iter_rows(values_only=True)]
    second = [list(r) for r in book["Raw (2)"].iter_rows(values_only=True)]
    assert [r[1] for r in first[1:]] == [0, 1, 2]
    assert second[0] == HEADER and [r[1] for r in second[1:]] == [3, 4, 5]
    assert seen == [(6, 2)]  # 6 written; 2 more than the sheets had room for


def test_the_streamed_sheet_is_a_zip64_entry_deflated() -> None:
    data = streamed([["a", 1, None]] * 10)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED
        # The local header carries a ZIP64 extra field (id 1): sheets past 4 GiB stay readable.
        offset = info.header_offset
        name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
        extra = data[offset + 30 + name_length : offset + 30 + name_length + extra_length]
        assert struct.unpack("<H", extra[:2]) == (1,)
        assert archive.testzip() is None
        assert b"<dimension" not in archive.read("xl/worksheets/sheet2.xml")


def test_a_failure_while_streaming_leaves_no_file(tmp_path: Path) -> None:
    def rows():
        yield ["one", 1, None]
        raise RuntimeError("the database went away")

    target = tmp_path / "book.xlsx"
    with pytest.raises(RuntimeError, match="went away"), Book.open(target) as book:
        book.streamed_sheets("Raw", (10,), header=HEADER, rows=rows())
    assert list(tmp_path.iterdir()) == []


def test_column_letters_and_serials_match_excel() -> None:
    letters = column_letters(703)
    assert letters[:3] == ["A", "B", "C"]
    assert letters[25:28] == ["Z", "AA", "AB"]
    assert letters[701:703] == ["ZZ", "AAA"]
    assert excel_serial(dt.datetime(1900, 1, 1)) == 1
    assert excel_serial(dt.datetime(1900, 3, 1)) == 61  # after Excel's 29 February 1900
    assert excel_serial(dt.datetime(2026, 5, 1, 12)) == 46143.5


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_streamed_sheet(tmp_path: Path) -> None:
    rows = [[f"row {n} & <more>", n, dt.date(2026, 5, n % 28 + 1)] for n in range(1, 51)]
    source = tmp_path / "book.xlsx"
    source.write_bytes(streamed(rows))
    out = tmp_path / "out"
    # The second sheet ("Raw") as CSV: LibreOffice's filter options pick it by number.
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2"
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", csv_filter, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (converted,) = out.glob("*.csv")
    lines = list(csv.reader(converted.read_text(encoding="utf-8").splitlines()))
    assert lines[0] == HEADER
    assert len(lines) == 51
    assert lines[1][:2] == ["row 1 & <more>", "1"]
    assert lines[50][:2] == ["row 50 & <more>", "50"]
