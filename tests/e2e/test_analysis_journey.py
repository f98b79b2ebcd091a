"""From evidence to findings in the browser (issue 18's journey): the lead evaluator adds two
criteria and three evaluation questions to the demo's matrix, links them to staff questionnaire
items and interview-guide questions, adds a code linked to them, codes two open answers (one
by ticking a sentence with the keyboard, one from a mouse selection) and one interview note;
the viewer sees the code's tallies by stakeholder group, suppressed; the lead's workbook holds
the matrix, the codings and the tallies."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from analysis.models import Coding, EvaluationQuestion
from demo.loader import demo_load
from evaluations.models import Evaluation

QDA = "urn:QDA-XML:project:1.0"

LEAD = "lena.lead@example.org"
VIEWER = "victor.viewer@example.org"
PASSWORD = "demo-password-for-tests"


def _log_in(page: Page, url: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def _add_criterion(page: Page, label: str, name: str) -> None:
    form = page.locator("#criterion-new")
    form.get_by_label("Short label").fill(label)
    form.get_by_label("Name").fill(name)
    form.get_by_role("button", name="Add the criterion").click()
    expect(page.locator("body")).to_contain_text("Criterion saved.")


def _add_question(page: Page, label: str, number: str, text: str) -> None:
    form = page.get_by_role("form", name=f"Add a question under {label}")
    form.get_by_label("Number").fill(number)
    form.get_by_label("Question").fill(text)
    form.get_by_role("button", name="Add the question").click()
    expect(page.locator("body")).to_contain_text("Evaluation question saved.")


def _add_source(page: Page, number: str, kind: str, field: str, value: str) -> None:
    form = page.get_by_role("form", name=f"Add a source to {number}")
    form.get_by_label("Kind of source").select_option(kind)
    form.get_by_label(field).select_option(value)
    form.get_by_role("button", name=f"Add the source to {number}").click()
    expect(page.locator("body")).to_contain_text(f"Source added to {number}.")


def _tick_first_sentence_and_code(page: Page, code: str) -> None:
    """Keyboard only: focus the first sentence's box, Space, the code's box, Space, submit."""
    first = page.locator("fieldset.segments input[type=checkbox]").first
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    box = page.get_by_label(code, exact=True)
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Code the passage").focus()
    page.keyboard.press("Enter")
    expect(page.locator("body")).to_contain_text("Passage coded.")


def test_matrix_coding_tallies_and_workbook(
    live_server, page: Page, settings, tmp_path, monkeypatch, celery_worker
):
    settings.VAR_DIR = tmp_path
    monkeypatch.setenv("DEMO_PASSWORD", PASSWORD)
    demo_load()
    evaluation = Evaluation.objects.get()
    base = f"{live_server.url}/evaluations/{evaluation.slug}/analysis"
    codings_before = Coding.objects.count()
    _log_in(page, live_server.url, LEAD)

    # The matrix: two criteria, three questions, sources from the staff questionnaire and
    # the interview guide.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Edit the matrix").click()
    _add_criterion(page, "Coherence", "Coherence with partners")
    _add_criterion(page, "Gender", "Gender equality and non-discrimination")
    _add_question(page, "Coherence", "g.1", "Does the work fit the partners' own?")
    _add_question(page, "Coherence", "g.2", "Were the partners consulted?")
    _add_question(page, "Gender", "h.1", "Were women migrant workers reached?")
    staff, guide = "ilo-staff-questionnaire-2008:1:B1", "interview-guide-2013:1:Q1"
    _add_source(page, "g.1", "question", "Instrument question (any version)", staff)
    _add_source(page, "g.2", "question", "Instrument question (any version)", guide)
    _add_source(page, "h.1", "question", "Instrument question (any version)", staff)
    _add_source(page, "h.1", "group", "Stakeholder group", "Government")
    planned = {
        q.number: sorted(s.kind for s in q.sources.all())
        for q in EvaluationQuestion.objects.filter(number__in=["g.1", "g.2", "h.1"])
    }
    assert planned == {"g.1": ["question"], "g.2": ["question"], "h.1": ["group", "question"]}

    # A code linked to two of the questions.
    page.goto(f"{base}/codebook/")
    form = page.locator("#code-new")
    form.get_by_label("Name").fill("Partnership")
    form.get_by_label("Description").fill("Working with constituents and partners")
    form.get_by_label("g.1 Does the work").check()
    form.get_by_label("g.2 Were the partners").check()
    form.get_by_role("button", name="Add the code").click()
    expect(page.locator("#codebook")).to_contain_text("g.1, g.2")

    # Two open answers: one by keyboard (a ticked sentence), one from a mouse selection.
    page.goto(f"{base}/coding/")
    answers = page.locator("#codable-answers a")
    answers.nth(0).click()
    _tick_first_sentence_and_code(page, "Partnership")
    expect(page.locator("#codings")).to_contain_text("Partnership")
    expect(page.locator("#coding-text mark").first).to_be_visible()

    page.locator("#codable-answers a").nth(1).click()
    text = page.locator("#coding-text").inner_text()
    # The mouse's selection over the first 12 characters, across highlighted passages.
    page.evaluate(
        """() => {
            const text = document.getElementById("coding-text");
            const walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT);
            let left = 12, node = walker.nextNode(), last = node;
            while (node && node.length < left) {
                left -= node.length;
                last = node;
                node = walker.nextNode();
            }
            const range = document.createRange();
            range.setStart(text, 0);
            range.setEnd(node || last, node ? left : last.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    page.get_by_role("button", name="Use my selection").click()
    expect(page.get_by_label("Start (character)")).to_have_value("0")
    end = int(page.get_by_label("End (character, excluded)").input_value())
    assert end == min(12, len(text))
    page.get_by_label("Partnership", exact=True).check()
    page.get_by_label("Memo (optional)").fill("opening words")
    page.get_by_role("button", name="Code the passage").click()
    expect(page.locator("#codings")).to_contain_text("opening words")

    # One interview note.
    page.locator("#codable-notes a").first.click()
    _tick_first_sentence_and_code(page, "Partnership")
    mine = Coding.objects.filter(codes__name="Partnership")
    assert Coding.objects.count() == codings_before + 3
    assert mine.filter(note__isnull=False).count() == 1
    assert mine.filter(answer__isnull=False).count() == 2
    excerpts = [c.text for c in mine.order_by("pk")]
    assert excerpts[1] == text[:end]

    # The matrix page counts the coded excerpts under the linked questions.
    page.goto(f"{base}/")
    coherence = page.locator("section.card", has_text="Coherence — Coherence with partners")
    expect(coherence).to_contain_text("g.1 Does the work fit the partners' own?")
    expect(coherence).to_contain_text("Partnership")

    # The viewer: tallies by stakeholder group, small cells suppressed, no coding page.
    _log_in(page, live_server.url, VIEWER)
    page.goto(f"{base}/tallies/?by=stakeholder_group")
    expect(page.locator("#tallies-suppressed")).to_be_visible()
    row = page.locator("#tallies-table tbody tr", has_text="Partnership")
    expect(row).to_have_count(1)
    expect(row.locator("td", has_text="–").first).to_be_visible()
    expect(page.locator("nav.tabs")).not_to_contain_text("Coding")
    page.goto(f"{base}/codebook/")
    expect(page.locator("#codebook")).to_contain_text("Partnership")
    expect(page.get_by_role("button", name="Add the code")).to_have_count(0)

    # The lead's workbook: the matrix, the coded excerpts and the tallies.
    _log_in(page, live_server.url, LEAD)
    page.goto(f"{live_server.url}/evaluations/{evaluation.slug}/reports/downloads/")
    page.get_by_role("button", name="Prepare the workbook").click()
    job = page.locator("#export-jobs tbody tr").first
    expect(job).to_have_attribute("data-state", "done", timeout=60_000)
    with page.expect_download() as download_info:
        job.get_by_role("link", name=re.compile("Download")).click()
    book = load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    matrix = [r for r in book["Evaluation matrix"].iter_rows(values_only=True)]
    assert any(r[3] == "h.1" and r[6] == "Government" for r in matrix)
    coded = [r for r in book["Coded excerpts"].iter_rows(values_only=True)]
    in_book = [str(cell) for r in coded for cell in r if cell is not None]
    for excerpt in excerpts:
        assert any(excerpt in cell for cell in in_book), excerpt
    tallies = [r for r in book["Code tallies"].iter_rows(values_only=True)]
    assert any(r[0] == "Partnership" for r in tallies)

    # The REFI-QDA project from the criteria grid page: the three codings, by the code's GUID.
    page.goto(f"{base}/grid/")
    with page.expect_download() as download_info:
        page.locator("#qdpx-download").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    root = fromstring(archive.read("project.qde"))
    [code] = [c for c in root.iter(f"{{{QDA}}}Code") if c.get("name") == "Partnership"]
    coded_here = [
        selection
        for selection in root.iter(f"{{{QDA}}}PlainTextSelection")
        for ref in selection.iter(f"{{{QDA}}}CodeRef")
        if ref.get("targetGUID") == code.get("guid")
    ]
    assert len(coded_here) == 3
