"""The analysis pages: the matrix with evidence and gaps in words, the tallies suppressed for a
viewer."""

from __future__ import annotations

import pytest

from accounts.models import User
from analysis.formats.matrix_format import MatrixSource
from analysis.services.codebook import code_save
from analysis.services.codings import coding_create
from analysis.services.matrix import criterion_save, question_save, sources_set
from evaluations.permissions import SYSTEM
from tests.analysis.builders import answered, noted, open_answers
from tests.reports.builders import staff_version

pytestmark = pytest.mark.django_db


def test_matrix_page_shows_evidence_and_gaps(client, evaluation, team):
    version = staff_version(evaluation)
    answers = open_answers(
        answered(evaluation, "team", "Government", "Government", "Workers", version=version)
    )
    criterion = criterion_save(
        evaluation=evaluation, by=SYSTEM, label="Relevance", name="Relevance and strategic fit"
    )
    question = question_save(criterion=criterion, by=SYSTEM, number="a.1", text="Is it relevant?")
    sources_set(question=question, by=SYSTEM, sources=[
        MatrixSource("question", "ilo-staff-questionnaire-2008:1:B1"),
        MatrixSource("group", "Donor"),
        MatrixSource("group", "Government"),
        MatrixSource("document", "Programme and Budget"),
    ])  # fmt: skip
    noted(evaluation)  # one interview with a Government participant
    question_save(criterion=criterion, by=SYSTEM, number="a.2", text="Still relevant?")
    code = code_save(evaluation=evaluation, by=SYSTEM, name="Mandate", questions=["a.1"])
    coding_create(evaluation=evaluation, by=SYSTEM, answer=answers[0], start=0, end=7, codes=[code])
    client.force_login(team["viewer"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/analysis/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Relevance — Relevance and strategic fit" in text
    assert "3 answers" in text  # B1 answered three times
    assert "ilo-staff-questionnaire-2008 B1:" in text  # named by section and number
    # ... by the stakeholder group of who answered, largest first.
    assert "By stakeholder group: Government 2, Workers 1" in text
    assert "0 interviews, 0 questionnaire responses" in text  # Donor: nobody heard
    assert "1 interview, 2 questionnaire responses" in text  # Government
    assert text.count("Gap: nothing gathered yet") == 1
    assert "No sources planned" in text  # a.2
    assert "1 planned source has no evidence yet." in text
    assert "Mandate" in text and "not tracked" in text


def test_tallies_page_for_a_viewer_is_suppressed(client, evaluation, team):
    answers = open_answers(answered(evaluation, "team", *["Government"] * 6, "Donor"))
    code = code_save(evaluation=evaluation, by=SYSTEM, name="Funding")
    for answer in answers[:4]:
        coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7, codes=[code])
    client.force_login(team["viewer"].user)
    page = client.get(f"/evaluations/{evaluation.slug}/analysis/tallies/?by=stakeholder_group")
    text = page.content.decode()
    assert page.status_code == 200
    assert "a majority of the 7 respondents" in text
    assert "are shown as “–”" in text
    assert "Unsuppressed (lead only)" not in text
    assert (
        client.get(f"/evaluations/{evaluation.slug}/analysis/tallies/?unsuppressed=1").status_code
        == 403
    )
    client.force_login(team["lead"].user)
    lead = client.get(
        f"/evaluations/{evaluation.slug}/analysis/tallies/?unsuppressed=1"
    ).content.decode()
    assert "Unsuppressed view." in lead
    assert "a majority of the 6 respondents" in lead  # Government: 4 of 6, shown to the lead
    bad = client.get(f"/evaluations/{evaluation.slug}/analysis/tallies/?by=shoe")
    assert bad.status_code == 302


def test_the_admin_shows_codings_without_their_text(client, evaluation, team):
    admin_user = User.objects.create_superuser(email="root@example.org", password="x")
    note_coding = coding_create(
        evaluation=evaluation, by=SYSTEM, note=noted(evaluation), start=4, end=12,
        codes=[code_save(evaluation=evaluation, by=SYSTEM, name="Staffing")],
    )  # fmt: skip
    client.force_login(admin_user)
    listing = client.get("/admin/analysis/coding/").content.decode()
    detail = client.get(f"/admin/analysis/coding/{note_coding.pk}/change/").content.decode()
    assert f"#{note_coding.note_id}" in listing
    for page in (listing, detail):
        assert "official" not in page and "understaffed" not in page


def test_excerpts_of_a_code_and_of_a_tally_cell_with_their_attribution(client, evaluation, team):
    """Retrieval: from the tallies, a code's excerpts and one cell's, each with the label a
    report may print (group and region, never a name); viewers read counts only."""
    groups = [*["Government"] * 5, "Donor", "Workers"]  # two small groups hide each other
    answers = open_answers(answered(evaluation, "team", *groups))
    code = code_save(evaluation=evaluation, by=SYSTEM, name="Funding")
    for answer in (answers[0], answers[5]):
        coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7, codes=[code])
    base = f"/evaluations/{evaluation.slug}/analysis/"
    client.force_login(team["evaluator"].user)
    tallies = client.get(base + "tallies/?by=stakeholder_group").content.decode()
    assert f'excerpts/?code={code.pk}&amp;by=stakeholder_group"' in tallies
    assert "value=Government" not in tallies  # a suppressed cell links to nothing
    client.force_login(team["lead"].user)
    shown = client.get(base + "tallies/?by=stakeholder_group&unsuppressed=1").content.decode()
    assert f"excerpts/?code={code.pk}&amp;by=stakeholder_group&amp;value=Government" in shown
    client.force_login(team["evaluator"].user)
    every = client.get(base + f"excerpts/?code={code.pk}").content.decode()
    assert every.count("<blockquote>") == 2
    assert "a respondent (Government, Africa)" in every and "a respondent (Donor, Africa)" in every
    cell = client.get(
        base + f"excerpts/?code={code.pk}&by=stakeholder_group&value=Donor"
    ).content.decode()
    assert cell.count("<blockquote>") == 1 and "Stakeholder group: Donor" in cell
    assert "(Government, Africa)" not in cell
    assert client.get(base + "excerpts/?code=999999").status_code == 404
    assert client.get(base + "excerpts/?code=abc").status_code == 404
    client.force_login(team["viewer"].user)
    assert client.get(base + f"excerpts/?code={code.pk}").status_code == 403
    assert "excerpts/?code=" not in client.get(base + "tallies/").content.decode()
