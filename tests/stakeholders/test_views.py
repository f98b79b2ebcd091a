"""The registry pages and their selectors: search, filters, a person's page, editing,
possible duplicates and merges, reference lists; who may see and who may change them."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from evaluations.permissions import SYSTEM
from questionnaires.services import distribution_create, instrument_load, invitation_create
from stakeholders import services
from stakeholders.models import (
    Affiliation,
    Country,
    NotDuplicate,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    Region,
    StakeholderGroup,
)
from stakeholders.selectors import duplicate_pairs, people_search
from tests.conftest import STAFF_FILE
from tests.factories import EvaluationFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_person(name: str, **kwargs: object) -> Person:
    return services.person_create(by=SYSTEM, name=name, **kwargs)


def names(people) -> list[str]:
    return sorted(p.display_name for p in people)


def text(response) -> str:
    """The page's text without tags and with spaces collapsed, for phrases split by markup."""
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split()))


@pytest.fixture
def registry(db):
    """Three people in three places, with organisations, offices, groups and tags."""
    vn, ke = Country.objects.get(code="VN"), Country.objects.get(code="KE")
    group = StakeholderGroup.objects.get
    ministry = services.organisation_create(
        by=SYSTEM, name="Ministry of Labour", acronym="MOLISA", country=vn
    )
    union = services.organisation_create(
        by=SYSTEM,
        name="Central Organisation of Trade Unions",
        country=ke,
        stakeholder_group=group(code="workers"),
    )
    hanoi = services.office_create(by=SYSTEM, name="CO-Hanoi", type="country", country=vn)
    jose = add_person("Mr. José GARCÍA-LÓPEZ", emails=["jgl@example.org"], tags=["focal point"])
    services.affiliation_add(
        person=jose,
        organisation=ministry,
        office=hanoi,
        job_title="Director",
        stakeholder_group=group(code="government"),
        start=dt.date(2020, 1, 1),
    )
    anna = add_person("Anna Beispiel", aliases=["Anna Biespiel"])
    services.affiliation_add(person=anna, organisation=union, job_title="Economist")
    peter = add_person("Peter Example")
    services.affiliation_add(
        person=peter, organisation=ministry, end=dt.date(2015, 12, 31), job_title="Adviser"
    )
    return {
        "jose": jose,
        "anna": anna,
        "peter": peter,
        "ministry": ministry,
        "union": union,
        "hanoi": hanoi,
    }


# --- search ----------------------------------------------------------------------------------


def test_search_ignores_accents_punctuation_case_and_word_order(registry, team) -> None:
    user = team["data_entry"].user
    for typed in ("Garcia Lopez", "garcía-lópez", "LOPEZ, Jose", "jose garc"):
        assert names(people_search(user=user, q=typed)) == ["José GARCÍA-LÓPEZ"], typed
    assert names(people_search(user=user, q="jgl@example.org")) == ["José GARCÍA-LÓPEZ"]
    assert names(people_search(user=user, q="Nobody Here")) == []


def test_search_finds_people_by_alias(registry, team) -> None:
    found = people_search(user=team["evaluator"].user, q="Biespiel")
    assert names(found) == ["Anna Beispiel"]


def test_search_leaves_merged_people_out(registry, team) -> None:
    twin = add_person("Jose Garcia Lopez")
    assert len(people_search(user=team["lead"].user, q="garcia")) == 2
    services.person_merge(by=SYSTEM, kept=registry["jose"], merged=twin)
    assert names(people_search(user=team["lead"].user, q="garcia")) == ["José GARCÍA-LÓPEZ"]


def test_search_filters_by_affiliation_place_group_and_tag(registry, team) -> None:
    user = team["lead"].user
    vn, ke = Country.objects.get(code="VN"), Country.objects.get(code="KE")
    asia = Region.objects.get(code="asia-pacific")
    workers = StakeholderGroup.objects.get(code="workers")
    cases = {
        "organisation": (registry["ministry"], ["José GARCÍA-LÓPEZ", "Peter Example"]),
        "group": (workers, ["Anna Beispiel"]),
        "country": (ke, ["Anna Beispiel"]),
        "region": (asia, ["José GARCÍA-LÓPEZ", "Peter Example"]),
        "office": (registry["hanoi"], ["José GARCÍA-LÓPEZ"]),
        "tag": (registry["jose"].tags.get(), ["José GARCÍA-LÓPEZ"]),
    }
    for name, (value, expected) in cases.items():
        assert names(people_search(user=user, **{name: value})) == expected, name
    # Filters hold on one affiliation together, and with the name.
    assert names(people_search(user=user, organisation=registry["ministry"], country=ke)) == []
    assert names(people_search(user=user, q="peter", country=vn)) == ["Peter Example"]


def test_search_costs_the_same_few_queries_whatever_the_count(
    registry, team, django_assert_max_num_queries
) -> None:
    user = team["lead"].user
    for n in range(40):
        person = add_person(f"Person{n} Family{n}", tags=[f"tag{n}"], aliases=[f"P{n} Fam"])
        services.affiliation_add(person=person, organisation=registry["union"], job_title="x")
    people_search(user=user)  # the user's roles are looked up once per request
    with django_assert_max_num_queries(4):
        rows = [
            (
                p.display_name,
                [t.name for t in p.tags.all()],
                [a.name for a in p.aliases.all()],
                [str(a.organisation) for a in p.affiliations.all()],
            )
            for p in people_search(user=user)
        ]
    assert len(rows) == 43


def test_search_is_refused_to_viewers_and_outsiders(registry, team, outsider) -> None:
    for user in (team["viewer"].user, outsider):
        with pytest.raises(PermissionDenied, match="open to evaluation team members only"):
            people_search(user=user)


# --- pages: who sees what ----------------------------------------------------------------


def test_registry_pages_need_a_login(db) -> None:
    response = Client().get("/registry/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=/registry/")


def test_viewers_and_outsiders_get_403_with_the_reason(registry, team, outsider) -> None:
    for user in (team["viewer"].user, outsider):
        client = client_for(user)
        for url in ("/registry/", f"/registry/people/{registry['anna'].pk}/", "/registry/groups/"):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "open to evaluation team members only" in response.content.decode()


def test_data_entry_reads_but_cannot_change(registry, team) -> None:
    client = client_for(team["data_entry"].user)
    anna = registry["anna"]
    assert client.get("/registry/").status_code == 200
    page = client.get(f"/registry/people/{anna.pk}/").content.decode()
    assert "Anna Beispiel" in page and "Edit" not in page and "Undo" not in page
    for url in (
        "/registry/people/new/",
        f"/registry/people/{anna.pk}/edit/",
        f"/registry/people/{anna.pk}/affiliations/new/",
        "/registry/organisations/new/",
        "/registry/countries/VN/",
        "/registry/merge/",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Only lead evaluators and evaluators can change" in response.content.decode()
    response = client.post(f"/registry/people/{anna.pk}/edit/", {"name": "Changed"})
    assert response.status_code == 403
    assert client.post("/registry/groups/", {"name": "New group"}).status_code == 403
    assert Person.objects.get(pk=anna.pk).display_name == "Anna Beispiel"
    assert not StakeholderGroup.objects.filter(name="New group").exists()


def test_registry_link_in_the_navigation_only_for_those_who_see_it(registry, team) -> None:
    link = '<a href="/registry/"'
    assert link in client_for(team["data_entry"].user).get("/evaluations/").content.decode()
    assert link not in client_for(team["viewer"].user).get("/evaluations/").content.decode()


# --- pages: the people list and a person's page ----------------------------------------------


def test_people_page_searches_filters_and_counts(registry, team) -> None:
    client = client_for(team["data_entry"].user)
    response = client.get("/registry/", {"q": "Garcia Lopez"})
    page = text(response)
    assert "1 person found (of 3 in the registry)" in page
    assert "José GARCÍA-LÓPEZ" in page and "Anna Beispiel" not in page
    assert "Director, Ministry of Labour (MOLISA) (Viet Nam)" in page
    page = text(client.get("/registry/", {"country": "KE"}))
    assert "1 person found" in page and "Anna Beispiel" in page
    page = text(client.get("/registry/"))
    assert "3 people found" in page
    assert "Government 1" in page and "Workers' organisations 1" in page
    # An unknown code is shown as an error of its field (400); the other filters apply.
    response = client.get("/registry/", {"country": "ZZ"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_people_page_is_paginated(db, team) -> None:
    PersonFactory.create_batch(51)
    client = client_for(team["lead"].user)
    page = text(client.get("/registry/"))
    assert "51 people found" in page and "Page 1 of 2" in page
    second = client.get("/registry/", {"page": 2})
    assert len(re.findall(r'data-person="', second.content.decode())) == 1


def test_person_page_shows_affiliations_and_evaluations_of_members_only(
    registry, team, evaluation, make_distribution
) -> None:
    jose = registry["jose"]
    distribution = make_distribution()
    invitation_create(distribution=distribution, by=SYSTEM, person=jose)
    other = EvaluationFactory(title="Someone else's evaluation")
    lead = MembershipFactory(evaluation=other, role="lead").user
    version = instrument_load(evaluation=other, text=STAFF_FILE.read_text(), by=SYSTEM).version
    hidden = distribution_create(evaluation=other, by=lead, version=version, title="Hidden survey")
    invitation_create(distribution=hidden, by=SYSTEM, person=jose)

    response = client_for(team["data_entry"].user).get(f"/registry/people/{jose.pk}/")
    page = text(response)
    assert response.status_code == 200
    assert "Mr. José GARCÍA-LÓPEZ" in page
    assert "Ministry of Labour (MOLISA) Director CO-Hanoi Viet Nam Government 1 Jan 2020 now" in (
        page
    )
    assert f"{evaluation.title} Staff questionnaire (team) — Created" in page
    assert "Someone else's evaluation" not in page and "Hidden survey" not in page
    assert "Also part of 1 evaluation you are not a member of." in page
    assert f'href="/evaluations/{evaluation.slug}/"' in response.content.decode()


def test_person_page_shows_candidates_and_history(registry, team) -> None:
    twin = add_person("Jose Garcia-Lopez")
    lead = team["lead"].user
    page = text(client_for(lead).get(f"/registry/people/{twin.pk}/"))
    assert "José GARCÍA-LÓPEZ 100 Ministry of Labour (MOLISA) jgl@example.org" in page
    merge = services.person_merge(by=lead, kept=registry["jose"], merged=twin)
    response = client_for(lead).get(f"/registry/people/{registry['jose'].pk}/")
    page = text(response)
    assert "Jose Garcia-Lopez into José GARCÍA-LÓPEZ" in page
    assert "nothing but the name" not in page and "1 name kept as alias" in page
    assert f'href="/registry/merges/{merge.pk}/undo/"' in response.content.decode()


# --- pages: editing people and affiliations ----------------------------------------------------


def test_create_person_page(registry, team) -> None:
    client = client_for(team["evaluator"].user)
    response = client.post(
        "/registry/people/new/",
        {
            "name": "Dr. Maria Muster",
            "emails": "maria@example.org\nm.muster@example.org",
            "phones": "+1 555 0100",
            "language": "es",
            "tags": "focal point, donor contact",
            "aliases": "Maria Mustermann\nM. Muster",
        },
    )
    person = Person.objects.get(display_name="Maria Muster")
    assert response.status_code == 302 and response["Location"] == f"/registry/people/{person.pk}/"
    assert (person.honorific, person.given_name, person.family_name) == ("Dr.", "Maria", "Muster")
    assert person.emails == ["maria@example.org", "m.muster@example.org"]
    assert sorted(person.tags.values_list("name", flat=True)) == ["donor contact", "focal point"]
    assert sorted(person.aliases.values_list("name", "source")) == [
        ("M. Muster", "manual"),
        ("Maria Mustermann", "manual"),
    ]
    assert person.created_by == team["evaluator"].user


def test_create_person_page_refuses_a_bad_address_and_keeps_the_input(registry, team) -> None:
    response = client_for(team["evaluator"].user).post(
        "/registry/people/new/", {"name": "Maria Muster", "emails": "maria@", "notes": "Kept"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "“maria@” is not a valid e-mail address." in page
    assert "Kept" in page
    assert not Person.objects.filter(display_name="Maria Muster").exists()


def test_edit_person_page_changes_names_and_aliases(registry, team) -> None:
    anna = registry["anna"]
    client = client_for(team["lead"].user)
    form = client.get(f"/registry/people/{anna.pk}/edit/").content.decode()
    assert "Anna Biespiel" in form
    response = client.post(
        f"/registry/people/{anna.pk}/edit/",
        {"name": "Anna Beispiel-Muster", "aliases": "Anna Beispiel", "emails": "a@example.org"},
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert (anna.display_name, anna.given_name, anna.family_name) == (
        "Anna Beispiel-Muster",
        "Anna",
        "Beispiel-Muster",
    )
    assert list(anna.aliases.values_list("name", flat=True)) == ["Anna Beispiel"]
    assert names(people_search(user=team["lead"].user, q="beispiel muster")) == [
        "Anna Beispiel-Muster"
    ]


def test_affiliation_add_edit_and_end_pages(registry, team) -> None:
    peter = registry["peter"]
    client = client_for(team["evaluator"].user)
    response = client.post(
        f"/registry/people/{peter.pk}/affiliations/new/",
        {
            "organisation": registry["union"].pk,
            "job_title": "Secretary General",
            "start": "2021-03-01",
        },
    )
    assert response.status_code == 302
    added = Affiliation.objects.get(person=peter, job_title="Secretary General")
    # The group and the country come from the organisation when not given.
    assert (added.stakeholder_group.code, added.country.code) == ("workers", "KE")
    response = client.post(
        f"/registry/people/{peter.pk}/affiliations/{added.pk}/",
        {
            "organisation": registry["union"].pk,
            "job_title": "President",
            "start": "2021-03-01",
            "end": "2020-01-01",
        },
    )
    assert response.status_code == 400
    assert "An affiliation cannot end before it starts." in response.content.decode()
    client.post(f"/registry/people/{peter.pk}/affiliations/{added.pk}/end/", {"end": "2024-06-30"})
    added.refresh_from_db()
    assert (added.job_title, added.end) == ("Secretary General", dt.date(2024, 6, 30))
    page = text(client.get(f"/registry/people/{peter.pk}/"))
    assert "Secretary General" in page and "30 Jun 2024" in page


# --- pages: possible duplicates and merges -------------------------------------------------


def test_duplicates_page_proposes_similar_names_until_told_apart(db, team) -> None:
    anna, biespiel = add_person("Anna Beispiel"), add_person("Anna Biespiel")
    jose, garcia = add_person("José García-López"), add_person("Garcia Lopez, Jose")
    add_person("Peter Example")
    client = client_for(team["lead"].user)
    response = client.get("/registry/duplicates/")
    page = response.content.decode()
    assert "2 pairs to review" in text(response)
    assert f'data-pair="{anna.pk}-{biespiel.pk}"' in page
    assert f'data-pair="{jose.pk}-{garcia.pk}"' in page
    assert "Peter Example" not in page
    assert f"?kept={anna.pk}&amp;merged={biespiel.pk}" in page

    response = client.post(
        "/registry/duplicates/not-the-same/",
        {"first": biespiel.pk, "second": anna.pk, "next": "/registry/duplicates/"},
    )
    assert response.status_code == 302
    assert NotDuplicate.objects.filter(first=anna, second=biespiel).exists()
    page = client.get("/registry/duplicates/").content.decode()
    assert f'data-pair="{anna.pk}-{biespiel.pk}"' not in page
    assert f'data-pair="{jose.pk}-{garcia.pk}"' in page
    assert [(a, b) for a, b, _s in duplicate_pairs(user=team["lead"].user)] == [
        (jose.pk, garcia.pk)
    ]


def test_merge_and_undo_through_the_pages(db, team) -> None:
    anna = add_person("Anna Beispiel", emails=["anna@example.org"])
    biespiel = add_person("Anna Biespiel", emails=["biespiel@example.org"])
    services.affiliation_add(person=biespiel, job_title="Economist")
    client = client_for(team["evaluator"].user)
    confirm = client.get("/registry/merge/", {"kept": anna.pk, "merged": biespiel.pk, "score": 92})
    page = text(confirm)
    assert "Merge Anna Biespiel into Anna Beispiel?" in page
    assert "1 affiliation moves." in page and "biespiel@example.org" in page

    response = client.post(
        "/registry/merge/", {"kept": anna.pk, "merged": biespiel.pk, "score": "92"}
    )
    assert response.status_code == 302 and response["Location"] == f"/registry/people/{anna.pk}/"
    merge = PersonMerge.objects.get()
    assert (merge.kept, merge.merged, merge.score) == (anna, biespiel, 92.0)
    # The merged person's address leads to the person kept.
    followed = client.get(f"/registry/people/{biespiel.pk}/", follow=True)
    assert followed.redirect_chain == [(f"/registry/people/{anna.pk}/", 302)]
    assert "Anna Biespiel was merged into Anna Beispiel." in followed.content.decode()
    page = text(followed)
    assert "Economist" in page and "1 affiliation, 1 name kept as alias, 1 e-mail address" in page

    undo = client.get(f"/registry/merges/{merge.pk}/undo/")
    assert "Undo the merge" in undo.content.decode()
    response = client.post(f"/registry/merges/{merge.pk}/undo/")
    assert response["Location"] == f"/registry/people/{biespiel.pk}/"
    assert Affiliation.objects.get().person == biespiel
    assert Person.objects.get(pk=anna.pk).emails == ["anna@example.org"]
    again = client.post(f"/registry/merges/{merge.pk}/undo/", follow=True)
    assert "This merge was already undone on" in again.content.decode()


def test_merge_page_explains_a_refusal(db, team, make_distribution) -> None:
    anna, biespiel = add_person("Anna Beispiel"), add_person("Anna Biespiel")
    distribution = make_distribution()
    for person in (anna, biespiel):
        invitation_create(distribution=distribution, by=SYSTEM, person=person)
    client = client_for(team["lead"].user)
    page = text(client.get("/registry/merge/", {"kept": anna.pk, "merged": biespiel.pk}))
    assert "Both are in “Staff questionnaire (team)”" in page
    response = client.post("/registry/merge/", {"kept": anna.pk, "merged": biespiel.pk})
    assert response.status_code == 400
    assert "both in “Staff questionnaire (team)”" in response.content.decode()
    assert not PersonMerge.objects.exists()


# --- pages: organisations, offices, countries, groups ---------------------------------------


def test_organisation_pages(registry, team) -> None:
    client = client_for(team["lead"].user)
    page = text(client.get("/registry/organisations/", {"q": "molisa"}))
    assert "1 organisation" in page and "Ministry of Labour (MOLISA)" in page
    response = client.post(
        "/registry/organisations/new/",
        {
            "name": "ministry of  LABOUR",
            "kind": "government",
            "country": registry["ministry"].country_id,
        },
    )
    assert response.status_code == 400
    assert "“ministry of LABOUR” is already in the registry." in response.content.decode()
    response = client.post(
        f"/registry/organisations/{registry['union'].pk}/",
        {
            "name": "COTU (K)",
            "acronym": "COTU",
            "kind": "workers",
            "parent": registry["ministry"].pk,
            "aliases": "Central Organization of Trade Unions",
        },
    )
    assert response.status_code == 302
    union = Organisation.objects.get(pk=registry["union"].pk)
    assert (union.name, union.kind, union.parent, union.aliases) == (
        "COTU (K)",
        "workers",
        registry["ministry"],
        ["Central Organization of Trade Unions"],
    )
    response = client.post(
        f"/registry/organisations/{registry['ministry'].pk}/",
        {"name": "Ministry of Labour", "kind": "government", "parent": union.pk},
    )
    assert "cannot be part of itself or of one of its parts" in response.content.decode()


def test_office_and_country_pages(registry, team) -> None:
    client = client_for(team["lead"].user)
    response = client.post(
        "/registry/offices/new/", {"name": "RO-Bangkok", "type": "regional", "country": 999999}
    )
    assert response.status_code == 400
    assert not Office.objects.filter(name="RO-Bangkok").exists()
    th = Country.objects.get(code="TH")
    client.post(
        "/registry/offices/new/", {"name": "RO-Bangkok", "type": "regional", "country": th.pk}
    )
    office = Office.objects.get(name="RO-Bangkok")
    assert office.region.code == "asia-pacific"
    assert "RO-Bangkok" in text(client.get("/registry/offices/"))

    africa = Region.objects.get(code="africa")
    response = client.post(
        "/registry/countries/vn/", {"region": africa.pk, "aliases": "Vietnam\nViệt Nam"}
    )
    assert response.status_code == 302
    vn = Country.objects.get(code="VN")
    assert (vn.region, vn.aliases) == (africa, ["Vietnam", "Việt Nam"])
    response = client.post("/registry/countries/VN/", {"aliases": "Kenya"})
    assert response.status_code == 400
    assert "“Kenya” already names Kenya." in response.content.decode()
    assert "Việt Nam" in text(client.get("/registry/countries/"))


def test_group_pages_add_rename_reorder_deactivate(registry, team) -> None:
    client = client_for(team["evaluator"].user)
    response = client.post("/registry/groups/", {"name": "Parliamentarians", "aliases": "MPs"})
    assert response.status_code == 302
    group = StakeholderGroup.objects.get(code="parliamentarians")
    client.post(f"/registry/groups/{group.pk}/move/", {"direction": "up"})
    codes = list(StakeholderGroup.objects.values_list("code", flat=True))
    assert codes[-2:] == ["parliamentarians", "other"]
    response = client.post(
        f"/registry/groups/{group.pk}/",
        {"name": "Members of parliament", "order": "3", "aliases": "MPs\nParliament"},
    )
    group.refresh_from_db()
    assert (group.name, group.order, group.aliases, group.active) == (
        "Members of parliament",
        3,
        ["MPs", "Parliament"],
        False,  # the box was not ticked
    )
    response = client.post("/registry/groups/", {"name": "Workers"})
    assert response.status_code == 400
    assert "“Workers” already names Workers' organisations." in text(response)
    workers = StakeholderGroup.objects.get(code="workers")
    response = client.post(f"/registry/groups/{workers.pk}/delete/", follow=True)
    assert "cannot be deleted. Deactivate it instead." in response.content.decode()
    client.post(f"/registry/groups/{group.pk}/delete/")
    assert not StakeholderGroup.objects.filter(pk=group.pk).exists()
    assert StakeholderGroup.objects.filter(pk=workers.pk).exists()
    assert PersonAlias.objects.exists()  # the registry itself is untouched


def test_an_unknown_filter_is_shown_as_an_error_not_ignored(client, team):
    PersonFactory(display_name="Ana Example")
    client.force_login(team["evaluator"].user)
    response = client.get("/registry/", {"group": "zzz", "q": "ana"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "errorlist" in body and "Ana Example" in body
