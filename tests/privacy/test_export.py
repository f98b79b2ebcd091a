"""Exporting everything Consulta holds about a person: command, page, API; who may."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from history.models import Entry
from tests.factories import EvaluationFactory, MembershipFactory, UserFactory
from tests.interviews.builders import log
from tests.privacy.conftest import (
    ALIAS,
    EMAIL,
    LEAD_NOTE,
    NAME,
    OLD_EMAIL,
    OPEN_ANSWER,
    PHONE,
    TEAM_NOTE,
)

pytestmark = pytest.mark.django_db


def _api_export(api_client, user, person_id: int):
    api_client.force_authenticate(user)
    return api_client.get(f"/api/v1/registry/people/{person_id}/data/")


def test_export_holds_every_kind_of_record(api_client, world, team) -> None:
    response = _api_export(api_client, team["lead"].user, world.person.pk)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["person"]["display_name"] == NAME
    assert EMAIL in data["person"]["emails"]
    assert data["person"]["phones"] == [PHONE]
    assert data["person"]["tags"] == ["donor-contact"]
    assert data["merged_people"][0]["display_name"] == "Zoe Bronteh"
    assert OLD_EMAIL in data["person"]["emails"] + data["merged_people"][0]["emails"]
    assert ALIAS in [a["name"] for a in data["aliases"]]
    affiliation = data["affiliations"][0]
    assert (affiliation["organisation"], affiliation["job_title"], affiliation["country"]) == (
        "Ministry of Labour",
        "Director of Labour Inspection",
        "Kenya",
    )
    assert [m["merged"]["id"] for m in data["merges"]] == [data["merged_people"][0]["id"]]
    [invitation] = data["invitations"]
    assert invitation["distribution"]["id"] == world.distribution.pk
    assert invitation["status"] == "returned"
    assert {"created", "returned"} <= {e["status"] for e in invitation["events"]}
    [interview] = data["interviews"]
    assert interview["id"] == world.interview.pk
    assert interview["venue"] == "Nairobi"
    assert interview["participation"]["job_title"] == "Director of Labour Inspection"
    assert interview["participation"]["as_written"].startswith(f"Dr {NAME}")
    assert {n["text"] for n in interview["notes"]} == {TEAM_NOTE, LEAD_NOTE}
    [answered] = data["responses"]
    answers = {a["key"]: a["answer"] for a in answered["answers"]}
    assert answers["B1"] == OPEN_ANSWER
    assert answers["C1"] == "4"
    assert any(h["verb"] == "merge" or h["what"] for h in data["history"])
    assert data["complete"] is True


def test_lead_of_an_evaluation_she_is_not_in_is_refused(api_client, world, team) -> None:
    other = EvaluationFactory()
    MembershipFactory(evaluation=other, user=team["evaluator"].user, role="lead")
    assert _api_export(api_client, team["evaluator"].user, world.person.pk).status_code == 403


def test_staff_reads_everything(api_client, world) -> None:
    data = _api_export(api_client, UserFactory(is_staff=True), world.person.pk).json()
    assert LEAD_NOTE in {n["text"] for n in data["interviews"][0]["notes"]}
    assert data["responses"][0]["answers"]


def test_lead_elsewhere_sees_only_what_they_may_read(api_client, world, team) -> None:
    second = EvaluationFactory()
    lead_two = MembershipFactory(evaluation=second, role="lead").user
    MembershipFactory(evaluation=world.evaluation, user=lead_two, role="evaluator")
    log(second, world.person)  # Zoë appears in `second` through an interview there
    data = _api_export(api_client, lead_two, world.person.pk).json()
    notes = {n["text"] for i in data["interviews"] for n in i["notes"]}
    assert TEAM_NOTE in notes
    assert LEAD_NOTE not in notes


def test_outsiders_and_evaluators_are_refused(api_client, world, team, outsider) -> None:
    for user in (outsider, team["evaluator"].user, team["viewer"].user):
        response = _api_export(api_client, user, world.person.pk)
        assert response.status_code == 403
        assert "lead evaluator" in response.json()["detail"]


def test_download_is_recorded_in_the_history(client, world, team) -> None:
    client.force_login(team["lead"].user)
    before = Entry.objects.filter(verb="download", person_id=world.person.pk).count()
    response = client.get(f"/registry/people/{world.person.pk}/data/download/")
    assert response.status_code == 200
    assert json.loads(response.content)["person"]["display_name"] == NAME
    entry = Entry.objects.filter(verb="download", person_id=world.person.pk).latest("pk")
    assert entry.actor == team["lead"].user
    assert Entry.objects.filter(verb="download", person_id=world.person.pk).count() == before + 1


def test_page_shows_the_sections_and_a_download_link(client, world, team) -> None:
    client.force_login(team["lead"].user)
    page = client.get(f"/registry/people/{world.person.pk}/data/").content.decode()
    for text in ("Download JSON", "Registry record", "Ministry of Labour", TEAM_NOTE, "B1"):
        assert text in page
    assert f"/registry/people/{world.person.pk}/data/download/" in page
    # The history reads in words: field labels and names, not keys and ids.
    history = page[page.index('id="person-history"') :]
    assert "<dt>Job title</dt>" in history and "<dt>Stakeholder group</dt>" in history
    assert "job_title" not in history and "stakeholder_group" not in history
    assert "Kenya" in history


def test_command_writes_the_json(world, tmp_path) -> None:
    out = StringIO()
    call_command("person_export", str(world.person.pk), stdout=out)
    assert EMAIL in json.loads(out.getvalue())["person"]["emails"]
    target = tmp_path / "zoe.json"
    call_command("person_export", str(world.person.pk), "--output", str(target), stdout=StringIO())
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["interviews"][0]["notes"]  # the system reads everything
    assert LEAD_NOTE in {n["text"] for n in data["interviews"][0]["notes"]}
