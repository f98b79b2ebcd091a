"""The respondent API's file door: multipart upload, replace and remove on a draft, then the
answers as JSON; the same checks as the form."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from questionnaires.models import Answer, Response
from questionnaires.services.corrections import response_reopen
from tests.questionnaires.file_makers import FILE_INSTRUMENT, PDF, upload, xlsx_bytes
from tests.questionnaires.makers import distribution_maker

pytestmark = pytest.mark.django_db


@pytest.fixture
def link(evaluation, team, invite) -> str:
    make = distribution_maker(evaluation, team["lead"].user, FILE_INSTRUMENT, "Country summary")
    return f"/api/v1/respond/{invite(make()).token}"


def test_upload_then_submit_the_answers(link: str) -> None:
    api = APIClient()
    sent = api.post(f"{link}/files/A2/", {"file": upload(xlsx_bytes(), "scores.xlsx")})
    assert sent.status_code == 201
    assert sent.json() == {"key": "A2", "name": "scores.xlsx", "size": len(xlsx_bytes())}
    submitted = api.post(f"{link}/", {"answers": {"A1": "Chile"}}, format="json")
    assert submitted.status_code == 201
    response = Response.objects.get()
    assert response.document == {"A1": "Chile", "A2": "scores.xlsx"}
    assert Answer.objects.get(question__key="A2").file.name.endswith(".xlsx")
    late = api.post(f"{link}/files/A2/", {"file": upload(PDF)})
    assert late.status_code == 409


def test_a_refused_file_is_a_problem_naming_the_question(link: str) -> None:
    api = APIClient()
    api.post(f"{link}/files/A2/", {"file": upload(PDF, "first.pdf")})
    refused = api.post(
        f"{link}/files/A2/", {"file": upload(b"GIF89a\x01\x00\x00\x00", "photo.pdf")}
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["errors"]["A2"] == [
        "This file is not an accepted type (its content is not a type this site accepts); "
        "upload one of: PDF, Word (.docx), Excel (.xlsx)."
    ]
    assert Answer.objects.get(question__key="A2").text == "first.pdf"  # unchanged
    missing = api.post(f"{link}/files/A2/", {"language": "en"})
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    wrong = api.post(f"{link}/files/A1/", {"file": upload(PDF)})
    assert wrong.status_code == 400 and "not a file question" in wrong.json()["detail"]


def test_the_required_file_is_asked_for_then_removed(link: str) -> None:
    api = APIClient()
    refused = api.post(f"{link}/", {"answers": {"A1": "Chile"}}, format="json")
    assert refused.json()["errors"]["A2"] == ["This question needs an answer."]
    api.post(f"{link}/files/A2/", {"file": upload(PDF)})
    assert api.delete(f"{link}/files/A2/").status_code == 204
    assert not Answer.objects.filter(question__key="A2").exists()


def test_an_unknown_link_is_a_404(db) -> None:
    assert (
        APIClient().post("/api/v1/respond/nope/files/A2/", {"file": upload(PDF)}).status_code == 404
    )


@pytest.mark.parametrize(
    ("confidentiality", "role", "status"),
    [("lead", "lead", 200), ("lead", "evaluator", 403), ("team", "evaluator", 200)],
)
def test_the_team_api_gives_the_file_where_the_answers_are_readable(
    evaluation, team, invite, as_role, confidentiality, role, status
) -> None:
    make = distribution_maker(evaluation, team["lead"].user, FILE_INSTRUMENT, "Country summary")
    distribution = make(confidentiality)
    token = invite(distribution).token
    respondent = APIClient()
    respondent.post(f"/api/v1/respond/{token}/files/A2/", {"file": upload(PDF, "Quito.pdf")})
    respondent.post(f"/api/v1/respond/{token}/", {"answers": {"A1": "Ecuador"}}, format="json")
    response = Response.objects.get()
    base = f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/"
    api = as_role(role)
    listed = api.get(base).json()["results"][0]["answers"]
    download = api.get(f"{base}{response.pk}/files/A2/")
    assert download.status_code == status
    if status == 200:
        assert listed["A2"] == {"name": "Quito.pdf", "size": len(PDF)}
        assert download["Content-Disposition"] == 'attachment; filename="Quito.pdf"'
        assert b"".join(download.streaming_content) == PDF
    else:
        assert listed is None
        assert "lead evaluator only" in download.json()["detail"]
    assert as_role("viewer").get(f"{base}{response.pk}/files/A2/").status_code == 403


def test_no_file_is_stored_before_consent(evaluation, team, invite) -> None:
    text = FILE_INSTRUMENT.replace(
        "sections:\n",
        "consent:\n  notice: {en: We keep your file for the evaluation.}\n"
        "  checkbox: {en: I agree}\nsections:\n",
        1,
    )
    make = distribution_maker(evaluation, team["lead"].user, text, "Country summary")
    link = f"/api/v1/respond/{invite(make()).token}"
    sent = APIClient().post(f"{link}/files/A2/", {"file": upload(xlsx_bytes(), "scores.xlsx")})
    assert sent.status_code == 400
    assert "privacy notice" in sent.json()["errors"]["consent"][0]
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_a_file_is_not_replaced_in_a_correction(link: str, team) -> None:
    api = APIClient()
    assert (
        api.post(f"{link}/files/A2/", {"file": upload(xlsx_bytes(), "a.xlsx")}).status_code == 201
    )
    assert api.post(f"{link}/", {"answers": {"A1": "Chile"}}, format="json").status_code == 201
    response_reopen(response=Response.objects.get(), by=team["lead"].user, reason="typo in A1")
    again = api.post(f"{link}/files/A2/", {"file": upload(PDF, "b.pdf")})
    assert again.status_code == 400
    assert "cannot be replaced in a correction" in again.json()["errors"]["A2"][0]
    assert Response.objects.get().document["A2"] == "a.xlsx"
