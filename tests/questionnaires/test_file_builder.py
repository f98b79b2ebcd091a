"""File questions in the builder: the types ticked and the size typed, kept in the draft and
written to the YAML; a wrong size is refused next to its field; the diff says the limits."""

from __future__ import annotations

import pytest
from django.test import Client

from questionnaires import builder
from questionnaires.instrument_format import instrument_dump, instrument_parse
from questionnaires.models import Instrument, Question
from questionnaires.selectors import version_spec
from tests.questionnaires.file_makers import FILE_INSTRUMENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(team, evaluation) -> str:
    client = Client()
    client.force_login(team["lead"].user)
    client.post(
        f"/evaluations/{evaluation.slug}/instruments/new/",
        {"key": "summaries", "kind": "questionnaire", "title": "Country summaries"},
    )
    return f"/evaluations/{evaluation.slug}/instruments/summaries/edit/"


def lead(team) -> Client:
    client = Client()
    client.force_login(team["lead"].user)
    return client


def question(**fields: object) -> dict:
    return {"section": "A", "key": "S1", "kind": "file", "text_en": "Your summary", **fields}


def test_a_file_question_is_made_in_the_builder(team, url: str) -> None:
    client = lead(team)
    saved = client.post(url + "question/", question(accept=["pdf", "xlsx"], max_size="5MB"))
    assert saved.status_code == 302
    stored = Question.objects.get(key="S1")
    assert (stored.kind, stored.accept, stored.max_size) == ("file", ["pdf", "xlsx"], 5 * 2**20)
    version = Instrument.objects.get(key="summaries").versions.get()
    text = instrument_dump(version_spec(version))
    assert "  - key: S1\n    kind: file\n" in text
    assert "    accept:\n    - pdf\n    - xlsx\n    max_size: 5MB\n" in text
    form = client.get(url + "question/S1/").content.decode()
    assert 'value="5MB"' in form
    assert 'value="xlsx" id="id_accept_2" checked' in form
    assert 'value="docx" id="id_accept_1">' in form


@pytest.mark.parametrize(
    ("size", "message"), [("huge", "Write a size like 10MB or 500KB."), ("50MB", "At most 20 MB.")]
)
def test_a_wrong_size_is_refused_next_to_its_field(team, url: str, size: str, message: str):
    refused = lead(team).post(url + "question/", question(max_size=size))
    assert refused.status_code == 200  # the form again, as the builder answers a bad edit
    assert message in refused.content.decode()
    assert not Question.objects.filter(key="S1").exists()


def test_the_diff_states_the_limits() -> None:
    spec = instrument_parse(FILE_INSTRUMENT)
    wider = instrument_parse(FILE_INSTRUMENT.replace("max_size: 1MB", "max_size: 5MB"))
    row = next(r for r in builder.version_diff(spec, wider) if r.key == "A2")
    assert row.old.endswith("[accepts PDF, Word (.docx), Excel (.xlsx); up to 1MB]")
    assert row.new.endswith("[accepts PDF, Word (.docx), Excel (.xlsx); up to 5MB]")
