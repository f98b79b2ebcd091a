"""The schema documents every status an operation can answer, with the one error shape
(common.api_schema), and says what query parameters accept (an empty one is one left out)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db

PROBLEM = {"$ref": "#/components/schemas/Problem"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/schema/")
    return yaml.safe_load(response.content)


def _operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return schema["paths"][path][method]


def _problem_codes(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        code: answer["content"]["application/json"]["schema"]
        for code, answer in operation["responses"].items()
        if code >= "400"
    }


def test_every_operation_documents_503_and_every_error_has_a_body(schema) -> None:
    operations = [
        (path, method, op)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    assert len(operations) > 100
    for path, method, op in operations:
        responses = op["responses"]
        assert "503" in responses, (method, path)
        assert "Retry-After" in responses["503"]["headers"]
        for code, answer in responses.items():
            if code >= "400":
                assert "application/json" in answer.get("content", {}), (method, path, code)


def test_a_scoped_write_documents_what_it_can_answer(schema) -> None:
    op = _operation(schema, "/api/v1/evaluations/{evaluation_slug}/distributions/{id}/", "patch")
    codes = _problem_codes(op)
    assert set(codes) == {"400", "401", "403", "404", "409", "415", "503"}
    assert codes["404"] == PROBLEM and codes["400"] == PROBLEM


def test_anyone_may_ask_for_a_token_so_no_401_but_a_429(schema) -> None:
    codes = _problem_codes(_operation(schema, "/api/v1/auth/token/", "post"))
    assert set(codes) == {"400", "415", "429", "503"}


def test_a_read_without_input_documents_no_400(schema) -> None:
    codes = _problem_codes(_operation(schema, "/api/v1/evaluations/{slug}/", "get"))
    assert set(codes) == {"401", "403", "404", "503"}


def test_optional_query_parameters_may_be_empty_and_booleans_are_booleans(schema) -> None:
    op = _operation(schema, "/api/v1/evaluations/{evaluation_slug}/interviews-export/", "get")
    [withhold] = [p for p in op["parameters"] if p["name"] == "withhold_names"]
    assert withhold["schema"]["type"] == "boolean" and withhold["allowEmptyValue"] is True


def test_what_the_schema_says_of_parameters_is_what_the_api_does(as_role, evaluation) -> None:
    lead = as_role("lead")
    export = f"/api/v1/evaluations/{evaluation.slug}/interviews-export/"
    refused = lead.get(export + "?withhold_names=null")
    assert refused.status_code == 400 and list(refused.json()["errors"]) == ["withhold_names"]
    assert lead.get(export + "?withhold_names=").status_code == 200
    assert lead.get(export + "?withhold_names=true").status_code == 200
    rates = f"/api/v1/evaluations/{evaluation.slug}/reports/rates/"
    assert lead.get(rates + "?by=").json() == lead.get(rates).json()
    assert lead.get("/api/v1/registry/countries/?region=&page=").status_code == 200


def test_answers_withheld_from_a_role_are_null_in_the_schema_too(schema) -> None:
    """Found by the contract run: a viewer's responses carry `answers: null`."""
    answers = schema["components"]["schemas"]["Response"]["properties"]["answers"]
    assert answers["nullable"] is True
