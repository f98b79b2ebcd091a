"""Coding through the API: the texts a member may code, a coding made and changed, and the
refusals (viewers; lead-only texts for others than the lead)."""

from __future__ import annotations

import pytest

from analysis.models import Coding
from tests.analysis.builders import answered, codes, noted

pytestmark = pytest.mark.django_db


def test_code_an_answer_and_a_note_through_the_api(as_role, evaluation):
    team_survey = answered(evaluation, "team", "Government")
    lead_survey = answered(evaluation, "lead", "Government")
    note = noted(evaluation)
    book = codes(evaluation)
    base = f"/api/v1/evaluations/{evaluation.slug}/analysis"
    client = as_role("evaluator")
    texts = client.get(f"{base}/codable/?distribution={team_survey.pk}").json()
    assert [a["question"] for a in texts["answers"]] == ["B1"]
    answer_id = texts["answers"][0]["id"]
    assert client.get(f"{base}/codable/?distribution={lead_survey.pk}").status_code == 403
    made = client.post(
        f"{base}/codings/",
        {"answer": answer_id, "start": 0, "end": 7, "codes": [book["funding"].pk], "memo": "m"},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["text"] == "Funding"
    notes = client.get(f"{base}/codable/?interview={note.interview_id}").json()["notes"]
    assert notes[0]["attribution"] == "an official in Nairobi"
    on_note = client.post(
        f"{base}/codings/",
        {"note": notes[0]["id"], "start": 4, "end": 12, "codes": [book["unions"].pk]},
        format="json",
    )
    assert on_note.status_code == 201, on_note.content
    changed = client.patch(
        f"{base}/codings/{made.json()['id']}/", {"codes": [book["unions"].pk]}, format="json"
    )
    assert changed.json()["codes"] == [book["unions"].pk]
    listed = client.get(f"{base}/codings/?code={book['unions'].pk}").json()["results"]
    assert sorted(c["id"] for c in listed) == sorted([made.json()["id"], on_note.json()["id"]])
    bad = client.post(
        f"{base}/codings/",
        {"answer": answer_id, "start": 3, "end": 999, "codes": [book["funding"].pk]},
        format="json",
    )
    assert bad.status_code == 400
    assert "within the text" in bad.json()["detail"]
    viewer = as_role("viewer")
    assert viewer.get(f"{base}/codings/").status_code == 403
    assert viewer.get(f"{base}/codable/?distribution={team_survey.pk}").status_code == 403
    refused = viewer.post(
        f"{base}/codings/",
        {"answer": answer_id, "start": 0, "end": 7, "codes": [book["funding"].pk]},
        format="json",
    )
    assert refused.status_code == 403
    assert Coding.objects.count() == 2
