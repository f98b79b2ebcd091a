"""The registry API: the same permissions and rules as the pages, with status and body."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from evaluations.permissions import SYSTEM
from stakeholders import services
from stakeholders.models import (
    Affiliation,
    Country,
    Organisation,
    Person,
    PersonMerge,
    StakeholderGroup,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/registry/"
VIEW_REFUSED = "The stakeholder registry is open to evaluation team members only."
CHANGE_REFUSED = "Only lead evaluators and evaluators can change the stakeholder registry."


def add_person(name: str, **kwargs: object) -> Person:
    return services.person_create(by=SYSTEM, name=name, **kwargs)


@pytest.fixture
def people(db):
    vn = Country.objects.get(code="VN")
    ministry = services.organisation_create(
        by=SYSTEM, name="Ministry of Labour", acronym="MOLISA", country=vn
    )
    jose = add_person("José García-López", emails=["jgl@example.org"], tags=["focal point"])
    services.affiliation_add(
        person=jose,
        organisation=ministry,
        job_title="Director",
        stakeholder_group=StakeholderGroup.objects.get(code="government"),
        start=dt.date(2020, 1, 1),
    )
    anna = add_person("Anna Beispiel", aliases=["A. Beispiel"])
    biespiel = add_person("Anna Biespiel", emails=["biespiel@example.org"])
    return {"jose": jose, "anna": anna, "biespiel": biespiel, "ministry": ministry}


def test_schema_lists_the_registry_and_validates(tmp_path) -> None:
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/v1/registry/people/{id}/candidates/",
        "/api/v1/registry/organisations/{id}/",
        "/api/v1/registry/offices/",
        "/api/v1/registry/countries/{code}/",
        "/api/v1/registry/groups/{id}/",
        "/api/v1/registry/merges/{id}/undo/",
    ):
        assert path in schema


def test_outsiders_and_viewers_get_403_with_the_reason(api_client, team, outsider, people):
    for user in (outsider, team["viewer"].user):
        api_client.force_authenticate(user)
        for url in ("people/", f"people/{people['anna'].pk}/", "countries/", "merges/"):
            response = api_client.get(BASE + url)
            assert response.status_code == 403, url
            assert response.json() == {"detail": VIEW_REFUSED, "errors": {}}
    api_client.force_authenticate(None)
    assert api_client.get(BASE + "people/").status_code == 401


def test_data_entry_reads_but_cannot_write(as_role, people) -> None:
    client = as_role("data_entry")
    assert client.get(BASE + "people/").status_code == 200
    for method, url, body in (
        ("post", "people/", {"name": "New Person"}),
        ("patch", f"people/{people['anna'].pk}/", {"name": "Changed"}),
        ("post", "groups/", {"name": "New group"}),
        ("patch", "countries/VN/", {"aliases": ["Vietnam"]}),
        ("post", "merges/", {"kept": people["anna"].pk, "merged": people["biespiel"].pk}),
    ):
        response = getattr(client, method)(BASE + url, body, format="json")
        assert response.status_code == 403, url
        assert response.json() == {"detail": CHANGE_REFUSED, "errors": {}}
    assert Person.objects.count() == 3 and not PersonMerge.objects.exists()
    assert Person.objects.get(pk=people["anna"].pk).display_name == "Anna Beispiel"


def test_people_list_searches_and_filters(as_role, people) -> None:
    client = as_role("evaluator")
    body = client.get(BASE + "people/", {"q": "garcia lopez"}).json()
    assert body["count"] == 1
    [jose] = body["results"]
    assert (jose["name"], jose["emails"], jose["tags"]) == (
        "José García-López",
        ["jgl@example.org"],
        ["focal point"],
    )
    assert jose["affiliations"][0]["organisation"]["name"] == "Ministry of Labour"
    by_alias = client.get(BASE + "people/", {"q": "A. Beispiel"}).json()
    assert [p["name"] for p in by_alias["results"]] == ["Anna Beispiel"]
    filtered = client.get(BASE + "people/", {"country": "VN", "group": "government"}).json()
    assert [p["name"] for p in filtered["results"]] == ["José García-López"]
    everyone = client.get(BASE + "people/").json()
    assert [p["name"] for p in everyone["results"]] == [
        "Anna Beispiel",
        "Anna Biespiel",
        "José García-López",
    ]


def test_people_list_refuses_an_unknown_code(as_role, people) -> None:
    response = as_role("lead").get(BASE + "people/", {"country": "ZZ"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"country": ["Object with code=ZZ does not exist."]}


def test_person_retrieve_with_affiliations_and_aliases(as_role, people) -> None:
    body = as_role("data_entry").get(BASE + f"people/{people['jose'].pk}/").json()
    assert body["affiliations"] == [
        {
            "id": Affiliation.objects.get(person=people["jose"]).pk,
            "organisation": {"id": people["ministry"].pk, "name": "Ministry of Labour"},
            "unit": "",
            "job_title": "Director",
            "office": None,
            "country": "VN",
            "stakeholder_group": "government",
            "start": "2020-01-01",
            "end": None,
            "revision": 1,
        }
    ]
    anna = as_role("data_entry").get(BASE + f"people/{people['anna'].pk}/").json()
    assert anna["aliases"] == [{"name": "A. Beispiel", "source": "import"}]
    assert anna["merged_into"] is None


def test_person_create_and_update(as_role, people) -> None:
    client = as_role("evaluator")
    response = client.post(
        BASE + "people/",
        {
            "name": "Dr. Maria Muster",
            "emails": ["maria@example.org"],
            "tags": ["donor contact"],
            "aliases": ["Maria Mustermann"],
            "language": "es",
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["honorific"], body["given_name"], body["family_name"]) == (
        "Maria Muster",
        "Dr.",
        "Maria",
        "Muster",
    )
    assert body["aliases"] == [{"name": "Maria Mustermann", "source": "manual"}]
    url = BASE + f"people/{body['id']}/"
    response = client.patch(url, {"name": "Maria Muster-Beispiel", "sex": "f"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["family_name"], body["sex"]) == (
        "Maria Muster-Beispiel",
        "Muster-Beispiel",
        "f",
    )
    assert body["emails"] == ["maria@example.org"] and body["tags"] == ["donor contact"]
    response = client.patch(url, {"emails": ["not an address"]}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“not an address” is not a valid e-mail address.",
        "errors": {"emails": ["“not an address” is not a valid e-mail address."]},
    }
    assert Person.objects.get(pk=body["id"]).emails == ["maria@example.org"]
    response = client.put(url, {"emails": []}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["This field is required."]}


def test_candidates_are_proposed_never_merged(as_role, team, people) -> None:
    response = as_role("data_entry").get(BASE + f"people/{people['anna'].pk}/candidates/")
    assert response.status_code == 200
    [candidate] = response.json()
    assert candidate["id"] == people["biespiel"].pk and candidate["name"] == "Anna Biespiel"
    assert 85 <= candidate["score"] < 100
    assert candidate["emails"] == ["biespiel@example.org"]
    assert not PersonMerge.objects.exists()
    services.not_duplicate_add(
        by=team["lead"].user, first=people["anna"], second=people["biespiel"]
    )
    response = as_role("data_entry").get(BASE + f"people/{people['anna'].pk}/candidates/")
    assert response.json() == []


def test_organisations_and_offices(as_role, people) -> None:
    client = as_role("lead")
    response = client.post(
        BASE + "organisations/",
        {"name": "ministry of labour", "country": "VN", "kind": "government"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "name": ["“ministry of labour” is already in the registry."]
    }
    response = client.post(
        BASE + "organisations/",
        {
            "name": "Department of Employment",
            "country": "VN",
            "parent": people["ministry"].pk,
            "stakeholder_group": "government",
            "aliases": ["DoE"],
        },
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert {k: created[k] for k in ("name", "kind", "country", "parent", "aliases", "people")} == {
        "name": "Department of Employment",
        "kind": "other",
        "country": "VN",
        "parent": people["ministry"].pk,
        "aliases": ["DoE"],
        "people": 0,
    }
    response = client.patch(
        BASE + f"organisations/{created['id']}/", {"kind": "government"}, format="json"
    )
    assert response.status_code == 200 and response.json()["kind"] == "government"
    assert Organisation.objects.get(pk=created["id"]).parent == people["ministry"]
    listed = client.get(BASE + "organisations/", {"q": "MOLISA"}).json()
    assert [(o["name"], o["people"]) for o in listed["results"]] == [("Ministry of Labour", 1)]

    response = client.post(
        BASE + "offices/", {"name": "CO-Hanoi", "type": "country", "country": "VN"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["region"] == "asia-pacific"
    response = client.post(BASE + "offices/", {"name": "co-hanoi", "type": "country"})
    assert response.status_code == 400
    assert response.json()["detail"] == "There is already an office “co-hanoi”."


def test_countries_update_region_and_aliases(as_role) -> None:
    client = as_role("evaluator")
    listed = client.get(BASE + "countries/", {"region": "arab-states"}).json()
    assert listed["count"] == Country.objects.filter(region__code="arab-states").count() > 5
    assert client.get(BASE + "countries/vn/").json()["name"] == "Viet Nam"
    response = client.patch(
        BASE + "countries/VN/", {"region": "africa", "aliases": ["Vietnam"]}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["region"], response.json()["aliases"]) == ("africa", ["Vietnam"])
    response = client.patch(BASE + "countries/VN/", {"name": "Renamed"}, format="json")
    assert Country.objects.get(code="VN").name == "Viet Nam"
    response = client.patch(BASE + "countries/VN/", {"aliases": ["Kenya"]}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "“Kenya” already names Kenya."
    assert Country.objects.get(code="VN").aliases == ["Vietnam"]


def test_groups_crud_and_no_delete_when_used(as_role, people) -> None:
    client = as_role("lead")
    response = client.post(BASE + "groups/", {"name": "Parliamentarians"}, format="json")
    assert response.status_code == 201
    group = response.json()
    assert (group["code"], group["order"], group["active"]) == ("parliamentarians", 10, True)
    url = BASE + f"groups/{group['id']}/"
    response = client.patch(url, {"name": "MPs", "active": False}, format="json")
    assert (response.json()["name"], response.json()["active"]) == ("MPs", False)
    assert client.delete(url).status_code == 204
    government = StakeholderGroup.objects.get(code="government")
    response = client.delete(BASE + f"groups/{government.pk}/")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "“Government” is used by 0 organisation(s) and 1 affiliation(s): it cannot be deleted. "
        "Deactivate it instead."
    )
    assert StakeholderGroup.objects.filter(pk=government.pk).exists()


def test_merge_create_list_and_undo(as_role, people, team) -> None:
    client = as_role("evaluator")
    anna, biespiel = people["anna"], people["biespiel"]
    response = client.post(
        BASE + "merges/", {"kept": anna.pk, "merged": biespiel.pk, "score": 92.3}, format="json"
    )
    assert response.status_code == 201
    merge = response.json()
    assert (merge["kept_name"], merge["merged_name"], merge["score"], merge["by"]) == (
        "Anna Beispiel",
        "Anna Biespiel",
        92.3,
        team["evaluator"].user.email,
    )
    assert merge["moved"]["emails"] == ["biespiel@example.org"]
    merged = client.get(BASE + f"people/{biespiel.pk}/").json()
    assert merged["merged_into"] == anna.pk
    assert [p["id"] for p in client.get(BASE + "people/", {"q": "biespiel"}).json()["results"]] == [
        anna.pk
    ]
    listed = client.get(BASE + "merges/", {"person": biespiel.pk}).json()
    assert [m["id"] for m in listed["results"]] == [merge["id"]]

    response = client.post(BASE + "merges/", {"kept": anna.pk, "merged": anna.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "A person cannot be merged into themselves."

    response = client.post(BASE + f"merges/{merge['id']}/undo/")
    assert (
        response.status_code == 200 and response.json()["undone_by"] == team["evaluator"].user.email
    )
    assert Person.objects.get(pk=biespiel.pk).merged_into is None
    assert Person.objects.get(pk=anna.pk).emails == []
    response = client.post(BASE + f"merges/{merge['id']}/undo/")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("This merge was already undone on ")
