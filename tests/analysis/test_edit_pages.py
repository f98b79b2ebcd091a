"""The editing pages of the matrix and the codebook: what an evaluator's forms change, what a
viewer is refused, and refusals shown as messages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.formats.qdc import qdc_bytes
from analysis.models import Code, Criterion, EvaluationQuestion
from analysis.selectors.codebook import codebook_of
from analysis.services.codebook import code_save
from analysis.services.matrix import criterion_save, question_save
from evaluations.permissions import SYSTEM
from tests.reports.builders import staff_version

pytestmark = pytest.mark.django_db


def _url(evaluation, page: str) -> str:
    return f"/evaluations/{evaluation.slug}/analysis/{page}"


def test_evaluator_builds_the_matrix_with_the_page(client, evaluation, team):
    staff_version(evaluation)
    client.force_login(team["evaluator"].user)
    url = _url(evaluation, "matrix/edit/")
    assert client.post(url, {"action": "defaults"}).status_code == 302
    assert evaluation.criteria.count() == 6
    made = client.post(
        url, {"action": "criterion-save", "label": "Gender", "name": "Gender equality"}
    )
    assert made.status_code == 302
    gender = Criterion.objects.get(evaluation=evaluation, label="Gender")
    assert gender.order == 6
    client.post(url, {"action": "criterion-up", "criterion": gender.pk})
    ordered = list(evaluation.criteria.order_by("order").values_list("label", flat=True))
    assert ordered[-2:] == ["Gender", "Impact"]
    client.post(
        url, {"action": "question-save", "criterion": gender.pk, "number": "g.1", "text": "Fair?"}
    )
    question = EvaluationQuestion.objects.get(evaluation=evaluation, number="g.1")
    base = {"action": "source-add", "criterion": gender.pk, "question": question.pk}
    client.post(url, {**base, "kind": "question",
                      "instrument_question": "ilo-staff-questionnaire-2008:1:B1"})  # fmt: skip
    client.post(url, {**base, "kind": "document", "document": "Gender audit 2007"})
    kinds = list(question.sources.values_list("kind", "document"))
    assert kinds == [("question", ""), ("document", "Gender audit 2007")]
    client.post(url, {**base, "action": "source-remove", "index": "0"})
    assert list(question.sources.values_list("kind", flat=True)) == ["document"]
    assert "/analysis/matrix/edit/" in client.get(_url(evaluation, "")).content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert "ilo-staff-questionnaire-2008 v1 B1" in page.content.decode()  # offered as a source


def test_matrix_page_refusal_is_a_message(client, evaluation, team):
    criterion = criterion_save(evaluation=evaluation, by=SYSTEM, label="Relevance", name="R")
    question_save(criterion=criterion, by=SYSTEM, number="a.1", text="Relevant?")
    client.force_login(team["evaluator"].user)
    page = client.post(
        _url(evaluation, "matrix/edit/"),
        {"action": "question-save", "criterion": criterion.pk, "number": "a.1", "text": "Again"},
        follow=True,
    )
    assert "There is already a question numbered a.1." in page.content.decode()
    assert EvaluationQuestion.objects.filter(evaluation=evaluation).count() == 1


def test_viewer_reads_the_codebook_but_cannot_edit(client, evaluation, team):
    code_save(evaluation=evaluation, by=SYSTEM, name="Funding")
    client.force_login(team["viewer"].user)
    page = client.get(_url(evaluation, "codebook/"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Funding" in text and "Add a code" not in text
    assert client.get(_url(evaluation, "matrix/edit/")).status_code == 403
    assert "/analysis/matrix/edit/" not in client.get(_url(evaluation, "")).content.decode()
    refused = client.post(_url(evaluation, "codebook/"), {"action": "save", "name": "Unions"})
    assert refused.status_code == 403
    assert not Code.objects.filter(name="Unions").exists()


def test_evaluator_edits_codes_three_levels_deep_and_imports_a_qdc(client, evaluation, team):
    criterion = criterion_save(evaluation=evaluation, by=SYSTEM, label="Relevance", name="R")
    question_save(criterion=criterion, by=SYSTEM, number="a.1", text="Relevant?")
    client.force_login(team["evaluator"].user)
    url = _url(evaluation, "codebook/")
    client.post(url, {"action": "save", "name": "Funding", "questions": ["a.1"]})
    top = Code.objects.get(name="Funding")
    client.post(url, {"action": "save", "name": "Short", "parent": top.pk})
    middle = Code.objects.get(name="Short")
    client.post(url, {"action": "save", "name": "Very", "parent": middle.pk})
    deepest = Code.objects.get(name="Very")
    page = client.post(
        url, {"action": "save", "name": "Too deep", "parent": deepest.pk}, follow=True
    )
    assert "three levels deep at most" in page.content.decode()
    assert list(top.questions.values_list("number", flat=True)) == ["a.1"]
    # The codebook exported and imported into another evaluation through the page.
    data = qdc_bytes(codebook_of(user=SYSTEM, evaluation=evaluation))
    client.post(url, {"action": "delete", "code": top.pk})
    assert not Code.objects.filter(evaluation=evaluation).exists()
    trial = client.post(
        url,
        {"action": "import", "dry_run": "1",
         "file": SimpleUploadedFile("codes.qdc", data, "application/xml")},
        follow=True,
    )  # fmt: skip
    assert "Trial run, nothing saved: 3 codes added" in trial.content.decode()
    assert not Code.objects.filter(evaluation=evaluation).exists()
    client.post(
        url, {"action": "import", "file": SimpleUploadedFile("codes.qdc", data, "application/xml")}
    )
    assert [
        (c.name, c.parent.name if c.parent else None)
        for c in Code.objects.filter(evaluation=evaluation).order_by("pk")
    ] == [("Funding", None), ("Short", "Funding"), ("Very", "Short")]
    bad = client.post(
        url,
        {"action": "import", "file": SimpleUploadedFile("codes.qdc", b"<nope", "application/xml")},
        follow=True,
    )
    assert "The file is not valid XML: unclosed token: line 1" in bad.content.decode()
