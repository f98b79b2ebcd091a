"""The evaluation manager (a viewer) opens the demo evaluation's reports, starts the workbook
export, watches the progress bar reach done, and downloads a file whose sheets and numbers
match the pages; nowhere do they see raw answers, open answers or names."""

from __future__ import annotations

import io
import re
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from demo.loader import demo_load
from evaluations.models import Evaluation
from questionnaires.models import Answer, Response

VIEWER = "victor.viewer@example.org"
PASSWORD = "demo-password-for-tests"


def _log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail address").fill(VIEWER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _cells(row) -> list[str]:
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def _sheet_rows(book, title: str) -> list[list[object]]:
    return [list(row) for row in book[title].iter_rows(values_only=True)]


def test_viewer_downloads_the_workbook_matching_the_pages(
    live_server, page: Page, settings, tmp_path, monkeypatch, celery_worker
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    demo_load()
    evaluation = Evaluation.objects.get()
    lead_only = [
        a.text
        for a in Answer.objects.filter(response__route="lead", question__kind="long_text")
        if a.text
    ]
    names = list(
        Response.objects.values_list("invitation__name", flat=True).exclude(invitation=None)
    )
    _log_in(page, live_server.url)
    base = f"{live_server.url}/evaluations/{evaluation.slug}/reports"

    # The overview of interviews as the page shows it.
    page.goto(f"{base}/")
    table = page.locator("#overview-table")
    expect(table).to_be_visible()
    shown = {}
    for row in table.locator("tbody tr, tfoot tr").all():
        label = row.locator("th").inner_text().strip()
        shown[label] = [
            row.locator(f'td[data-label="{column}"]').inner_text().split(" override")[0].strip()
            for column in ("Interviews", "Participants")
        ]
    assert "Total" in shown

    # Questionnaire results: suppressed for a viewer, no unsuppressed switch, no open answers tab.
    page.goto(f"{base}/questionnaires/?by=region")
    expect(page.locator("#suppression-note")).to_be_visible()
    expect(page.get_by_label("Unsuppressed (lead only)")).to_have_count(0)
    expect(page.locator("nav.tabs")).not_to_contain_text("Open answers")
    expect(page.locator(".chart svg").first).to_be_visible()
    first_likert = page.locator("table.likert").first
    overall = _cells(first_likert.locator("tbody tr").first)

    # The export: start, watch the progress bar, download.
    page.goto(f"{base}/downloads/")
    expect(
        page.get_by_label("Unsuppressed figures (lead only; the file is marked as such)")
    ).to_have_count(0)
    page.get_by_role("button", name="Prepare the workbook").click()
    row = page.locator("#export-jobs tbody tr").first
    # Queued or running, the row shows a progress bar and polls; done, the download link.
    if row.get_attribute("data-state") != "done":
        expect(row.locator("progress")).to_be_visible()
    expect(row).to_have_attribute("data-state", "done", timeout=60_000)
    expect(row.locator("progress")).to_have_count(0)
    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("Download")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))

    # Sheets a viewer gets, and none they may not.
    assert "Interview overview" in book.sheetnames
    assert "Likert" in book.sheetnames
    assert not any(name.startswith(("Raw", "Open")) for name in book.sheetnames)
    assert "Code tallies" in book.sheetnames and "Coded excerpts" not in book.sheetnames

    # The overview's numbers are the page's (the workbook writes numbers as numbers).
    overview = {
        str(r[0]): [str(v) for v in r[1:3]]
        for r in _sheet_rows(book, "Interview overview")
        if r and r[0]
    }
    for label, cells in shown.items():
        assert overview[label] == cells, label

    # The first Likert item's overall n and % agree are the page's.
    first_item = next(r for r in _sheet_rows(book, "Likert") if r[0] == "C1")
    _statement, everyone, n, *points = overall
    assert everyone == "All respondents"
    assert first_item[2] == int(n)
    assert f"{first_item[11]:.1f}%" == points[4]

    # Nothing only the lead may read, and no respondent's name, anywhere in the file.
    text = "\n".join(
        str(v)
        for ws in book.worksheets
        for r in ws.iter_rows(values_only=True)
        for v in r
        if v is not None
    )
    for answer in lead_only:
        assert answer not in text
    for name in names:
        assert name not in text
