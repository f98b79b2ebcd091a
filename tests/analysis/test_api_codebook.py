"""The codebook through the API: codes nested and linked, the .qdc file out and back in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Code
from analysis.services.matrix import criterion_save, question_save
from evaluations.permissions import SYSTEM

pytestmark = pytest.mark.django_db


def test_codes_nest_link_and_travel_as_qdc(as_role, evaluation):
    criterion = criterion_save(evaluation=evaluation, by=SYSTEM, label="R", name="Relevance")
    question_save(criterion=criterion, by=SYSTEM, number="a.3", text="Why?")
    url = f"/api/v1/evaluations/{evaluation.slug}/analysis/codes/"
    client = as_role("evaluator")
    top = client.post(url, {"name": "Partners", "questions": ["a.3"]}, format="json")
    assert top.status_code == 201, top.content
    child = client.post(url, {"name": "Unions", "parent": top.json()["id"]}, format="json")
    assert child.status_code == 201, child.content
    assert child.json()["parent"] == top.json()["id"]
    bad = client.post(url, {"name": "X", "questions": ["z.9"]}, format="json")
    assert bad.status_code == 400
    assert "No evaluation question z.9" in bad.json()["detail"]
    listed = as_role("viewer").get(url).json()["results"]
    assert [(c["name"], c["questions"]) for c in listed] == [("Partners", ["a.3"]), ("Unions", [])]
    assert as_role("viewer").post(url, {"name": "Y"}, format="json").status_code == 403

    file_url = f"/api/v1/evaluations/{evaluation.slug}/analysis/codebook/file/"
    client = as_role("evaluator")  # one client: signed in as the evaluator again
    qdc = client.get(file_url)
    assert qdc.status_code == 200
    assert b'xmlns="urn:QDA-XML:codebook:1.0"' in qdc.content
    renamed = qdc.content.replace(b'name="Unions"', b'name="Trade unions"')
    dry = client.post(
        file_url,
        {"file": SimpleUploadedFile("c.qdc", renamed), "dry_run": "true"},
        format="multipart",
    )
    assert dry.json() == {
        "created": [], "updated": ["Trade unions"], "unchanged": 1, "warnings": [], "dry_run": True
    }  # fmt: skip
    assert Code.objects.filter(name="Unions").exists()
    done = client.post(file_url, {"file": SimpleUploadedFile("c.qdc", renamed)}, format="multipart")
    assert done.status_code == 200
    assert Code.objects.get(guid=child.json()["guid"]).name == "Trade unions"
    csv = client.get(file_url + "?file_format=csv")
    assert "Partners > Trade unions" in csv.content.decode()
