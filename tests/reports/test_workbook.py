"""The evaluation workbook: each sheet writer on hand-made tables (read back with openpyxl), the
one safe-cell function, the native chart, and the whole workbook as a viewer and a lead see it."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from evaluations.models import Evaluation
from questionnaires.models import Distribution
from questionnaires.selectors.tracking import CountryRollup, RateRow
from reports.selectors.overview import interview_overview, overview_rows
from reports.tables import (
    Annex,
    AnnexGroup,
    AnnexLine,
    ChartSeries,
    DistributionRates,
    DivergingChart,
    LikertCount,
    LikertRow,
    LikertTable,
    OpenAnswerGroup,
    OpenQuestion,
    OverviewCell,
    OverviewRow,
    OverviewTable,
    ScaleColumn,
)
from reports.workbook import workbook_write
from reports.workbook.book import Book, write_cell
from reports.workbook.sheets import (
    annex_sheet,
    likert_sheet,
    open_answers_sheet,
    overview_sheet,
    rates_sheet,
    raw_sheet,
)
from tests.reports.builders import respond


def written(fill) -> tuple[bytes, object]:
    """Run `fill(book)` on a fresh workbook; the file's bytes and the workbook read back."""
    target = io.BytesIO()
    book = Book(target)
    fill(book)
    book.close()
    data = target.getvalue()
    return data, load_workbook(io.BytesIO(data))


def values(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def find(sheet, value: object):
    return next(c for row in sheet.iter_rows() for c in row if c.value == value)


# --- the safe-cell function -------------------------------------------------------------------


def test_respondent_text_is_never_a_formula_and_stays_within_limits() -> None:
    risky = ["=1+1", "+33 1 23", "-2", "@SUM(A1)", "\tindent", "a\x00b\x1fc", "x" * 40_000]

    def fill(book: Book) -> None:
        sheet = book.sheet("Cells")
        for row, value in enumerate(risky):
            write_cell(sheet.ws, row, 0, value)

    data, workbook = written(fill)
    cells = [row[0] for row in workbook["Cells"].iter_rows()]
    assert [c.data_type for c in cells] == ["s"] * len(risky)
    assert [c.value for c in cells[:5]] == risky[:5]
    assert cells[5].value == "a\ufffdb\ufffdc"
    assert len(cells[6].value) == 32_767 and cells[6].value.endswith("[cut: 40,000 characters]")
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")


def test_numbers_dates_and_blanks_are_written_by_their_type() -> None:
    moment = dt.datetime(2026, 3, 12, 14, 30, tzinfo=dt.UTC)

    def fill(book: Book) -> None:
        book.sheet("Types").line([Decimal("2.5"), 3, None, dt.date(2026, 3, 1), moment, True])

    _data, workbook = written(fill)
    row = next(workbook["Types"].iter_rows())
    assert [c.value for c in row[:2]] == [2.5, 3]
    assert row[2].value is None
    assert row[3].value == dt.datetime(2026, 3, 1) and row[3].number_format == "yyyy-mm-dd"
    assert row[4].is_date and row[4].number_format == "yyyy-mm-dd hh:mm"
    assert row[5].value is True


def test_sheet_names_are_made_safe_and_unique() -> None:
    def fill(book: Book) -> None:
        for title in ["Staff: HQ/field [2008]?", "Staff: HQ/field [2008]?", "x" * 50]:
            raw_sheet(
                book,
                title=title,
                columns=[("response", "Response")],
                rows=[],
                labels=False,
                count=0,
            )

    _data, workbook = written(fill)
    assert workbook.sheetnames == [
        "Raw – Staff HQ field 2008",
        "Raw – Staff HQ field 2008 (2)",
        "Raw – " + "x" * 25,
    ]


# --- Likert tables and the chart ---------------------------------------------------------------

POINTS = [
    ScaleColumn("4", "Strongly agree", 4, True),
    ScaleColumn("3", "Agree", 3, True),
    ScaleColumn("2", "Disagree", 2, True),
    ScaleColumn("1", "Strongly disagree", 1, True),
    ScaleColumn("9", "Don't know", None, False),
]


def likert_row(key: str, group: str, counts: list[int | None], n: int | None) -> LikertRow:
    def pct(count: int | None) -> float | None:
        return None if count is None or not n else round(100 * count / n, 1)

    return LikertRow(
        question_key=key,
        question_label=f"{key})",
        question_text=f"Statement {key}",
        group=group,
        group_label=group or "All respondents",
        n=n,
        points=[LikertCount(c, pct(c)) for c in counts[:4]],
        outside=[LikertCount(counts[4], None if counts[4] is None else 10.0)],
        agree_percent=None if n is None else 62.5,
        mean=None if n is None else 2.875,
        sd=None if n is None else 1.1,
        suppressed=any(c is None for c in counts),
    )


def likert_table(by: str = "", rows: list[LikertRow] | None = None) -> LikertTable:
    return LikertTable(
        distribution_id=1,
        distribution_title="Staff questionnaire",
        block_key="C",
        block_title="C. Your views",
        points=POINTS,
        by=by,
        by_label="Region" if by else "",
        rows=rows
        or [likert_row("1", "", [3, 2, 2, 1, 1], 8), likert_row("2", "", [1, 1, 3, 3, 0], 8)],
        threshold=5,
        suppressed_view=True,
        respondents=9,
    )


CHART = DivergingChart(  # as reports.charts lists them: bottom to top
    title="C. Your views",
    categories=["2) Statement 2", "1) Statement 1"],
    series=[
        ChartSeries("2", "Disagree", "#F4A582", [-37.5, -25.0]),
        ChartSeries("1", "Strongly disagree", "#CA0020", [-37.5, -12.5]),
        ChartSeries("3", "Agree", "#92C5DE", [12.5, 25.0]),
        ChartSeries("4", "Strongly agree", "#0571B0", [12.5, 37.5]),
    ],
)


def test_likert_sheet_holds_the_tables_formats_and_suppressed_cells() -> None:
    breakdown = likert_table(
        "region",
        [
            likert_row("1", "", [3, 2, 2, 1, 1], 8),
            likert_row("1", "Africa", [None, None, None, None, None], None),
        ],
    )

    def fill(book: Book) -> None:
        likert_sheet(book, [likert_table()], {0: CHART}, [breakdown])

    _data, workbook = written(fill)
    sheet = workbook["Likert"]
    rows = values(sheet)
    assert rows[0][0] == "Staff questionnaire — C. Your views"
    header = rows[2]
    assert header[:4] == ["Item", "Statement", "n", "Strongly agree (n)"]
    first = find(sheet, "Statement 1").row
    line = [c for c in sheet[first]]
    assert [c.value for c in line[2:5]] == [8, 3, 37.5]
    assert line[4].number_format == "0.0"
    agree = len(header) - 1 - header[::-1].index("Agree (%)")  # the point "Agree" has one too
    assert line[agree].value == 62.5 and line[agree].number_format == "0.0"
    assert line[agree + 1].value == 2.875 and line[agree + 1].number_format == "0.00"
    africa = find(sheet, "Africa").row
    assert [c.value for c in sheet[africa]][3:6] == ["<5", "<5", "<5"]


def test_likert_chart_is_a_native_stacked_bar_over_the_cells_beside_the_table() -> None:
    data, workbook = written(lambda book: likert_sheet(book, [likert_table()], {0: CHART}))
    sheet = workbook["Likert"]
    chart_head = find(sheet, "Chart")
    assert [c.value for c in sheet[chart_head.row]][chart_head.column :] == [
        "Disagree",
        "Strongly disagree",
        "Agree",
        "Strongly agree",
    ]
    # In the table's order, beside the item's row; the reversed axis puts the first on top.
    below = [c.value for c in sheet[chart_head.row + 1]][chart_head.column - 1 :]
    assert below == ["1) Statement 1", -25.0, -12.5, 25.0, 37.5]
    assert sheet.cell(chart_head.row + 1, 2).value == "Statement 1"
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in xml and '<c:grouping val="stacked"/>' in xml
    assert xml.count("<c:ser>") == 4
    assert 'val="F4A582"' in xml.replace("#", "")  # the scale's colours, in order
    category_axis = re.search(r"<c:catAx>.*?</c:catAx>", xml).group(0)
    assert '<c:orientation val="maxMin"/>' in category_axis  # first item on top
    assert '<c:legendPos val="b"/>' in xml


# --- the other sheets --------------------------------------------------------------------------


def test_rates_sheet_writes_counts_and_the_rate_with_one_decimal() -> None:
    rates = DistributionRates(
        distribution_id=1,
        title="Staff questionnaire",
        by="region",
        by_label="Region",
        rows=[
            RateRow("Africa", "Africa", invited=3, submitted_online=1, returned=1, responded=2),
            RateRow("", "Total", invited=3, responded=2, is_total=True),
        ],
        channels={"web": 1, "email": 1},
        rollup=CountryRollup([], "All countries responded.", False),
    )
    _data, workbook = written(lambda book: rates_sheet(book, [rates]))
    sheet = workbook["Response rates"]
    africa = [c for c in sheet[find(sheet, "Africa").row]]
    assert africa[1].value == 3 and africa[-1].value == 66.7
    assert africa[-1].number_format == "0.0"
    assert find(sheet, "Total").font.b
    # The channels by the labels every page and the raw sheet use, not their codes.
    channels = next(row for row in values(sheet) if row[0] == "Responses by channel")
    assert channels[1] == "Online form: 1, Returned by e-mail: 1"


def overview_table() -> OverviewTable:
    def row(label: str, interviews: int, people: int, *, at_least: bool = False) -> OverviewRow:
        return OverviewRow(
            label, None, OverviewCell(interviews), OverviewCell(people, at_least=at_least)
        )

    total = OverviewRow(
        "Total", None, OverviewCell(5), OverviewCell(9, at_least=True), is_total=True
    )
    return OverviewTable(
        evaluation_id=1,
        layout_name="",
        title="Table 1. Overview of interviews",
        columns=[],
        rows=[row("Europe", 3, 4), row("Governments", 2, 6, at_least=True)],
        total=total,
        footnotes=["A group of unknown size: at least."],
        rules=[],
        by_hand=0,
        excluded=[],
        has_printed=False,
    )


def test_overview_sheet_keeps_at_least_cells_and_freezes_its_header() -> None:
    _data, workbook = written(lambda book: overview_sheet(book, overview_table()))
    sheet = workbook["Interview overview"]
    rows = values(sheet)
    assert rows[0][0] == "Table 1. Overview of interviews"
    assert rows[1][:3] == ["Category", "Interviews", "Participants"]
    assert rows[2][:3] == ["Europe", 3, 4]
    assert rows[3][:3] == ["Governments", 2, "≥ 6"]
    assert rows[4][:3] == ["Total", 5, "≥ 9"]
    assert sheet.freeze_panes == "A3"


def test_annex_headings_are_bold_and_lines_plain() -> None:
    annex = Annex(
        by="grouping",
        names_withheld=False,
        groups=[
            AnnexGroup("Geneva", [AnnexLine("=Ana Example", "Ministry", "12.3.2013", "LE & ES")])
        ],
    )
    _data, workbook = written(lambda book: annex_sheet(book, annex))
    sheet = workbook["Annex"]
    assert values(sheet)[:3] == [
        ["Name", "Department/Organisation", "Date", "Interviewers"],
        ["Geneva", None, None, None],
        ["=Ana Example", "Ministry", "12.3.2013", "LE & ES"],
    ]
    assert sheet["A2"].font.b and not sheet["A3"].font.b
    assert sheet["A3"].data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_open_answers_one_row_each_and_withheld_counted() -> None:
    question = OpenQuestion(
        distribution_id=1,
        question_key="B1",
        question_label="1)",
        question_ref="B1",
        question_text="What works?",
        groups=[OpenAnswerGroup("Africa", "Africa", ["=cmd|' /C calc'!A0", "More staff"])],
        withheld=2,
    )
    _data, workbook = written(
        lambda book: open_answers_sheet(book, [question], {1: "Staff questionnaire"})
    )
    rows = values(workbook["Open answers"])
    assert rows[1] == ["Staff questionnaire", "B1", "What works?", "Africa", "=cmd|' /C calc'!A0"]
    assert rows[2][-1] == "More staff"
    assert "2 answer(s) for the lead evaluator only" in rows[3][-1]


# --- the whole workbook, from the demo evaluation ----------------------------------------------

SECRET = "LEAD-ONLY: the director blocks everything"


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", stdout=io.StringIO())
    evaluation = Evaluation.objects.get(slug="demo-migration-strategy")
    staff = Distribution.objects.get(evaluation=evaluation, title="Staff questionnaire 2026")
    respond(
        staff,
        [
            {
                "attributes": {"region": "Africa"},
                "answers": {"C1": "4", "B1": SECRET},
                "route": "lead",
                "channel": "email",
            },
            {
                "attributes": {"region": "Africa"},
                "answers": {"C1": "1", "B1": "=1+1"},
                "route": "team",
                "channel": "email",
            },
        ],
    )
    return evaluation


def member(evaluation, role: str):
    return evaluation.memberships.get(role=role).user


def every_text(workbook) -> list[str]:
    return [
        str(c.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    ]


def build(evaluation, user, **options) -> tuple[bytes, object, object]:
    target = io.BytesIO()
    calls: list[tuple[int, int, str]] = []
    stats = workbook_write(
        target, evaluation=evaluation, user=user, progress=lambda *a: calls.append(a), **options
    )
    data = target.getvalue()
    assert calls and calls[-1][0] == stats.rows
    return data, load_workbook(io.BytesIO(data)), stats


def test_a_viewers_workbook_holds_aggregates_only_suppressed(demo) -> None:
    data, workbook, stats = build(demo, member(demo, "viewer"))
    assert workbook.sheetnames == [
        "About",
        "Response rates",
        "Likert",
        "Interview overview",
        "Annex",
        "Coverage",
        # The demo's analysis (analysis.workbook): aggregates, never the coded excerpts.
        "Evaluation matrix",
        "Codebook",
        "Code tallies",
    ]
    texts = every_text(workbook)
    assert not any(SECRET in t or t == "=1+1" for t in texts)
    assert "UNSUPPRESSED (lead view)" not in texts
    assert any(
        t.startswith("Suppressed: in breakdowns, groups and cells built from fewer than 5")
        for t in texts
    )
    assert "<5" in texts  # the Likert breakdown by region hides small groups
    assert stats.raw_responses == 0
    assert b"<c:barChart>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/charts/chart1.xml")


def test_the_same_viewers_view_without_a_user(demo) -> None:
    _data, viewer_book, _stats = build(demo, member(demo, "viewer"))
    _data, default_book, _stats = build(demo, None)
    assert default_book.sheetnames == viewer_book.sheetnames
    for name in ["Response rates", "Likert", "Interview overview", "Annex", "Coverage"]:
        assert values(default_book[name]) == values(viewer_book[name]), name


def test_an_evaluators_workbook_has_raw_answers_but_not_the_leads(demo) -> None:
    _data, workbook, stats = build(demo, member(demo, "evaluator"))
    assert "Open answers" in workbook.sheetnames
    raw = [name for name in workbook.sheetnames if name.startswith("Raw – ")]
    assert raw == ["Raw – Staff questionnaire 2026", "Raw – Country stakeholder quest"]
    texts = every_text(workbook)
    assert not any(SECRET in t for t in texts)
    formula = find(workbook["Raw – Staff questionnaire 2026"], "=1+1")
    assert formula.data_type == "s"
    assert find(workbook["Open answers"], "=1+1").data_type == "s"
    sheet = workbook["Raw – Staff questionnaire 2026"]
    assert sheet.freeze_panes == "A2"
    assert values(sheet)[0][:3] == ["response", "submitted_at", "channel"]
    assert stats.raw_responses == sum(len(values(workbook[name])) - 1 for name in raw)


def test_the_leads_unsuppressed_workbook_is_marked_and_complete(demo) -> None:
    _data, workbook, _stats = build(demo, member(demo, "lead"), unsuppressed=True, labels=True)
    texts = every_text(workbook)
    assert "UNSUPPRESSED (lead view)" in texts
    assert "<5" not in texts
    assert any(SECRET in t for t in texts)
    sheet = workbook["Raw – Staff questionnaire 2026"]
    assert "Strongly agree" in [c for row in values(sheet) for c in row]


def test_workbook_numbers_match_the_selectors(demo) -> None:
    viewer = member(demo, "viewer")
    _data, workbook, _stats = build(demo, viewer)
    expected = overview_rows(interview_overview(evaluation=demo, user=viewer))
    shown = values(workbook["Interview overview"])[1 : 1 + len(expected)]
    assert [row[: len(expected[0])] for row in shown] == [
        [None if v == "" else v for v in row] for row in expected
    ]


def _office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(
    _office() is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-calc-nogui)",
)
def test_libreoffice_opens_the_lead_workbook_and_reads_the_same_numbers(demo, tmp_path) -> None:
    """LibreOffice converts the workbook's first sheets to CSV: the file opens, and the
    Response rates it reads are the ones openpyxl reads."""
    data, workbook, _stats = build(demo, member(demo, "lead"), unsuppressed=True)
    source = tmp_path / "book.xlsx"
    source.write_bytes(data)
    profile = tmp_path / "profile"
    done = subprocess.run(
        [
            _office(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rates = next(tmp_path.glob("book-Response*rates*.csv"), None)
    assert rates is not None, sorted(p.name for p in tmp_path.iterdir())
    office_rows = [line.split(",")[0:2] for line in rates.read_text("utf-8").splitlines()]
    openpyxl_rows = [
        [str(value) if value is not None else "" for value in row[:2]]
        for row in workbook["Response rates"].iter_rows(values_only=True)
    ]
    assert office_rows[: len(openpyxl_rows)][2:6] == openpyxl_rows[2:6]
