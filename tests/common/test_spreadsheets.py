"""Reading CSV and XLSX tables: encodings, delimiters, row numbers, cell values, limits and
clear refusals."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook

from common.errors import ValidationProblem
from common.spreadsheets import cell_text, header_signature, letter, read_table

TEXT = "Name,Country\nZoë Ångström,Norway\nJosé García-López,Spain\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_csv_encodings_are_detected(encoding: str) -> None:
    table = read_table(TEXT.encode(encoding), "people.csv")
    assert table.headers == ["Name", "Country"]
    assert [r.values for r in table.rows] == [
        ["Zoë Ångström", "Norway"],
        ["José García-López", "Spain"],
    ]


def test_windows_1252_punctuation_is_read() -> None:
    table = read_table("Name;Notes\nAnna;“quoted” – dash €\n".encode("cp1252"), "p.csv")
    assert table.rows[0].values == ["Anna", "“quoted” – dash €"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    text = delimiter.join(["Name", "Organisation", "Country"]) + "\n"
    text += delimiter.join(["Anna Beispiel", '"Ministry of Labour, Invalids"', "Viet Nam"]) + "\n"
    table = read_table(text.encode(), "people.csv")
    assert table.headers == ["Name", "Organisation", "Country"]
    assert table.rows[0].values == ["Anna Beispiel", "Ministry of Labour, Invalids", "Viet Nam"]


def test_row_numbers_are_the_spreadsheets_and_blank_rows_are_skipped() -> None:
    text = "\n\nName,E-mail\nAnna,a@example.org\n,\nBen,b@example.org\n"
    table = read_table(text.encode(), "p.csv")
    assert [(r.number, r.values[0]) for r in table.rows] == [(4, "Anna"), (6, "Ben")]


def test_a_quoted_cell_over_two_lines_is_one_row() -> None:
    table = read_table(b'Name,Notes\nAnna,"line one\nline two"\nBen,x\n', "p.csv")
    assert [(r.number, r.values) for r in table.rows] == [
        (2, ["Anna", "line one\nline two"]),
        (3, ["Ben", "x"]),
    ]


def test_short_rows_are_padded_and_unnamed_columns_get_their_letter() -> None:
    table = read_table(b"Name,,\nAnna\nBen,,extra\n", "p.csv")
    assert table.headers == ["Name", "Column B", "Column C"]
    assert [r.values for r in table.rows] == [["Anna", "", ""], ["Ben", "", "extra"]]
    assert letter(0) == "A" and letter(25) == "Z" and letter(27) == "AB"


def test_spaces_are_tidied_and_decomposed_letters_composed() -> None:
    table = read_table("Name\n  Zoe\u0308   A\u030angstro\u0308m \n".encode(), "p.csv")
    assert table.rows[0].values == ["Zoë Ångström"]


def xlsx(rows: list[list[object]], *, title: str = "Sheet", more: dict | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in (more or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_values_dates_numbers_and_formulas() -> None:
    content = xlsx(
        [
            ["Name", "Phone", "Since", "Score", "Computed", "Text"],
            ["Zoë Ångström", 41227996111, dt.date(2024, 3, 1), 2.5, "=1+1", "=not a formula?"],
            [None, None, None, None, None, None],
            ["Anna", "+41 22", dt.datetime(2024, 3, 1, 14, 30), True, None, None],
        ]
    )
    table = read_table(content, "people.xlsx")
    assert table.headers == ["Name", "Phone", "Since", "Score", "Computed", "Text"]
    first, second = table.rows
    assert first.number == 2 and second.number == 4
    assert first.values[:4] == ["Zoë Ångström", "41227996111", "2024-03-01", "2.5"]
    # A formula is never read as its text: the value Excel computed (none was saved here).
    assert first.values[4] == ""
    assert second.values[1:4] == ["+41 22", "2024-03-01 14:30:00", "TRUE"]


def test_xlsx_sheet_is_chosen_by_name_and_an_unknown_one_is_named() -> None:
    content = xlsx([["Name"], ["First"]], title="Cover", more={"People": [["Name"], ["Anna"]]})
    assert read_table(content, "p.xlsx").rows[0].values == ["First"]
    table = read_table(content, "p.xlsx", sheet="People")
    assert (table.sheet, table.sheets, table.rows[0].values) == ("People", ["Cover", "People"],
                                                                  ["Anna"])  # fmt: skip
    with pytest.raises(ValidationProblem) as refused:
        read_table(content, "p.xlsx", sheet="Contacts")
    assert (
        refused.value.message == "The workbook has no sheet “Contacts”. Its sheets: Cover, People."
    )


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"   \n\n", "people.csv", "The file is empty."),
        (b"Name,Country\n", "people.csv", "The file has a header row but no data rows."),
        (b"Name\nAnna\n", "people.xls", "Old Excel files (.xls) cannot be read."),
        (b"%PDF-1.4\x00\x01binary", "people.pdf", "Only CSV and XLSX files can be read."),
        (b"\x00\x01\x02binary", "people.csv", "“people.csv” is not a CSV file."),
        (b'{"name": 1}', "people.json", "Only CSV and XLSX files can be read, not"),
        (b"PK\x03\x04broken", "people.xlsx", "could not be read as an Excel workbook"),
        (b"not a zip at all", "people.xlsx", "could not be read as an Excel workbook"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(ValidationProblem) as refused:
        read_table(content, filename)
    assert message in refused.value.message
    assert refused.value.errors["file"] == [refused.value.message]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(ValidationProblem, match="could not be read as an Excel workbook"):
        read_table(out.getvalue(), "people.xlsx")


def test_size_and_row_limits(settings) -> None:
    big = b"Name\n" + b"x" * (settings.SPREADSHEET_MAX_BYTES + 10)
    with pytest.raises(ValidationProblem, match="larger than 5 MB"):
        read_table(io.BytesIO(big), "big.csv")
    settings.SPREADSHEET_MAX_ROWS = 3
    read_table(b"Name\na\nb\nc\n", "ok.csv")
    with pytest.raises(ValidationProblem, match="more than 3 rows"):
        read_table(b"Name\na\nb\nc\nd\n", "long.csv")


def test_a_file_object_is_read_from_the_start() -> None:
    handle = io.BytesIO(TEXT.encode())
    handle.read(5)
    assert read_table(handle, "p.csv").headers == ["Name", "Country"]


def test_cell_text() -> None:
    assert cell_text(None) == ""
    assert cell_text(12.0) == "12"
    assert cell_text(dt.time(9, 30)) == "09:30:00"
    assert cell_text("a\r\nb  c") == "a\nb c"


def test_header_signature_ignores_case_accents_and_punctuation_but_not_order() -> None:
    one = header_signature(["Name", "E-mail", "País"], kind="people")
    assert one == header_signature(["NAME", "e mail", "pais"], kind="people")
    assert one != header_signature(["E-mail", "Name", "País"], kind="people")
    assert one != header_signature(["Name", "E-mail", "País"], kind="interviews")
    assert len(one) == 64
