"""The matrix through the API: members read it, the lead and evaluators change it, files go
out and come back; the paths are in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analysis.models import Criterion, EvaluationQuestion

pytestmark = pytest.mark.django_db


def base(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/analysis"


def test_lead_builds_a_matrix_and_a_viewer_reads_it(as_role, evaluation, staff_version):
    client = as_role("lead")
    made = client.post(f"{base(evaluation)}/matrix/defaults/")
    assert made.status_code == 201, made.content
    assert len(made.json()) == 6
    relevance = Criterion.objects.get(evaluation=evaluation, label="Relevance")
    created = client.post(
        f"{base(evaluation)}/questions/",
        {
            "criterion": relevance.pk,
            "number": "a.1",
            "text": "Is it relevant?",
            "sources": [
                {"kind": "question", "ref": "ilo-staff-questionnaire-2008:1:B1"},
                {"kind": "group", "ref": "Workers' organisations"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["sources"][1] == {"kind": "group", "ref": "Workers' organisations"}
    viewer = as_role("viewer")
    matrix = viewer.get(f"{base(evaluation)}/matrix/").json()
    assert matrix[0]["label"] == "Relevance"
    assert matrix[0]["questions"][0]["sources"][0]["ref"] == "ilo-staff-questionnaire-2008:1:B1"
    refused = viewer.post(f"{base(evaluation)}/criteria/", {"label": "X", "name": "Y"})
    assert refused.status_code == 403
    assert "Only the lead evaluator and evaluators" in refused.json()["detail"]
    assert not Criterion.objects.filter(label="X").exists()


def test_a_bad_source_is_a_400_naming_it(as_role, evaluation):
    client = as_role("evaluator")
    criterion = client.post(f"{base(evaluation)}/criteria/", {"label": "R", "name": "Relevance"})
    assert criterion.status_code == 201, criterion.content
    answer = client.post(
        f"{base(evaluation)}/questions/",
        {"criterion": criterion.json()["id"], "number": "a.1", "text": "Why?",
         "sources": [{"kind": "group", "ref": "Martians"}]},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 400
    assert "no stakeholder group “Martians”" in answer.json()["detail"]
    assert not EvaluationQuestion.objects.exists()  # all or nothing


def test_the_matrix_file_goes_out_and_comes_back(as_role, evaluation):
    client = as_role("lead")
    client.post(f"{base(evaluation)}/matrix/defaults/")
    yaml_file = client.get(f"{base(evaluation)}/matrix/file/?file_format=yaml")
    assert yaml_file.status_code == 200
    assert yaml_file["Content-Disposition"].endswith('-matrix.yaml"')
    text = yaml_file.content.decode().replace("label: Design", "label: Design2")
    upload = SimpleUploadedFile("m.yaml", text.encode())
    answer = client.post(f"{base(evaluation)}/matrix/file/", {"file": upload}, format="multipart")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"criteria": 6, "questions": 0, "sources": 0}
    labels = set(Criterion.objects.filter(evaluation=evaluation).values_list("label", flat=True))
    assert "Design2" in labels and "Design" not in labels
    bad = SimpleUploadedFile("m.csv", b"Criterion,Nope\nA,B\n")
    refused = client.post(f"{base(evaluation)}/matrix/file/", {"file": bad}, format="multipart")
    assert refused.status_code == 400
    assert "The header row must be" in refused.json()["detail"]


def test_data_entry_may_not_upload_a_matrix(as_role, evaluation):
    upload = SimpleUploadedFile("m.yaml", b"not: [valid")
    answer = as_role("data_entry").post(
        f"{base(evaluation)}/matrix/file/", {"file": upload}, format="multipart"
    )
    assert answer.status_code == 403


def test_the_analysis_paths_are_in_the_schema(as_role):
    schema = as_role("viewer").get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in ("matrix/", "matrix/file/", "criteria/", "questions/{id}/"):
        assert f"/api/v1/evaluations/{{evaluation_slug}}/analysis/{path}" in paths
