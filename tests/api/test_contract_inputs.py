"""Inputs the API contract refuses or documents: a NUL in any filter is a 400 naming it, the
role is checked before the filters, the text "null" for a nullable field says how to send an
empty value, and data that was outside the schema (a blank sex, a respondent's step) is in it."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from evaluations.permissions import SYSTEM
from interviews.models import Interview
from questionnaires.services.invitations import invitation_opened
from stakeholders import services
from stakeholders.models import Organisation
from tests.interviews.builders import log, person

pytestmark = pytest.mark.django_db

NUL_REFUSED = (
    "Not valid text: it holds a NUL character (%00), which cannot be searched for or stored. "
    "Leave it out."
)
NULL_TEXT = (
    "The text “null” is not a value here. To leave it empty, send JSON null "
    "(Content-Type: application/json) or leave the field out."
)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/registry/people/?group=%00", "group"),
        ("/api/v1/registry/people/?tag=a%00b", "tag"),
        ("/api/v1/registry/people/?region=%00", "region"),
        ("/api/v1/registry/people/?country=V%00", "country"),
        ("/api/v1/registry/people/?q=%00", "q"),
        ("/api/v1/registry/organisations/?country=%00", "country"),
        ("/api/v1/registry/organisations/?group=%00", "group"),
        ("/api/v1/registry/countries/?region=%00", "region"),
        ("/api/v1/registry/merges/?person=%00", "person"),
    ],
)
def test_a_nul_in_a_registry_filter_is_a_400_naming_it(as_role, url, parameter) -> None:
    response = as_role("lead").get(url)
    assert response.status_code == 400, response.content
    assert response.json() == {
        "detail": f"{parameter}: {NUL_REFUSED}",
        "errors": {parameter: [NUL_REFUSED]},
    }


def test_a_nul_in_the_log_history_and_report_filters_is_a_400(as_role, evaluation) -> None:
    client = as_role("lead")
    base = f"/api/v1/evaluations/{evaluation.slug}/"
    for url, parameter in (
        ("interviews/?grouping=%00", "grouping"),
        ("interviews/counts/?interviewer=%00", "interviewer"),
        ("history/?member=%00", "member"),
        ("reports/annex/?by=%00", "by"),
        ("reports/rates/?by=%00", "by"),
    ):
        response = client.get(base + url)
        assert response.status_code == 400, (url, response.content)
        assert response.json()["errors"] == {parameter: [NUL_REFUSED]}, url


def test_the_role_is_checked_before_the_log_filters(as_role, evaluation) -> None:
    viewer = as_role("viewer")
    base = f"/api/v1/evaluations/{evaluation.slug}/interviews/"
    refused = "Your role does not include the interview log."
    for query in ("", "?category=0", "?region=x", "?mode=nonsense", "?grouping=%00"):
        for url in (base + query, base + "counts/" + query):
            response = viewer.get(url)
            assert response.status_code == 403, (url, response.content)
            assert response.json()["detail"] == refused


def test_the_role_is_checked_before_an_exclusion_is_read(as_role, evaluation) -> None:
    anna = person("Anna Beispiel", organisation="Ministry of Labour", country_code="VN")
    interview = log(evaluation, anna)
    url = f"/api/v1/evaluations/{evaluation.slug}/interviews/{interview.pk}/exclude/"
    response = as_role("data_entry").post(url, {}, format="json")
    assert response.status_code == 403, response.content
    assert "exclude interviews" in response.json()["detail"]
    assert not Interview.objects.get(pk=interview.pk).excluded


def test_the_role_is_checked_before_the_open_answers_query(as_role, evaluation) -> None:
    url = f"/api/v1/evaluations/{evaluation.slug}/reports/open-answers/?distribution=abc"
    response = as_role("viewer").get(url)
    assert response.status_code == 403, response.content


def test_the_text_null_in_a_form_body_says_how_to_send_an_empty_value(as_role) -> None:
    client = as_role("lead")
    created = client.post(
        "/api/v1/registry/organisations/", {"name": "Trade Union Centre", "country": "null"}
    )
    assert created.status_code == 400, created.content
    assert created.json()["errors"] == {"country": [NULL_TEXT]}
    parent = client.post(
        "/api/v1/registry/organisations/",
        {"name": "Trade Union Centre", "parent": "null"},
        format="multipart",
    )
    assert parent.status_code == 400, parent.content
    assert parent.json()["errors"] == {"parent": [NULL_TEXT]}
    assert not Organisation.objects.filter(name="Trade Union Centre").exists()
    # The documented ways: JSON null, or the field left out.
    as_json = {"name": "Trade Union Centre", "country": None, "parent": None}
    assert client.post("/api/v1/registry/organisations/", as_json, format="json").status_code == 201
    left_out = client.post("/api/v1/registry/organisations/", {"name": "Employers Federation"})
    assert left_out.status_code == 201, left_out.content


@pytest.mark.parametrize("format_", ["multipart", "json"])
def test_a_nul_in_a_body_is_a_400_naming_the_field_before_any_lookup(as_role, format_) -> None:
    """Found by the contract run on PostgreSQL: a NUL in a code looked up (`country`) was a
    500 (DataError), as in a JSON object's keys and values (attributes)."""
    client = as_role("lead")
    url = "/api/v1/registry/organisations/"
    refused = client.post(url, {"name": "Union", "country": "K\x00E"}, format=format_)
    assert refused.status_code == 400, refused.content
    assert refused.json()["errors"] == {"country": [NUL_REFUSED]}
    assert not Organisation.objects.filter(name="Union").exists()


def test_a_nul_in_json_is_refused_naming_where_it_is(as_role) -> None:
    url = "/api/v1/registry/people/"
    for body, where in [
        ({"name": "A", "aliases": ["B", "C\x00"]}, "aliases.1"),
        ({"name": "A", "extra": {"k\x00": 1}}, "extra"),
    ]:
        refused = as_role("lead").post(url, body, format="json")
        assert refused.status_code == 400 and refused.json()["errors"] == {where: [NUL_REFUSED]}


def test_a_blank_sex_and_a_respondents_step_are_in_the_schema(
    tmp_path, as_role, make_distribution, invite
) -> None:
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(target))
    schemas = json.loads(target.read_text())["components"]["schemas"]
    sex = schemas["Person"]["properties"]["sex"]
    allowed = {v for ref in sex["oneOf"] for v in schemas[ref["$ref"].split("/")[-1]]["enum"]}
    assert allowed == {"f", "m", "x", ""}
    assert schemas["InvitationEvent"]["properties"]["by"]["nullable"] is True

    client = as_role("lead")
    someone = services.person_create(by=SYSTEM, name="Sam Nobody")
    body = client.get(f"/api/v1/registry/people/{someone.pk}/").json()
    assert body["sex"] == ""

    distribution = make_distribution()
    invitation = invite(distribution)
    invitation_opened(invitation)
    url = (
        f"/api/v1/evaluations/{distribution.evaluation.slug}/distributions/{distribution.pk}/"
        f"invitations/{invitation.pk}/"
    )
    history = client.get(url).json()["history"]
    assert [h["status"] for h in history][-1] == "opened"
    assert history[-1]["by"] is None


def test_every_view_reads_bodies_through_the_checking_parsers() -> None:
    """DRF's own parsers let a NUL reach a lookup (a 500 on PostgreSQL): views name ours."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and path.name != "api_input.py"
        and "from rest_framework.parsers import" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
