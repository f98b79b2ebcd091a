"""The admin shows the log read-only and never the text of notes."""

from __future__ import annotations

import pytest
from django.test import Client

from evaluations.permissions import SYSTEM
from interviews import services
from tests.factories import UserFactory
from tests.interviews.builders import log, person

pytestmark = pytest.mark.django_db


def test_admin_lists_interviews_and_hides_note_texts(evaluation) -> None:
    interview = log(evaluation, person("Anna Beispiel"), grouping="Bangkok")
    services.note_add(interview=interview, by=SYSTEM, text="Confidential remark", visibility="lead")
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    listing = client.get("/admin/interviews/interview/")
    detail = client.get(f"/admin/interviews/interview/{interview.pk}/change/")
    notes = client.get("/admin/interviews/interviewnote/")

    assert listing.status_code == detail.status_code == notes.status_code == 200
    assert "Bangkok" in listing.content.decode()
    assert "Anna Beispiel" in detail.content.decode()
    assert "Confidential remark" not in notes.content.decode()
    assert "Confidential remark" not in detail.content.decode()
