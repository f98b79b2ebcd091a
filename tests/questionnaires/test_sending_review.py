"""Defects a review found in sending, each pinned by a test."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from common.errors import ValidationProblem
from questionnaires.models import Invitation
from questionnaires.services import (
    distribution_update,
    invitation_decline,
    invitation_exclude,
    invitation_opened,
    invitation_restore,
)
from questionnaires.services.invitations import invitation_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def distribution(make_distribution):
    return make_distribution("lead", deadline=timezone.now() + dt.timedelta(days=10))


def test_put_cannot_rewrite_a_distribution(api_client, team, evaluation, distribution):
    api_client.force_authenticate(team["data_entry"].user)
    url = f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}/"
    response = api_client.put(url, {"confidentiality": "team", "title": "X"}, format="json")
    assert response.status_code in (403, 405)
    distribution.refresh_from_db()
    assert distribution.confidentiality == "lead"


def test_a_subject_may_not_carry_the_personal_link(team, distribution):
    with pytest.raises(ValidationProblem) as caught:
        distribution_update(
            distribution=distribution, by=team["lead"].user, invitation_subject="Go: {link}"
        )
    assert "cannot hold {link}" in caught.value.errors["invitation_subject"][0]


def test_restore_after_a_resend_returns_to_the_last_status(team, distribution, invite):
    invitation = invite(distribution, email="a@example.org")
    invitation_opened(invitation)
    invitation_event(invitation, "resend", by=team["lead"].user)
    invitation_exclude(invitation=invitation, by=team["lead"].user, reason="Wrong person")
    invitation_restore(invitation=invitation, by=team["lead"].user)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.OPENED


def test_a_decline_does_not_undo_the_team_exclusion(team, distribution, invite):
    invitation = invite(distribution)
    invitation_exclude(invitation=invitation, by=team["lead"].user, reason="Left the office")
    invitation_decline(invitation=invitation, reason="no")
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.EXCLUDED


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/registry/people/abc/",
        "/api/v1/registry/imports/abc/",
        "/api/v1/evaluations/{slug}/distributions/{d}/invitations/abc/actions/",
    ],
)
def test_non_numeric_ids_are_not_found_not_errors(api_client, team, evaluation, distribution, path):
    api_client.force_authenticate(team["lead"].user)
    url = path.format(slug=evaluation.slug, d=distribution.pk)
    assert api_client.post(url).status_code in (404, 405)
    assert api_client.get(url).status_code in (404, 405)


def test_a_damaged_workbook_is_refused_with_a_message(client, team):
    buffer = io.BytesIO()
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Name", "E-mail"])
    book.active.append(["Ana Example", "ana@example.org"])
    book.save(buffer)
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(damaged, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 2]
            target.writestr(item, data)
    client.force_login(team["lead"].user)
    response = client.post(
        "/registry/import/",
        {"file": SimpleUploadedFile("people.xlsx", damaged.getvalue())},
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()


def test_a_wrong_address_is_corrected_then_resent(
    api_client, team, evaluation, distribution, invite, django_capture_on_commit_callbacks
):
    from django.core import mail

    from questionnaires.services import distribution_send

    invitation = invite(distribution, name="Ana", email="ana@wrong.example")
    invite(distribution, name="Bo", email="bo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        distribution_send(distribution=distribution, by=team["lead"].user)
    api_client.force_authenticate(team["lead"].user)
    url = (
        f"/api/v1/evaluations/{evaluation.slug}/distributions/{distribution.pk}"
        f"/invitations/{invitation.pk}/actions/"
    )
    taken = api_client.post(url, {"action": "change", "email": "BO@example.org"}, format="json")
    assert taken.status_code == 400 and "already invited" in taken.json()["detail"]
    changed = api_client.post(url, {"action": "change", "email": "ana@example.org"}, format="json")
    assert changed.status_code == 200 and changed.json()["email"] == "ana@example.org"
    assert changed.json()["history"][-1]["note"] == "e-mail: ana@wrong.example → ana@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post(url, {"action": "resend"}, format="json")
    assert mail.outbox[-1].to == ["ana@example.org"]
