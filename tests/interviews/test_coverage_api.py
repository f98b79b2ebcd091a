"""The coverage plan through the API: cells with planned vs reached; setting many cells at
once, all or nothing; who may read and write."""

from __future__ import annotations

import pytest

from interviews.models import CoverageTarget
from tests.interviews.test_coverage_pages import plan  # noqa: F401 (the shared plan fixture)

pytestmark = pytest.mark.django_db


def url(evaluation) -> str:
    return f"/api/v1/evaluations/{evaluation.slug}/coverage/"


def _planned(evaluation) -> set[tuple[str, str, str, int]]:
    return {
        (t.stakeholder_group.code, (t.country or t.region).name, t.method, t.planned)
        for t in CoverageTarget.objects.filter(evaluation=evaluation)
    }


def test_get_lists_cells_with_reached_and_gap(api_client, evaluation, team, plan) -> None:  # noqa: F811
    api_client.force_authenticate(team["viewer"].user)

    response = api_client.get(url(evaluation))

    assert response.status_code == 200
    cells = {
        (
            c["stakeholder_group"]["code"],
            (c["country"] or {}).get("code") or c["region"]["name"],
            c["method"],
        ): (c["planned"], c["reached"], c["gap"])
        for c in response.json()
    }
    assert cells == {
        ("government", "VN", "interview"): (3, 1, 2),
        ("government", "TH", "interview"): (1, 1, 0),
        ("government", "Asia and the Pacific", "interview"): (5, 2, 3),
        ("workers", "VN", "interview"): (2, 1, 1),
        ("government", "VN", "focus_group"): (1, 1, 0),
        ("workers", "KE", "questionnaire"): (2, 0, 2),
    }
    region_cell = next(c for c in response.json() if c["region"])
    assert region_cell["country"] is None
    assert region_cell["region"] == {"id": plan.pk, "name": "Asia and the Pacific"}
    assert region_cell["stakeholder_group"] == {"code": "government", "name": "Government"}


@pytest.mark.parametrize("verb", ["put", "post"])
def test_write_sets_every_cell(api_client, evaluation, team, plan, verb) -> None:  # noqa: F811
    api_client.force_authenticate(team["evaluator"].user)

    response = getattr(api_client, verb)(
        url(evaluation),
        [
            {
                "stakeholder_group": "government",
                "country": "vn",
                "method": "interview",
                "planned": 6,
            },
            {
                "stakeholder_group": "government",
                "country": "TH",
                "method": "interview",
                "planned": 0,
            },
            {
                "stakeholder_group": "employers",
                "region": plan.pk,
                "method": "field_visit",
                "planned": 2,
            },
            {
                "stakeholder_group": "Workers",
                "region": "Africa",
                "method": "questionnaire",
                "planned": 3,
            },
        ],
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert _planned(evaluation) == {
        ("government", "Viet Nam", "interview", 6),
        ("government", "Asia and the Pacific", "interview", 5),
        ("workers", "Viet Nam", "interview", 2),
        ("government", "Viet Nam", "focus_group", 1),
        ("workers", "Kenya", "questionnaire", 2),
        ("employers", "Asia and the Pacific", "field_visit", 2),
        ("workers", "Africa", "questionnaire", 3),
    }
    # The answer is the plan as it now stands.
    assert len(response.json()) == 7
    vn = next(
        c
        for c in response.json()
        if (c["country"] or {}).get("code") == "VN"
        and (c["method"], c["stakeholder_group"]["code"]) == ("interview", "government")
    )
    assert (vn["planned"], vn["reached"], vn["gap"]) == (6, 1, 5)


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        ({"country": "XX"}, "1.country", "“XX” is not a known country code or name."),
        ({"stakeholder_group": "pirates"}, "1.stakeholder_group", "“pirates” is not a known"),
        ({"planned": -1}, "1.planned", "greater than or equal to 0"),
        ({"planned": "many"}, "1.planned", "A valid integer is required."),
        ({"method": "carrier pigeon"}, "1.method", "is not a valid choice"),
        ({"region": "Atlantis", "country": None}, "1.region", "“Atlantis” is not a known region"),
        ({"region": "Africa"}, "1.country", "Give a country or a region (one of the two)."),
    ],
)
def test_a_bad_cell_saves_nothing_and_is_named(
    api_client,
    evaluation,
    team,
    plan,  # noqa: F811
    bad,
    field,
    message,
) -> None:
    api_client.force_authenticate(team["lead"].user)
    before = _planned(evaluation)
    good = {"stakeholder_group": "government", "country": "VN", "method": "interview",
            "planned": 9}  # fmt: skip
    second = {"stakeholder_group": "workers", "country": "KE", "method": "interview",
              "planned": 4, **bad}  # fmt: skip

    response = api_client.put(url(evaluation), [good, second], format="json")

    assert response.status_code == 400
    body = response.json()
    assert list(body["errors"]) == [field]
    assert message in body["errors"][field][0]
    assert _planned(evaluation) == before


def test_a_repeated_cell_is_refused(api_client, evaluation, team, plan) -> None:  # noqa: F811
    api_client.force_authenticate(team["lead"].user)
    cell = {"stakeholder_group": "government", "country": "VN", "method": "interview"}
    response = api_client.post(
        url(evaluation), [{**cell, "planned": 4}, {**cell, "planned": 5}], format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "1": ["Cell 1 repeats cell 0 (same group, place and method)."]
    }
    assert ("government", "Viet Nam", "interview", 3) in _planned(evaluation)


def test_an_empty_list_is_refused(api_client, evaluation, team) -> None:
    api_client.force_authenticate(team["lead"].user)
    response = api_client.put(url(evaluation), [], format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize("role", ["viewer", "data_entry"])
def test_only_lead_and_evaluators_write(api_client, evaluation, team, plan, role) -> None:  # noqa: F811
    api_client.force_authenticate(team[role].user)
    before = _planned(evaluation)
    assert api_client.get(url(evaluation)).status_code == 200
    response = api_client.put(
        url(evaluation),
        [
            {
                "stakeholder_group": "government",
                "country": "VN",
                "method": "interview",
                "planned": 9,
            }
        ],
        format="json",
    )
    assert response.status_code == 403
    assert "coverage plan" in response.json()["detail"]
    assert _planned(evaluation) == before


def test_outsiders_get_404(api_client, evaluation, outsider, plan) -> None:  # noqa: F811
    api_client.force_authenticate(outsider)
    assert api_client.get(url(evaluation)).status_code == 404
    response = api_client.post(url(evaluation), [], format="json")
    assert response.status_code == 404
    api_client.force_authenticate(None)
    response = api_client.get(url(evaluation))
    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided.",
        "errors": {},
    }
