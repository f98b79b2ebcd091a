"""A respondent uploads a corrected country summary on a file question, sees its name and size,
and submits; the lead evaluator downloads it from the response's page; an evaluator, in this
lead-only distribution, sees neither the answers nor the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from questionnaires.models import Answer, Response
from tests.questionnaires.file_makers import FILE_INSTRUMENT, PDF
from tests.questionnaires.makers import distribution_maker

PASSWORD = "file-question-password"


@pytest.fixture
def world(live_server, evaluation, team, invite) -> dict:
    make = distribution_maker(evaluation, team["lead"].user, FILE_INSTRUMENT, "Country summary")
    distribution = make("lead")
    for member in team.values():
        member.user.set_password(PASSWORD)
        member.user.save()
    invitation = invite(distribution, name="Ama Mensah")
    return {
        "link": f"{live_server.url}/r/{invitation.token}/",
        "responses": (
            f"{live_server.url}/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
            "/responses/"
        ),
    }


def _log_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_file_answer_is_uploaded_then_read_by_the_lead_only(
    world: dict, live_server, team, browser: Browser, tmp_path
) -> None:
    summary = tmp_path / "Ghana country summary.pdf"
    summary.write_bytes(PDF)
    wrong = tmp_path / "notes.pdf"
    wrong.write_bytes(b"MZ\x90\x00 a program, not a PDF")

    respondent = browser.new_context().new_page()
    respondent.goto(world["link"] + "page/1/")
    expect(
        respondent.get_by_text("Accepted: PDF, Word (.docx), Excel (.xlsx); up to 1 MB.")
    ).to_be_visible()
    respondent.get_by_label("Your country?").fill("Ghana")
    field = respondent.get_by_label("2) Upload the corrected country summary")
    field.set_input_files(str(wrong))
    respondent.get_by_role("button", name="Review my answers").click()
    expect(respondent.get_by_text("This file is not an accepted type")).to_be_visible()
    expect(respondent.get_by_label("Your country?")).to_have_value("Ghana")  # nothing lost
    respondent.get_by_label("2) Upload the corrected country summary").set_input_files(str(summary))
    respondent.get_by_role("button", name="Review my answers").click()
    expect(respondent.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(respondent.get_by_text(f"Ghana country summary.pdf ({len(PDF)} B)")).to_be_visible()
    respondent.get_by_role("button", name="Submit my answers").click()
    expect(
        respondent.get_by_role("heading", name="Thank you: your answers were received")
    ).to_be_visible()

    response = Response.objects.get(status="submitted")
    assert Answer.objects.get(question__key="A2").file.name.endswith(".pdf")
    url = f"{world['responses']}{response.pk}/"

    lead = browser.new_context(accept_downloads=True).new_page()
    _log_in(lead, live_server.url, team["lead"].user.email)
    lead.goto(url)
    link = lead.get_by_role("link", name=f"Ghana country summary.pdf ({len(PDF)} B)")
    expect(link).to_be_visible()
    with lead.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Ghana country summary.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    evaluator = browser.new_context().new_page()
    _log_in(evaluator, live_server.url, team["evaluator"].user.email)
    page = evaluator.goto(url)
    assert page is not None and page.status == 403
    expect(evaluator.get_by_text("Ghana country summary.pdf")).to_have_count(0)
    file_page = evaluator.goto(f"{url}files/A2/")
    assert file_page is not None and file_page.status == 403
