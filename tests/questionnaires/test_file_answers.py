"""File questions answered on the respondent's form: upload, replace, remove while a draft;
a refused file says why and loses nothing; the team downloads the file only where it may read
the answers; an erasure deletes the files."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.test import Client

from common.errors import ValidationProblem
from privacy.services.erasure import person_erase
from questionnaires.models import Answer, Response
from questionnaires.services import response_submit
from questionnaires.services.answer_files import answer_file_attach, answer_file_remove
from questionnaires.services.responses import AlreadySubmitted
from reports.selectors.raw import raw_response_rows
from tests.factories import PersonFactory
from tests.questionnaires.file_makers import FILE_INSTRUMENT, PDF, docx_bytes, upload
from tests.questionnaires.makers import distribution_maker

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_file_distribution(evaluation, team):
    return distribution_maker(evaluation, team["lead"].user, FILE_INSTRUMENT, "Country summary")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_uploads_shows_and_replaces_the_file(
    django_capture_on_commit_callbacks, make_file_distribution, invite
) -> None:
    invitation = invite(make_file_distribution())
    client = Client()
    page = client.get(f"/r/{invitation.token}/page/1/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'hx-params="not q-A2"' in page
    assert "Accepted: PDF, Word (.docx), Excel (.xlsx); up to 1 MB." in page
    sent = client.post(
        f"/r/{invitation.token}/page/1/",
        {"q-A1": "Ghana", "q-A2": upload(PDF, "Ghana summary.pdf"), "action": "next"},
    )
    assert sent.status_code == 302
    answer = Answer.objects.get(question__key="A2")
    assert (answer.text, answer.file_size) == ("Ghana summary.pdf", len(PDF))
    assert answer.file.name.startswith("answer-files/") and answer.file.name.endswith(".pdf")
    assert "Ghana" not in answer.file.name  # the stored name is random
    with default_storage.open(answer.file.name) as stored:
        assert stored.read() == PDF
    page = client.get(f"/r/{invitation.token}/page/1/").content.decode()
    assert "Ghana summary.pdf" in page and "Remove this file" in page
    review = client.get(f"/r/{invitation.token}/review/").content.decode()
    assert f"Ghana summary.pdf ({len(PDF)}" in review

    first = answer.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/r/{invitation.token}/page/1/",
            {"q-A1": "Ghana", "q-A2": upload(docx_bytes(), "v2.docx"), "action": "next"},
        )
    answer = Answer.objects.get(question__key="A2")
    assert answer.text == "v2.docx" and answer.file.name.endswith(".docx")
    assert not default_storage.exists(first)  # the replaced file is deleted
    assert Response.objects.get().document == {"A1": "Ghana", "A2": "v2.docx"}


def test_a_refused_file_says_why_and_keeps_the_draft(make_file_distribution, invite) -> None:
    invitation = invite(make_file_distribution())
    client = Client()
    client.post(f"/r/{invitation.token}/page/1/", {"q-A2": upload(PDF), "action": "next"})
    refused = client.post(
        f"/r/{invitation.token}/page/1/",
        {"q-A1": "Kenya", "q-A2": upload(b"MZ\x90\x00program", "summary.pdf"), "action": "back"},
    )
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "This file is not an accepted type" in page
    assert "upload one of: PDF, Word (.docx), Excel (.xlsx)" in page
    assert "summary.pdf" in page  # the file uploaded before is still there, and shown
    answers = {a.question.key: a for a in Answer.objects.select_related("question")}
    assert answers["A1"].text == "Kenya"  # the rest of the page was saved
    assert answers["A2"].file_size == len(PDF)
    too_large = client.post(
        f"/r/{invitation.token}/page/1/",
        {"q-A2": upload(b"%PDF-" + b"0" * (1024 * 1024), "big.pdf"), "action": "next"},
    )
    assert "this question accepts files up to 1 MB" in too_large.content.decode()
    assert Answer.objects.get(question__key="A2").file_size == len(PDF)


def test_the_file_can_be_removed_while_a_draft(
    django_capture_on_commit_callbacks, make_file_distribution, invite
) -> None:
    invitation = invite(make_file_distribution())
    client = Client()
    client.post(f"/r/{invitation.token}/page/1/", {"q-A2": upload(PDF), "action": "next"})
    name = Answer.objects.get().file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/r/{invitation.token}/page/1/", {"q-A2__remove": "1", "action": "next"})
    assert not Answer.objects.exists() and not default_storage.exists(name)
    assert "A2" not in Response.objects.get().document
    refused = client.post(f"/r/{invitation.token}/review/")
    assert refused.status_code == 400
    assert "This question needs an answer." in refused.content.decode()


def test_a_submitted_response_keeps_its_file(make_file_distribution, invite) -> None:
    invitation = invite(make_file_distribution())
    answer_file_attach(invitation=invitation, key="A2", upload=upload(PDF, "final.pdf"))
    # The API and data entry send the other answers at once: the file stays.
    response = response_submit(invitation=invitation, answers={"A1": "Peru"}).response
    assert response.document == {"A1": "Peru", "A2": "final.pdf"}
    assert Answer.objects.get(question__key="A2").file_size == len(PDF)
    with pytest.raises(AlreadySubmitted):
        answer_file_remove(invitation=invitation, key="A2")
    with pytest.raises(AlreadySubmitted):
        answer_file_attach(invitation=invitation, key="A2", upload=upload(PDF))


def test_a_file_answer_is_not_given_among_the_answers(make_file_distribution, invite) -> None:
    invitation = invite(make_file_distribution())
    with pytest.raises(ValidationProblem) as refused:
        response_submit(invitation=invitation, answers={"A1": "Peru", "A2": "summary.pdf"})
    assert "answered with a file" in refused.value.errors["A2"][0]


def test_only_a_file_question_takes_a_file(make_file_distribution, invite) -> None:
    invitation = invite(make_file_distribution())
    with pytest.raises(ValidationProblem, match="“A1” is not a file question"):
        answer_file_attach(invitation=invitation, key="A1", upload=upload(PDF))


def _submitted(make_file_distribution, invite, confidentiality: str) -> Response:
    distribution = make_file_distribution(confidentiality)
    invitation = invite(distribution)
    answer_file_attach(invitation=invitation, key="A2", upload=upload(PDF, "Lima.pdf"))
    return response_submit(invitation=invitation, answers={"A1": "Peru"}).response


def _file_url(evaluation, response: Response) -> str:
    return (
        f"/evaluations/{evaluation.slug}/distributions/{response.distribution_id}"
        f"/responses/{response.pk}/files/A2/"
    )


@pytest.mark.parametrize(
    ("confidentiality", "role", "status"),
    [
        ("lead", "lead", 200),
        ("lead", "evaluator", 403),
        ("team", "evaluator", 200),
        ("team", "viewer", 403),
        ("lead", "viewer", 403),
    ],
)
def test_the_file_is_downloaded_by_those_who_read_the_answers(
    evaluation, team, make_file_distribution, invite, confidentiality, role, status
) -> None:
    response = _submitted(make_file_distribution, invite, confidentiality)
    download = client_for(team[role].user).get(_file_url(evaluation, response))
    assert download.status_code == status
    if status == 200:
        assert download["Content-Disposition"] == 'attachment; filename="Lima.pdf"'
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == PDF
    else:
        assert b"%PDF" not in download.content


def test_anonymous_visitors_are_sent_to_sign_in(evaluation, make_file_distribution, invite):
    response = _submitted(make_file_distribution, invite, "team")
    assert Client().get(_file_url(evaluation, response)).status_code == 302


def test_the_response_page_and_raw_rows_show_the_file(
    evaluation, team, make_file_distribution, invite
) -> None:
    response = _submitted(make_file_distribution, invite, "lead")
    page = client_for(team["lead"].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{response.distribution_id}"
        f"/responses/{response.pk}/"
    )
    assert f'href="{_file_url(evaluation, response)}"' in page.content.decode()
    rows = list(raw_response_rows(user=team["lead"].user, distribution=response.distribution))
    assert rows[0][-2:] == ["Peru", "Lima.pdf"]
    other = raw_response_rows(user=team["evaluator"].user, distribution=response.distribution)
    assert list(other) == []  # lead-only answers: not even the file name


def test_erasing_the_person_deletes_their_files(
    django_capture_on_commit_callbacks, team, make_file_distribution, invite
) -> None:
    distribution = make_file_distribution("team")
    person = PersonFactory(display_name="Rosa Quispe")
    submitted = invite(distribution, name="Rosa Quispe", person=person)
    answer_file_attach(invitation=submitted, key="A2", upload=upload(PDF, "Rosa Quispe.pdf"))
    response_submit(invitation=submitted, answers={"A1": "Peru"})
    drafted = invite(make_file_distribution("lead"), name="Rosa Quispe", person=person)
    answer_file_attach(invitation=drafted, key="A2", upload=upload(PDF, "draft.pdf"))
    names = list(Answer.objects.exclude(file="").values_list("file", flat=True))
    assert len(names) == 2 and all(default_storage.exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(by=team["lead"].user, person=person, reason="Asked to be forgotten")
    assert not any(default_storage.exists(n) for n in names)
    assert not Answer.objects.filter(question__key="A2").exists()
    kept = Response.objects.get()
    assert kept.document == {"A1": "Peru"}  # the other answers stay, counted
