"""Coding through the API: the texts a member may code, a coding made and changed, and the
refusals (viewers; lead-only texts for others than the lead)."""

from __future__ import annotations

import pytest

from analysis.models import Coding
from analysis.services.codings import coding_create
from evaluations.permissions import SYSTEM
from tests.analysis.builders import answered, codes, noted, open_answers

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


def test_excerpts_of_a_tally_cell_come_with_their_attribution(as_role, evaluation):
    answers = open_answers(answered(evaluation, "team", "Government", "Donor"))
    book = codes(evaluation)
    plain = noted(evaluation)  # Government and Workers participants, attribution given
    for answer in answers:
        coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7,
                      codes=[book["funding"]])  # fmt: skip
    coding_create(evaluation=evaluation, by=SYSTEM, note=plain, start=0, end=3,
                  codes=[book["funding"]])  # fmt: skip
    base = f"/api/v1/evaluations/{evaluation.slug}/analysis/codings/"
    client = as_role("evaluator")
    cell = client.get(
        base, {"code": book["funding"].pk, "by": "stakeholder_group", "value": "Government"}
    )
    assert cell.status_code == 200, cell.content
    found = cell.json()["results"]
    assert [c["attribution"] for c in found] == [
        "a respondent (Government, Africa)", "an official in Nairobi"
    ]  # fmt: skip
    donors = client.get(base, {"by": "stakeholder_group", "value": "Donor"}).json()["results"]
    assert [c["attribution"] for c in donors] == ["a respondent (Donor, Africa)"]
    assert "Ana Example" not in str(cell.json())
    assert client.get(base, {"by": "stakeholder_group"}).status_code == 400
