"""Issue "Trust under faults and attack", item 14: uploads cannot hurt. Every spreadsheet is
checked before it is parsed — parts, sizes unpacked, compression ratio, DTDs — and while it is
read — cells, rows, characters in a cell — each refusal a clear message on the page and a 400
in the API. The bad files are built here: a small XLSX whose sheet is one huge cell, a zip of
thousands of parts, XLSX files with XML entities (XXE, billion laughs)."""

from __future__ import annotations

import io
import signal
import time
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils.html import escape
from openpyxl import Workbook

from common import spreadsheets, upload_limits
from common.errors import ValidationProblem
from common.spreadsheets import read_table
from interviews.models import InterviewImportJob
from questionnaires.instrument_format import (
    instrument_document,
    instrument_dump,
    instrument_dump_document,
    instrument_parse,
)
from questionnaires.models import Instrument
from stakeholders.models import ImportJob

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def workbook() -> bytes:
    book = Workbook()
    book.active.append(["Name", "Organisation"])
    book.active.append(["Anna Beispiel", "Ministry of Labour"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with(parts: dict[str, bytes | Iterable[bytes]], *, extra: int = 0) -> bytes:
    """A real workbook with some parts replaced (a part given as chunks is streamed into the
    zip, so a test never holds it whole) and `extra` tiny parts added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info.filename))
        for name, content in parts.items():
            if isinstance(content, bytes):
                target.writestr(name, content)
                continue
            with target.open(name, "w") as member:
                for chunk in content:
                    member.write(chunk)
        for number in range(extra):
            target.writestr(f"customXml/item{number}.xml", b"<a/>")
    return out.getvalue()


def sheet_xml(*cells: str, dimension: str = "") -> bytes:
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{text}</t></is></c></row>'
        for n, text in enumerate(cells, start=1)
    )
    head = f'<dimension ref="{dimension}"/>' if dimension else ""
    return SHEET_HEAD + f"{head}<sheetData>{rows}</sheetData></worksheet>".encode()


def one_huge_cell(size: int) -> Iterable[bytes]:
    yield SHEET_HEAD + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
    for _ in range(size // MB):
        yield b"x" * MB
    yield b"</t></is></c></row></sheetData></worksheet>"


@pytest.fixture
def parsing(monkeypatch) -> list[str]:
    """Records every time openpyxl is asked to parse a workbook."""
    calls: list[str] = []
    real = spreadsheets.load_workbook

    def spy(*args, **kwargs):
        calls.append("load_workbook")
        return real(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "load_workbook", spy)
    return calls


def refusal(content: bytes, filename: str = "people.xlsx") -> str:
    with pytest.raises(ValidationProblem) as refused:
        read_table(content, filename)
    assert refused.value.errors["file"] == [refused.value.message]
    return refused.value.message


# --- before parsing: the zip ----------------------------------------------------------------


@pytest.mark.slow
def test_a_small_xlsx_holding_one_huge_cell_is_refused_before_parsing(parsing) -> None:
    bomb = xlsx_with({SHEET: one_huge_cell(400 * MB)})
    assert len(bomb) < 1 * MB
    tracemalloc.start()
    try:
        message = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message == "The file expands to 400 MB; the most accepted is 200 MB."
    assert parsing == []  # refused from the zip's directory: nothing was unpacked or parsed
    assert peak < 20 * MB


def test_a_part_too_large_and_a_part_packed_too_tightly_are_refused(settings, parsing) -> None:
    settings.SPREADSHEET_MAX_PART_BYTES = 10 * MB
    assert refusal(xlsx_with({SHEET: one_huge_cell(20 * MB)})) == (
        "A part of the file (xl/worksheets/sheet1.xml) expands to 20 MB; "
        "the most accepted is 10 MB."
    )
    message = refusal(xlsx_with({SHEET: one_huge_cell(5 * MB)}))
    assert message.startswith("A part of the file (xl/worksheets/sheet1.xml) is packed ")
    assert "the most accepted is 100 to 1. It is not a plain spreadsheet." in message
    assert parsing == []


def test_a_zip_with_thousands_of_parts_is_refused(parsing) -> None:
    bomb = xlsx_with({}, extra=5_000)
    parts = len(zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    message = refusal(bomb)
    assert message == f"The file holds {parts:,} parts; the most accepted is 1,000."
    assert parsing == []


def test_the_unpacked_total_counts_every_part(settings, parsing) -> None:
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = 2 * MB
    parts = {f"xl/media/image{n}.bin": bytes(range(256)) * 4096 for n in range(3)}  # 1 MB each
    assert refusal(xlsx_with(parts)) == "The file expands to 3 MB; the most accepted is 2 MB."
    assert parsing == []


def test_a_cell_longer_than_the_limit_is_refused_before_parsing(parsing) -> None:
    # 300,000 varied characters: within the sizes and the ratio, but far past a cell's limit.
    text = "".join(f"{n:06d}" for n in range(50_000))
    message = refusal(xlsx_with({SHEET: sheet_xml("Name", text)}))
    assert message == (
        "A part of the file (xl/worksheets/sheet1.xml) holds a text of more than 196,602 "
        "bytes: no cell may hold more than 32,767 characters."
    )
    assert parsing == []


# --- before parsing: XML that is not a plain spreadsheet --------------------------------------

# &i; expands to a thousand million characters.
LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + b"".join(
        b'<!ENTITY %s "%s">' % (bytes([98 + n]), (b"&%s;" % bytes([97 + n])) * 10) for n in range(8)
    )
    + b"]>"
)
XXE = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
SHARED = (
    b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
    b'main" count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>'
)


def with_doctype(doctype: bytes, xml: bytes) -> bytes:
    declaration, rest = xml.split(b"?>", 1)
    return declaration + b"?>" + doctype + rest


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        (SHEET, with_doctype(LAUGHS, sheet_xml("Name", "&i;"))),
        (SHEET, with_doctype(XXE, sheet_xml("Name", "&xxe;"))),
        ("xl/sharedStrings.xml", with_doctype(XXE, SHARED)),
    ],
    ids=["billion-laughs", "xxe-sheet", "xxe-shared-strings"],
)
def test_xml_entities_are_refused_as_not_a_plain_spreadsheet(part, xml, parsing) -> None:
    message = refusal(xlsx_with({part: xml}))
    assert message == (
        f"The file is not a plain spreadsheet: a part of it ({part}) declares XML entities "
        "or a DTD, which spreadsheets do not use. Save it again from Excel or LibreOffice."
    )
    assert "damaged" not in message
    assert parsing == []


def test_openpyxl_parses_with_defusedxml() -> None:
    # The second wall: should a DTD pass the check, openpyxl's parser refuses its entities.
    assert openpyxl.DEFUSEDXML is True


def test_entities_are_refused_by_the_parser_too(monkeypatch) -> None:
    monkeypatch.setattr(upload_limits, "_part_check", lambda archive, info, limits: None)
    message = refusal(xlsx_with({SHEET: with_doctype(LAUGHS, sheet_xml("Name", "&i;"))}))
    assert message.startswith("The file is not a plain spreadsheet: it declares XML entities")


# --- while reading: cells, rows, characters ---------------------------------------------------


def test_a_sheet_claiming_millions_of_empty_cells_stops_at_the_cell_limit(settings) -> None:
    settings.SPREADSHEET_MAX_CELLS = 100_000
    # Two cells, rows 1 and 1,000,000, 16,384 columns wide: openpyxl gives every row between.
    xml = sheet_xml("Name", "Anna", dimension="A1:XFD1048576")
    bomb = xlsx_with({SHEET: xml.replace(b'r="2"', b'r="1000000"').replace(b"A2", b"A1000000")})
    assert refusal(bomb) == (
        "The sheet has more than 100,000 cells (empty ones included); the most accepted is "
        "100,000. Delete the empty rows and columns, or split the file."
    )


def test_a_cell_over_the_character_limit_is_refused_with_row_and_column(settings) -> None:
    text = "y" * 40_000
    content = xlsx_with({SHEET: sheet_xml("Name", text)})
    assert refusal(content) == (
        "Row 2, column A: the cell holds 40,000 characters; the most accepted is 32,767."
    )
    assert refusal(f"Name,Notes\nAnna,{text}\n".encode(), "p.csv") == (
        "Row 2, column B: the cell holds 40,000 characters; the most accepted is 32,767."
    )
    huge = "z" * 200_000
    assert refusal(f"Name,Notes\nAnna,{huge}\n".encode(), "p.csv") == (
        "Line 2: a cell holds more than 131,072 characters; the most accepted is 32,767."
    )


def test_row_and_size_limits_come_from_the_settings(settings) -> None:
    settings.SPREADSHEET_MAX_ROWS = 3
    read_table(b"Name\na\nb\nc\n", "ok.csv")
    assert refusal(b"Name\na\nb\nc\nd\n", "long.csv") == (
        "The file has more than 3 rows. Split it into smaller files."
    )
    settings.SPREADSHEET_MAX_BYTES = 1 * MB
    assert refusal(b"Name\n" + b"x," * MB, "big.csv") == (
        "The file is larger than 1 MB. Split it into smaller files."
    )


# --- the doors: pages and API -----------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_doors_show_the_refusal(settings, client, api_client, evaluation, team) -> None:
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = 20 * MB
    bomb = xlsx_with({SHEET: one_huge_cell(40 * MB)})
    expected = "The file expands to 40 MB; the most accepted is 20 MB."
    api_client.force_authenticate(team["evaluator"].user)
    people = api_client.post(
        "/api/v1/registry/imports/",
        {"file": SimpleUploadedFile("people.xlsx", bomb)},
        format="multipart",
    )
    assert people.status_code == 400
    assert people.json()["detail"] == expected
    interviews = api_client.post(
        f"/api/v1/evaluations/{evaluation.slug}/interview-imports/",
        {"file": SimpleUploadedFile("annex.xlsx", bomb)},
        format="multipart",
    )
    assert interviews.status_code == 400
    assert expected in str(interviews.json())

    client.force_login(team["evaluator"].user)
    page = client.post("/registry/import/", {"file": SimpleUploadedFile("people.xlsx", bomb)})
    assert page.status_code == 400
    assert expected in page.content.decode()
    page = client.post(
        f"/evaluations/{evaluation.slug}/interviews/import/",
        {"file": SimpleUploadedFile("annex.xlsx", bomb)},
    )
    assert page.status_code == 400
    assert expected in page.content.decode()
    assert ImportJob.objects.count() == 0
    assert InterviewImportJob.objects.count() == 0


@pytest.mark.django_db
def test_instrument_files_over_the_limit_are_refused_at_both_doors(
    settings, client, api_client, evaluation, team
) -> None:
    settings.INSTRUMENT_MAX_BYTES = 1024
    text = "key: big\ntitle: " + "x" * 2000 + "\n"
    api_client.force_authenticate(team["lead"].user)
    url = f"/api/v1/evaluations/{evaluation.slug}/instruments/import/"
    as_text = api_client.post(url, {"yaml": text}, format="json")
    assert as_text.status_code == 400
    assert as_text.json()["errors"]["yaml"] == ["The file is larger than 1 KB."]
    as_file = api_client.post(
        url, {"file": SimpleUploadedFile("big.yaml", text.encode())}, format="multipart"
    )
    assert as_file.status_code == 400
    assert as_file.json()["errors"]["file"] == ["The file is larger than 1 KB."]
    client.force_login(team["lead"].user)
    page = client.post(
        f"/evaluations/{evaluation.slug}/instruments/",
        {"file": SimpleUploadedFile("big.yaml", text.encode())},
    )
    assert "The file is larger than 1 KB." in page.content.decode()


# --- instrument files: YAML anchors and aliases ----------------------------------------------

ALIASES = "anchors and aliases (&name, *name) are not allowed in an instrument file."


def alias_bomb() -> str:
    """'Billion laughs' in YAML: ten levels of nine aliases each, 9**10 strings once expanded."""
    lines = ["consulta_instrument: 1", "key: bomb", "kind: questionnaire", "a0: &a0 [lol, lol]"]
    for level in range(1, 11):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    lines.append("title: *a10")
    return "\n".join(lines) + "\n"


class TooSlow(BaseException):
    """Not an Exception, so no door turns it into a 500 answer: the test sees it."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Fail the test, instead of hanging, when the block takes longer than `seconds`."""

    def stop(signum, frame):
        raise TooSlow(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_an_alias_bomb_is_refused_quickly_naming_its_line() -> None:
    bomb = alias_bomb()
    assert len(bomb.encode()) <= 1024
    started = time.monotonic()
    with within(5), pytest.raises(ValidationProblem) as refused:
        instrument_parse(bomb)
    assert time.monotonic() - started < 1
    assert refused.value.message == f"line 4: {ALIASES}"
    assert refused.value.errors == {"line 4": [ALIASES]}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("key: k\ntitle: &t Title\nsubtitle: *t\n", f"line 2: {ALIASES}"),
        ("key: k\ntitle: Title\nsubtitle: *t\n", f"line 3: {ALIASES}"),
        ("key: k\nsections:\n  - <<: *s\n", f"line 3: {ALIASES}"),
        (
            "key: k\ntitle: !shout Title\n",
            "line 2: the tag “!shout” is not allowed in an instrument file; "
            "write the value without a tag.",
        ),
        (
            "key: k\ntitle: !!python/object:os.system x\n",
            "line 2: the tag “!!python/object:os.system” is not allowed in an instrument file; "
            "write the value without a tag.",
        ),
        (
            "%TAG !! tag:example.com,2000:\n---\nkey: k\n",
            "line 1: YAML directives (%TAG) are not allowed in an instrument file.",
        ),
        (
            "key: k\ntitle: " + "[" * 5000 + "\n",
            "line 2: the file nests lists and mappings more than 50 deep.",
        ),
    ],
)
def test_anchors_aliases_foreign_tags_and_deep_nesting_are_refused(text, message) -> None:
    with within(5), pytest.raises(ValidationProblem) as refused:
        instrument_parse(text)
    assert refused.value.message == message


@pytest.mark.django_db
def test_an_alias_bomb_is_refused_at_the_api_the_page_and_the_command(
    client, api_client, evaluation, team, tmp_path
) -> None:
    bomb = alias_bomb()
    shown = f"Line 4: {ALIASES}"
    api_client.force_authenticate(team["lead"].user)
    url = f"/api/v1/evaluations/{evaluation.slug}/instruments/import/"
    with within(5):
        as_text = api_client.post(url, {"yaml": bomb}, format="json")
        as_file = api_client.post(
            url, {"file": SimpleUploadedFile("bomb.yaml", bomb.encode())}, format="multipart"
        )
    assert as_text.status_code == 400
    assert as_text.json() == {"detail": f"yaml: {shown}", "errors": {"yaml": [shown]}}
    assert as_file.status_code == 400
    assert as_file.json() == {"detail": f"file: {shown}", "errors": {"file": [shown]}}

    client.force_login(team["lead"].user)
    with within(5):
        page = client.post(
            f"/evaluations/{evaluation.slug}/instruments/",
            {"file": SimpleUploadedFile("bomb.yaml", bomb.encode())},
        )
    assert page.status_code == 400
    assert page.context["form"].errors == {"file": [shown]}
    assert escape(shown) in page.content.decode()

    path = tmp_path / "bomb.yaml"
    path.write_text(bomb)
    with within(5), pytest.raises(CommandError) as refused:
        call_command("load_instrument", str(path), "--evaluation", evaluation.slug)
    assert str(refused.value) == f"{path}: rejected, nothing saved.\n  line 4: {ALIASES}"
    assert Instrument.objects.count() == 0


@pytest.mark.django_db
def test_a_normal_instrument_still_loads_at_every_door(
    settings, client, api_client, evaluation, team, tmp_path
) -> None:
    seeds = Path(settings.BASE_DIR) / "seeds" / "instruments"
    # "&" and "*" inside texts are text, not anchors; a standard tag (!!str) is accepted.
    text = (
        "consulta_instrument: 1\nkey: plain\nkind: questionnaire\n"
        'title: "Q&A: *the* questions & answers"\nsubtitle: !!str 2024\n'
        "sections:\n  - key: S\n    questions:\n      - key: q1\n        kind: short_text\n"
        "        text: Anything & everything *else*?\n"
    )
    assert instrument_parse(text)["subtitle"] == {"en": "2024"}
    api_client.force_authenticate(team["lead"].user)
    url = f"/api/v1/evaluations/{evaluation.slug}/instruments/import/"
    assert api_client.post(url, {"yaml": text}, format="json").status_code == 201
    client.force_login(team["lead"].user)
    seed = seeds / "stakeholder_questionnaire_2009.yaml"
    page = client.post(
        f"/evaluations/{evaluation.slug}/instruments/",
        {"file": SimpleUploadedFile(seed.name, seed.read_bytes())},
    )
    assert page.status_code == 302
    guide = seeds / "interview_guide_2013.yaml"
    out = io.StringIO()
    call_command("load_instrument", str(guide), "--evaluation", evaluation.slug, stdout=out)
    assert sorted(Instrument.objects.values_list("key", flat=True)) == [
        "interview-guide-2013",
        "plain",
        "stakeholder-questionnaire-2009",
    ]


def test_the_dumper_writes_no_aliases_even_for_shared_objects(settings) -> None:
    seeds = Path(settings.BASE_DIR) / "seeds" / "instruments"
    for seed in sorted(seeds.glob("*.yaml")):
        spec = instrument_parse(seed.read_text())
        assert instrument_parse(instrument_dump(spec)) == spec
    document = instrument_document(
        instrument_parse((seeds / "ilo_staff_questionnaire_2008.yaml").read_text())
    )
    shared = {"en": "Shared", "fr": "Partagé"}
    document["title"] = document["subtitle"] = shared  # one object in two places
    document["details"] = {"a": ["x", "y"]}
    document["details"]["b"] = document["details"]["a"]
    dumped = instrument_dump_document(document)
    assert "&id" not in dumped and "*id" not in dumped
    assert "title:\n  en: Shared\n  fr: Partagé\n" in dumped
    assert "subtitle:\n  en: Shared\n  fr: Partagé\n" in dumped
    assert "  a:\n  - x\n  - y\n  b:\n  - x\n  - y\n" in dumped
