"""The team's questionnaire pages, and who may read which answers."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from questionnaires.models import Instrument, Invitation, Response
from questionnaires.services import response_enter, response_save, response_submit
from tests.conftest import COMPLETE, STAFF_FILE
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lead_uploads_a_file_and_sees_it(team, evaluation) -> None:
    client = client_for(team["lead"].user)
    upload = SimpleUploadedFile("staff.yaml", STAFF_FILE.read_bytes())
    response = client.post(
        f"/evaluations/{evaluation.slug}/instruments/", {"file": upload}, follow=True
    )
    page = response.content.decode()
    assert (
        "Loaded ilo-staff-questionnaire-2008 version 1 (created): 3 sections, 19 questions." in page
    )
    assert Instrument.objects.filter(evaluation=evaluation).count() == 1


def test_bad_upload_names_the_line_and_saves_nothing(team, evaluation) -> None:
    bad = STAFF_FILE.read_text().replace("kind: likert", "kind: lickert", 1)
    upload = SimpleUploadedFile("staff.yaml", bad.encode())
    response = client_for(team["lead"].user).post(
        f"/evaluations/{evaluation.slug}/instruments/", {"file": upload}
    )
    assert response.status_code == 400
    assert "unknown kind “lickert”" in response.content.decode()
    assert "line " in response.content.decode()
    assert not Instrument.objects.exists()


@pytest.mark.parametrize("role", ["evaluator", "data_entry", "viewer"])
def test_only_the_lead_uploads(team, evaluation, role) -> None:
    upload = SimpleUploadedFile("staff.yaml", STAFF_FILE.read_bytes())
    response = client_for(team[role].user).post(
        f"/evaluations/{evaluation.slug}/instruments/", {"file": upload}
    )
    assert response.status_code == 403
    assert not Instrument.objects.exists()


def test_preview_download_and_send(team, evaluation, staff_version) -> None:
    client = client_for(team["lead"].user)
    url = f"/evaluations/{evaluation.slug}/instruments/ilo-staff-questionnaire-2008/v1/"
    page = client.get(url).content.decode()
    assert "The ILO activities on migration receive the attention they warrant in the DWCP" in page
    assert "4 Strongly agree" in page
    yaml_text = client.get(url + "yaml/").content.decode()
    assert yaml_text == "".join(
        line for line in STAFF_FILE.read_text().splitlines(True) if not line.startswith("#")
    )
    response = client.post(url, {"title": "Staff 2026", "confidentiality": "lead"}, follow=True)
    assert "Version 1 is frozen and ready" in response.content.decode()
    staff_version.refresh_from_db()
    assert staff_version.is_frozen
    assert "This version is frozen" in client.get(url).content.decode()


def test_team_adds_a_respondent_and_copies_the_link(team, evaluation, make_distribution) -> None:
    distribution = make_distribution()
    client = client_for(team["evaluator"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    response = client.post(
        url,
        {"name": "Ana Example", "email": "ana@example.org", "language": "en", "region": "Africa"},
        follow=True,
    )
    invitation = Invitation.objects.get(name="Ana Example")
    assert f"/r/{invitation.token}/" in response.content.decode()
    assert invitation.attributes == {"region": "Africa"}
    viewer = client_for(team["viewer"].user).post(url, {"name": "X", "language": "en"})
    assert viewer.status_code == 403


@pytest.mark.parametrize(
    ("role", "readable"),
    [("lead", True), ("evaluator", False), ("data_entry", False), ("viewer", False)],
)
def test_lead_only_answers_are_invisible_to_others(
    team, evaluation, make_distribution, invite, role, readable
) -> None:
    distribution = make_distribution("lead")
    secret = {**COMPLETE, "B8": "A remark for the lead evaluator only"}
    response = response_submit(invitation=invite(distribution), answers=secret).response
    client = client_for(team[role].user)
    listing = client.get(f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/")
    detail = client.get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{response.pk}/"
    )
    assert "A remark for the lead evaluator only" not in listing.content.decode()
    if readable:
        assert detail.status_code == 200
        assert "A remark for the lead evaluator only" in detail.content.decode()
    else:
        assert detail.status_code == 403
        assert "A remark for the lead evaluator only" not in detail.content.decode()


@pytest.mark.parametrize(
    ("role", "readable"),
    [("lead", True), ("evaluator", True), ("data_entry", False), ("viewer", False)],
)
def test_team_answers_are_for_the_team(
    team, evaluation, make_distribution, invite, role, readable
) -> None:
    distribution = make_distribution("team")
    response = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    detail = client_for(team[role].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{response.pk}/"
    )
    assert detail.status_code == (200 if readable else 403)


def test_data_entry_keys_in_a_returned_questionnaire(
    team, evaluation, make_distribution, invite
) -> None:
    distribution = make_distribution()
    invitation = invite(distribution, name="Returned Person")
    client = client_for(team["data_entry"].user)
    url = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/enter/"
    form = {
        "invitation": str(invitation.pk),
        "channel": "email",
        **{f"q-{k}": v for k, v in COMPLETE.items()},
    }
    form["returned_file"] = SimpleUploadedFile("reply.docx", b"the reply")
    response = client.post(url, form, follow=True)
    assert "Response saved, marked as entered on behalf." in response.content.decode()
    stored = Response.objects.get()
    assert (stored.channel, stored.entered_by, stored.invitation) == (
        "email",
        team["data_entry"].user,
        invitation,
    )
    assert stored.returned_file.read() == b"the reply"
    # The person who keyed it in may read it back; the form refuses a second entry.
    again = client.post(url, {"invitation": str(invitation.pk), "channel": "phone"})
    assert again.status_code == 400
    assert Response.objects.count() == 1


def test_entry_with_a_bad_answer_keeps_everything(team, evaluation, make_distribution) -> None:
    distribution = make_distribution()
    client = client_for(team["evaluator"].user)
    form = {
        "name": "Phone Person",
        "channel": "phone",
        **{f"q-{k}": v for k, v in COMPLETE.items()},
        "q-C2": "7",
    }
    response = client.post(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/enter/", form
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Not one of the choices." in page
    assert "Open answer 4" in page
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("confidentiality", "role", "sees"),
    [
        ("lead", "lead", True),
        ("lead", "evaluator", False),
        ("lead", "data_entry", False),
        ("team", "evaluator", True),
        ("team", "data_entry", False),
    ],
)
def test_personal_links_open_drafts_so_only_some_roles_see_them(
    team, evaluation, make_distribution, invite, confidentiality, role, sees
) -> None:
    invitation = invite(make_distribution(confidentiality))
    page = client_for(team[role].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{invitation.distribution_id}/"
    )
    assert page.status_code == 200
    assert (invitation.token in page.content.decode()) is sees
    api = APIClient()
    api.force_authenticate(team[role].user)
    rows = api.get(
        f"/api/v1/evaluations/{evaluation.slug}/distributions/{invitation.distribution_id}/invitations/"
    ).json()["results"]
    assert (rows[0]["link"] is not None) is sees
    assert invitation.token not in str(rows) or sees


def test_unknown_ids_are_404(team, evaluation, make_distribution, invite) -> None:
    distribution = make_distribution()
    client = Client()
    client.force_login(team["lead"].user)
    base = f"/evaluations/{evaluation.slug}"
    assert client.get(f"{base}/distributions/999999/").status_code == 404
    assert client.get(f"{base}/distributions/{distribution.pk}/responses/zzz/").status_code == 404
    assert client.get(f"{base}/instruments/nope/v1/").status_code == 404
    assert client.get(f"{base}/instruments/ilo-staff-questionnaire-2008/v9/").status_code == 404
    api = APIClient()
    api.force_authenticate(team["lead"].user)
    assert (
        api.put(
            f"/api/v1{base}/instruments/ilo-staff-questionnaire-2008/versions/abc/", {}
        ).status_code
        == 404
    )
    assert api.get(f"/api/v1{base}/distributions/999999/responses/").status_code == 404
    assert (
        api.patch(f"/api/v1{base}/members/abc/", {"role": "lead"}, format="json").status_code == 404
    )


def test_distribution_of_another_evaluation_is_not_reachable(
    team, evaluation, make_distribution
) -> None:
    distribution = make_distribution()
    other = MembershipFactory(role="lead")
    client = Client()
    client.force_login(other.user)
    assert (
        client.get(
            f"/evaluations/{other.evaluation.slug}/distributions/{distribution.pk}/"
        ).status_code
        == 404
    )
    api = APIClient()
    api.force_authenticate(other.user)
    url = f"/api/v1/evaluations/{other.evaluation.slug}/distributions/{distribution.pk}/responses/"
    assert api.get(url).status_code == 404


@pytest.mark.parametrize("mode", ["team", "anonymous"])
def test_drafts_are_never_shown_to_the_team(
    team, evaluation, make_distribution, invite, mode
) -> None:
    distribution = make_distribution(mode)
    draft, _errors = response_save(
        invitation=invite(distribution, name="Alice Secret"), answers={"B1": "unfinished thought"}
    )
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    for role in ("lead", "evaluator"):
        client = client_for(team[role].user)
        assert client.get(f"{base}/responses/{draft.pk}/").status_code == 403
        assert draft.pk not in client.get(f"{base}/").content.decode()
        api = APIClient()
        api.force_authenticate(team[role].user)
        body = api.get(f"/api/v1{base}/responses/").content.decode()
        assert draft.pk not in body and "unfinished thought" not in body


def test_returned_files_only_for_those_who_read_the_answers(
    team, evaluation, make_distribution
) -> None:
    distribution = make_distribution("lead")
    response = response_enter(
        distribution=distribution,
        by=team["lead"].user,
        name="Mailed",
        answers=COMPLETE,
        channel="email",
        returned_file=SimpleUploadedFile("reply.txt", b"scanned answers"),
    )
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
    url = f"{base}/responses/{response.pk}/file/"
    lead = client_for(team["lead"].user).get(url)
    assert lead.status_code == 200 and b"".join(lead.streaming_content) == b"scanned answers"
    assert client_for(team["evaluator"].user).get(url).status_code == 403
    assert client_for(team["viewer"].user).get(url).status_code == 403


def test_instruments_are_listed_by_title_with_the_key_beside(team, evaluation) -> None:
    for key, title in (("zz-first", "A staff survey"), ("aa-second", "Stakeholder survey")):
        text = STAFF_FILE.read_text().replace("key: ilo-staff-questionnaire-2008", f"key: {key}", 1)
        text = re.sub(r"^title:.*$", f"title: {{en: {title}}}", text, count=1, flags=re.M)
        client_for(team["lead"].user).post(
            f"/evaluations/{evaluation.slug}/instruments/",
            {"file": SimpleUploadedFile("i.yaml", text.encode())},
        )
    page = (
        client_for(team["data_entry"].user)
        .get(f"/evaluations/{evaluation.slug}/instruments/")
        .content.decode()
    )
    titles = re.findall(r'class="instrument-title">([^<]+)<', page)
    assert titles == ["A staff survey", "Stakeholder survey"]  # by title, not by key
    row = page[page.index("A staff survey") :].split("</td>")[0]
    assert "<code" in row and "zz-first" in row


def test_a_response_names_its_questions_by_section_and_number(
    team, evaluation, make_distribution, invite
) -> None:
    distribution = make_distribution("team")
    response = response_submit(invitation=invite(distribution), answers=COMPLETE).response
    page = client_for(team["evaluator"].user).get(
        f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses/{response.pk}/"
    )
    body = page.content.decode()
    # A1 and B1 are both printed "1)": the team's page tells them apart.
    assert '<dt><span class="qref">A1</span>' in body
    assert '<dt><span class="qref">B1</span>' in body
