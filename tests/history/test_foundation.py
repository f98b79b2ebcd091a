"""The history's mechanism itself: who an entry names (page, API token, task, respondent door),
nested reasons, what it leaves out, entries that outlive their evaluation, and scrubbing."""

from __future__ import annotations

import json

from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from evaluations.services import evaluation_delete
from history.context import Kind, acting, because, current
from history.models import Entry
from history.services import record, scrub_person
from questionnaires.models import Invitation
from stakeholders.models import Person, Tag
from stakeholders.services import person_update
from tests.factories import PersonFactory


def _entries(instance) -> list[Entry]:
    return list(
        Entry.objects.filter(
            object_id=instance.pk, content_type__model=instance._meta.model_name
        ).order_by("pk")
    )


def test_a_service_write_names_the_system_outside_a_request(db) -> None:
    person = PersonFactory(display_name="Ana Lima")
    person_update(by=SYSTEM, person=person, notes="Met in Lima")
    last = _entries(person)[-1]
    assert last.action == Entry.Action.UPDATE
    assert last.actor is None and last.actor_kind == Kind.SYSTEM
    assert last.changes["notes"] == ["", "Met in Lima"]
    assert last.anchor == f"person:{person.pk}" and last.person_id == person.pk


def test_acting_names_the_member_and_because_keeps_them(db, team) -> None:
    person = PersonFactory(display_name="Ana Lima")
    lead = team["lead"].user
    with acting(lead):
        with because("typo in the import"):
            person_update(by=lead, person=person, name="Ana Lima Souza")
        assert current().reason == "" and current().user == lead  # the outer context is back
        person_update(by=lead, person=person, notes="second")
    first, second = _entries(person)[-2:]
    assert (first.actor, first.actor_kind, first.reason) == (lead, Kind.USER, "typo in the import")
    assert first.changes["display_name"] == ["Ana Lima", "Ana Lima Souza"]
    assert (second.actor, second.reason) == (lead, "")
    assert current().user is None and current().kind == Kind.SYSTEM


def test_a_page_and_a_token_api_call_name_their_user(db, team) -> None:
    evaluator = team["evaluator"].user
    person = PersonFactory(display_name="Ana Lima")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=evaluator).key}")
    answer = api.patch(
        f"/api/v1/registry/people/{person.pk}/", {"notes": "by token"}, format="json"
    )
    assert answer.status_code == 200, answer.content
    last = _entries(person)[-1]
    assert (last.actor, last.actor_kind) == (evaluator, Kind.USER)
    assert last.changes["notes"] == ["", "by token"]
    assert last.remote_addr == "127.0.0.1"


def test_tags_changes_are_recorded_on_the_person(db, team) -> None:
    person = PersonFactory(display_name="Ana Lima")
    person.tags.add(Tag.objects.create(name="tripartite"))
    last = _entries(person)[-1]
    assert last.changes["tags"] == {"type": "m2m", "operation": "add", "objects": ["tripartite"]}
    assert last.anchor == f"person:{person.pk}"


def test_the_link_secret_is_never_recorded(make_distribution, invite) -> None:
    invitation = invite(make_distribution("team"), name="Sam Respondent")
    created = Entry.objects.get(content_type__model="invitation", object_id=invitation.pk)
    assert "selector" not in created.changes and "legacy_token_hash" not in created.changes
    text = json.dumps(created.changes) + created.object_repr
    assert invitation.selector not in text and invitation.token not in text


def test_the_respondent_door_of_an_anonymous_distribution_writes_nothing(
    make_distribution, invite
) -> None:
    invitation = invite(make_distribution("anonymous"))
    before = Entry.objects.count()
    answer = Client().post(f"/r/{invitation.token}/decline/", {"reason": "no time"})
    assert answer.status_code in (200, 302)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED
    assert Entry.objects.count() == before


def test_the_respondent_door_is_named_as_such_elsewhere(make_distribution, invite) -> None:
    invitation = invite(make_distribution("team"))
    Client().post(f"/r/{invitation.token}/decline/", {"reason": "no time"})
    last = _entries(invitation)[-1]
    assert (last.actor, last.actor_kind) == (None, Kind.RESPONDENT)
    assert last.changes["status"][1] == Invitation.Status.DECLINED


def test_entries_outlive_their_evaluation(team) -> None:
    evaluation = team["lead"].evaluation
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.DRAFT)
    evaluation.refresh_from_db()
    pk = evaluation.pk
    evaluation_delete(evaluation=evaluation, by=team["lead"].user)
    gone = Entry.objects.filter(evaluation_id=pk, action=Entry.Action.DELETE)
    assert gone.filter(content_type__model="evaluation", object_id=pk).exists()


def test_an_explicit_record_takes_the_tracked_columns(db) -> None:
    person = PersonFactory(display_name="Ana Lima")
    with because("same passport number"):
        entry = record(person, verb="merge", changes={"merged": [None, 12]})
    assert entry is not None
    assert (entry.verb, entry.reason, entry.person_id) == (
        "merge",
        "same passport number",
        person.pk,
    )
    assert entry.changes == {"merged": [None, 12]}


def test_scrubbing_removes_the_values_and_every_quote(db) -> None:
    person = PersonFactory(display_name="Zoë Brontë", emails=["zoe@example.org"])
    person_update(by=SYSTEM, person=person, notes="Zoë Brontë prefers phone")
    other = PersonFactory(display_name="Kim Lee")
    person_update(by=SYSTEM, person=other, notes="referred by Zoë Brontë")
    placeholder = f"Erased person {person.pk}"
    changed = scrub_person(person.pk, ["Zoë Brontë", "zoe@example.org"], placeholder)
    assert changed >= 3
    everything = [
        (json.dumps(e.changes, ensure_ascii=False) + e.object_repr + e.reason)
        for e in Entry.objects.all()
    ]
    assert not any("Brontë" in text or "zoe@example.org" in text for text in everything)
    quoted = _entries(other)[-1]
    assert quoted.changes["notes"] == ["", f"referred by {placeholder}"]
    mine = _entries(Person.objects.get(pk=person.pk))
    assert mine and all(e.object_repr == placeholder for e in mine)
