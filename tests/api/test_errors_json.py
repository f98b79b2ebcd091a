"""Everything under /api/ answers JSON in the one error shape {"detail", "errors"}: a 404 from
the URL routing (an id that is not a number included), 405, 401, a failure inside or outside
DRF's views (500) and a database that cannot be reached (503). Pages keep their HTML.

This module is also the URL configuration of the tests marked `pytest.mark.urls` below: the
site's addresses plus views that fail, and the site's error handlers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from common.problems import DATABASE_DOWN, NOT_FOUND, SERVER_ERROR
from evaluations.api import EvaluationViewSet
from survey_site import urls as site

pytestmark = pytest.mark.django_db

handler400 = site.handler400
handler404 = site.handler404
handler500 = site.handler500


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("an unexpected failure, outside DRF's views")


def _database_down(request: HttpRequest) -> HttpResponse:
    raise OperationalError('connection to server at "127.0.0.1", port 1 failed')


urlpatterns = [
    path("api/v1/test-fails/", _fails),
    path("api/v1/test-database-down/", _database_down),
    path("test-fails/", _fails),
    *site.urlpatterns,
]

FAILING_URLS = pytest.mark.urls(__name__)


def _problem(response: Any, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert "Traceback" not in response.content.decode()
    return body


@pytest.mark.parametrize(
    "url",
    ["/api/v1/no-such-thing/", "/api/v1/evaluations/a/b/c/d/e/", "/api/nothing/", "/api/"],
)
def test_a_routing_404_under_the_api_is_json(url: str) -> None:
    body = _problem(Client().get(url), 404)
    assert body == {"detail": NOT_FOUND, "errors": {}}


def test_a_routing_404_outside_the_api_is_the_page_as_before() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Not found</h1>" in response.content.decode()


def test_405_and_401_are_json_in_the_shape(as_role, evaluation) -> None:
    anonymous = Client().get("/api/v1/evaluations/")
    assert _problem(anonymous, 401 if "WWW-Authenticate" in anonymous else 403)["errors"] == {}
    refused = as_role("lead").delete("/api/v1/evaluations/")
    assert _problem(refused, 405) == {"detail": 'Method "DELETE" not allowed.', "errors": {}}
    detail = f"/api/v1/evaluations/{evaluation.slug}/"
    assert _problem(as_role("lead").post(detail, {}), 405)["errors"] == {}


@pytest.mark.parametrize(
    ("method", "tail"),
    [
        ("get", "distributions/abc/messages/"),
        ("patch", "distributions/null,null/"),
        ("post", "distributions/null,null/audience/"),
        ("post", "distributions/null,null/send/"),
        ("post", "distributions/1.5/remind/"),
        ("get", "distributions/%00/"),
        ("get", "distributions/{pk}/invitations/abc/"),
        ("get", "distributions/{pk}/responses/abc/"),
        ("get", "distributions/{pk}/responses/%00/"),
        ("get", "members/null/"),
        ("get", "interviews/abc/"),
        ("get", "instruments/{key}/versions/one/"),
        ("get", "reports/layouts/abc/"),
        ("get", "reports/exports/abc/"),
        ("get", "interview-imports/abc/"),
    ],
)
def test_an_id_that_is_not_a_number_is_a_json_404(
    as_role, evaluation, make_distribution, method: str, tail: str
) -> None:
    distribution = make_distribution()
    tail = tail.format(pk=distribution.pk, key=distribution.version.instrument.key)
    url = f"/api/v1/evaluations/{evaluation.slug}/{tail}"
    response = getattr(as_role("lead"), method)(url, {}, format="json")
    assert _problem(response, 404) == {"detail": NOT_FOUND, "errors": {}}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/registry/people/abc/",
        "/api/v1/registry/people/null/candidates/",
        "/api/v1/registry/organisations/x/",
        "/api/v1/registry/merges/abc/undo/",
        "/api/v1/registry/imports/abc/",
        "/api/v1/registry/people/abc/history/",
    ],
)
def test_a_registry_id_that_is_not_a_number_is_a_json_404(as_role, url: str) -> None:
    assert _problem(as_role("lead").get(url), 404)["detail"] == NOT_FOUND


def test_the_numeric_routes_still_answer(as_role, evaluation, make_distribution) -> None:
    distribution = make_distribution()
    base = f"/api/v1/evaluations/{evaluation.slug}"
    assert as_role("lead").get(f"{base}/distributions/{distribution.pk}/").status_code == 200
    instrument = f"{base}/instruments/{distribution.version.instrument.key}"
    assert as_role("lead").get(f"{instrument}/").status_code == 200
    assert as_role("lead").get(f"{instrument}/versions/1/").status_code == 200
    missing = as_role("lead").get(f"{base}/distributions/{distribution.pk + 1000}/")
    assert _problem(missing, 404)["errors"] == {}


def test_a_response_page_with_a_bad_id_is_the_html_404(
    client, team, evaluation, make_distribution
) -> None:
    distribution = make_distribution()
    client.force_login(team["lead"].user)
    base = f"/evaluations/{evaluation.slug}/distributions/{distribution.pk}/responses"
    for tail in ("abc/", "%00/", "%00/file/"):
        response = client.get(f"{base}/{tail}")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def test_a_failure_inside_an_api_view_is_a_json_500(as_role, monkeypatch) -> None:
    def fails(self, request, *args, **kwargs):
        raise RuntimeError("an unexpected failure in a view")

    monkeypatch.setattr(EvaluationViewSet, "list", fails)
    api = as_role("lead")
    api.raise_request_exception = False
    body = _problem(api.get("/api/v1/evaluations/"), 500)
    assert body == {"detail": SERVER_ERROR, "errors": {}}


@FAILING_URLS
def test_a_failure_outside_drf_under_the_api_is_a_json_500(settings) -> None:
    assert settings.DEBUG is False
    response = Client(raise_request_exception=False).get("/api/v1/test-fails/")
    assert _problem(response, 500) == {"detail": SERVER_ERROR, "errors": {}}


@FAILING_URLS
def test_a_database_outage_outside_drf_under_the_api_is_a_json_503() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/test-database-down/")
    assert _problem(response, 503) == {"detail": DATABASE_DOWN, "errors": {}}
    assert response["Retry-After"] == "30"


@FAILING_URLS
def test_a_failure_outside_the_api_is_the_500_page_as_before() -> None:
    response = Client(raise_request_exception=False).get("/test-fails/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong on our side" in response.content.decode()


@FAILING_URLS
def test_the_site_still_routes_with_the_failing_urls(as_role) -> None:
    assert as_role("lead").get("/api/v1/evaluations/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/no-such-thing/",
        "/api/v1/evaluations/a/b/c/d/e/",
        "/api/v1/registry/merges/%C2%B1%0A%C3%85/undo/",  # a newline in it (found by the fuzzer)
    ],
)
def test_with_debug_on_a_routing_404_under_the_api_is_json_too(settings, url: str) -> None:
    """`make run` serves with DEBUG on, where Django answers its HTML page listing the routes
    instead of calling handler404."""
    settings.DEBUG = True
    body = _problem(Client().get(url), 404)
    assert body == {"detail": NOT_FOUND, "errors": {}}
    # An address given without its slash is still redirected to the one with it.
    assert Client().get("/api/v1/evaluations").status_code == 301


def test_a_page_that_is_not_a_number_is_a_400_naming_it(as_role, evaluation) -> None:
    url = f"/api/v1/evaluations/{evaluation.slug}/distributions/"
    body = _problem(as_role("lead").get(url + "?page=null"), 400)
    assert list(body["errors"]) == ["page"]
    assert _problem(as_role("lead").get(url + "?page=0"), 400)["errors"]["page"]
    assert _problem(as_role("lead").get(url + "?page=99"), 404)["errors"] == {}
    assert as_role("lead").get(url + "?page=").status_code == 200
    assert as_role("lead").get(url + "?page=1").status_code == 200


def test_a_post_to_an_address_that_does_not_exist_is_a_404_not_a_csrf_refusal() -> None:
    client = Client(enforce_csrf_checks=True)
    body = _problem(client.post("/api/v1/registry/merges/%C2%9C/undo/"), 404)
    assert body == {"detail": NOT_FOUND, "errors": {}}
