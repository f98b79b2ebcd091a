"""Every write a service makes to the records that matter lands in the history: who (the member
the request names, or the uploader of an import), what (action, page, before → after) and why
(the reason typed). Respondents' own steps, and links' tokens, never do."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.test import Client, RequestFactory

from evaluations import services as evaluations
from evaluations.permissions import SYSTEM
from history.context import for_request
from history.models import Entry
from interviews import services as interviews
from interviews.importing.jobs import import_job_commit as interviews_commit
from interviews.importing.jobs import import_job_create as interviews_upload
from interviews.models import Interview, Interviewer, Participation
from interviews.services.categories import categories_save, category_rules_set
from questionnaires.instrument_format.dumper import instrument_dump_document
from questionnaires.models import Invitation
from questionnaires.services import (
    distribution_create,
    distribution_send,
    distribution_update,
    instrument_create,
    instrument_load,
    invitation_exclude,
    invitation_restore,
    response_enter,
    version_new_draft,
)
from reports.services.exports import export_request
from reports.services.layouts import layout_create, layout_update, override_set, printed_set
from stakeholders import services as registry
from stakeholders.importing.jobs import import_job_commit as people_commit
from stakeholders.importing.jobs import import_job_create as people_upload
from stakeholders.models import Affiliation, Person, PersonAlias
from tests.conftest import COMPLETE
from tests.interviews.builders import country, group, log

pytestmark = pytest.mark.django_db
Action = Entry.Action


@contextmanager
def door(user) -> Iterator[None]:
    """What HistoryMiddleware does for a signed-in member's request."""
    request = RequestFactory().post("/")
    request.user = user
    with for_request(request, respondent=False):
        yield


def about(instance: Model, pk: int | None = None, **filters: object) -> list[Entry]:
    """The entries about one object (give its pk once deleted), oldest first."""
    return list(
        Entry.objects.filter(
            content_type=ContentType.objects.get_for_model(type(instance)),
            object_id=pk or instance.pk,
            **filters,
        ).order_by("pk")
    )


def last(instance: Model, pk: int | None = None, **filters: object) -> Entry:
    found = about(instance, pk, **filters)
    assert found, f"no history entry about {instance!r} with {filters}"
    return found[-1]


# --- evaluations and teams --------------------------------------------------------------------


def test_evaluation_update_names_the_lead_and_the_change(evaluation, team) -> None:
    lead = team["lead"].user
    old = evaluation.title
    with door(lead):
        evaluations.evaluation_update(evaluation=evaluation, by=lead, title="Renamed programme")
    entry = last(evaluation, action=Action.UPDATE)
    assert entry.actor == lead and entry.actor_kind == "user"
    assert entry.anchor == f"evaluation:{evaluation.pk}"
    assert entry.evaluation_id == evaluation.pk
    assert entry.changes["title"] == [old, "Renamed programme"]


def test_membership_add_change_remove(evaluation, team) -> None:
    lead = team["lead"].user
    with door(lead):
        member = evaluations.membership_add(
            evaluation=evaluation, by=lead, email="new.member@example.org", role="viewer"
        )
        evaluations.membership_change(membership=member, by=lead, role="evaluator")
        pk = member.pk
        evaluations.membership_remove(membership=member, by=lead)
    created, changed, removed = about(member, pk)
    assert [e.action for e in (created, changed, removed)] == [
        Action.CREATE,
        Action.UPDATE,
        Action.DELETE,
    ]
    assert {e.actor for e in (created, changed, removed)} == {lead}
    assert changed.changes["role"] == ["viewer", "evaluator"]
    assert removed.anchor == created.anchor == f"evaluation:{evaluation.pk}"


# --- the registry ---------------------------------------------------------------------------


def test_person_create_update_aliases_and_tags(team) -> None:
    lead = team["lead"].user
    with door(lead):
        person = registry.person_create(by=lead, name="Ana Example", notes="first")
        registry.person_update(
            by=lead, person=person, notes="second", aliases=["Anita Example"], tags=["donor"]
        )
        alias = PersonAlias.objects.get(person=person)
        alias_pk = alias.pk
        registry.person_update(by=lead, person=person, aliases=[])
    assert last(person, action=Action.CREATE).actor == lead
    update = last(person, action=Action.UPDATE, changes__has_key="notes")
    assert update.changes["notes"] == ["first", "second"]
    assert update.anchor == f"person:{person.pk}" and update.person_id == person.pk
    tags = last(person, changes__has_key="tags")
    assert tags.changes["tags"]["objects"] == ["donor"]
    added, removed = about(alias, alias_pk)
    assert (added.action, removed.action) == (Action.CREATE, Action.DELETE)
    assert removed.anchor == f"person:{person.pk}" and removed.actor == lead


def test_affiliation_add_update_end(team) -> None:
    lead = team["lead"].user
    with door(lead):
        person = registry.person_create(by=lead, name="Bo Example")
        organisation = registry.organisation_create(by=lead, name="Ministry of Examples")
        affiliation = registry.affiliation_add(person=person, organisation=organisation)
        registry.affiliation_update(
            by=lead, affiliation=affiliation, organisation=organisation, job_title="Director"
        )
        registry.affiliation_end(by=lead, affiliation=affiliation, end=dt.date(2024, 6, 30))
    created, updated, ended = about(affiliation)
    assert created.action == Action.CREATE
    assert created.changes["organisation"] == [None, organisation.pk]
    assert updated.changes["job_title"] == ["", "Director"]
    assert ended.changes["end"] == [None, "2024-06-30"]
    assert {e.anchor for e in (created, updated, ended)} == {f"person:{person.pk}"}
    assert {e.actor for e in (created, updated, ended)} == {lead}


def test_organisation_and_group_create_update(team) -> None:
    lead = team["lead"].user
    with door(lead):
        organisation = registry.organisation_create(by=lead, name="Union of Examples")
        registry.organisation_update(
            by=lead, organisation=organisation, name="Union of Examples", acronym="UOE"
        )
        made = registry.group_create(by=lead, name="Philatelists")
        registry.group_update(by=lead, group=made, name="Stamp collectors")
    assert last(organisation, action=Action.CREATE).anchor == f"organisation:{organisation.pk}"
    assert last(organisation, action=Action.UPDATE).changes["acronym"] == ["", "UOE"]
    assert last(made, action=Action.UPDATE).changes["name"] == ["Philatelists", "Stamp collectors"]
    assert last(made, action=Action.UPDATE).actor == lead


def test_merge_and_undo_record_what_moved(evaluation, team, make_distribution, invite) -> None:
    lead = team["lead"].user
    kept = registry.person_create(by=SYSTEM, name="Carla Example")
    merged = registry.person_create(by=SYSTEM, name="Carla Exampel", emails=["carla@example.org"])
    affiliation = registry.affiliation_add(person=merged, job_title="Adviser")
    invitation = invite(make_distribution(), person=merged)
    interview = log(evaluation, merged)
    participation = Participation.objects.get(interview=interview)
    with door(lead):
        merge = registry.person_merge(by=lead, kept=kept, merged=merged)
    on_kept = last(kept, verb="merge")
    on_merged = last(merged, verb="merge")
    assert on_kept.actor == on_merged.actor == lead
    assert on_kept.changes["merged"] == [None, merged.pk]
    assert on_merged.changes["merged_into"] == [None, kept.pk]
    assert on_kept.changes["affiliations"] == [[], [affiliation.pk]]
    assert on_merged.changes["invitations"] == [[invitation.pk], []]
    assert on_kept.changes["emails"] == [[], ["carla@example.org"]]
    for row in (affiliation, invitation, participation):
        moved = last(row, verb="merge")
        assert moved.changes["person"] == [merged.pk, kept.pk]
        assert moved.actor == lead
    assert last(participation, verb="merge").anchor == f"interview:{interview.pk}"
    assert last(invitation, verb="merge").evaluation_id == evaluation.pk

    with door(lead):
        registry.person_merge_undo(by=lead, merge=merge)
    assert last(kept, verb="unmerge").changes["affiliations"] == [[affiliation.pk], []]
    assert last(merged, verb="unmerge").changes["merged_into"] == [kept.pk, None]
    assert last(participation, verb="unmerge").changes["person"] == [kept.pk, merged.pk]
    assert Affiliation.objects.get(pk=affiliation.pk).person_id == merged.pk


# --- the interview log --------------------------------------------------------------------------


def test_interview_create_update_delete(evaluation, team) -> None:
    evaluator = team["evaluator"].user
    ana = registry.person_create(by=SYSTEM, name="Ana Example")
    bo = registry.person_create(by=SYSTEM, name="Bo Example")
    with door(evaluator):
        interview = log(evaluation, ana, by=evaluator, interviewers=["LE"], venue="Office")
    created = last(interview, action=Action.CREATE)
    assert created.actor == evaluator and created.anchor == f"interview:{interview.pk}"
    assert created.evaluation_id == evaluation.pk
    first = Participation.objects.get(interview=interview)
    assert last(first, action=Action.CREATE).person_id == ana.pk
    lead_row = Interviewer.objects.get(interview=interview)
    assert last(lead_row, action=Action.CREATE).anchor == f"interview:{interview.pk}"

    with door(evaluator):
        interviews.interview_update(
            interview=interview,
            by=evaluator,
            venue="Café",
            participants=[interviews.ParticipantInput(person=bo)],
            interviewers=["LE", "EV"],
        )
    assert last(interview, action=Action.UPDATE).changes["venue"] == ["Office", "Café"]
    assert last(first, first.pk, action=Action.DELETE).actor == evaluator
    joined = Participation.objects.get(interview=interview)
    assert last(joined, action=Action.CREATE).person_id == bo.pk
    # The interviewer who stays keeps their row: only the new one is written.
    assert len(about(lead_row)) == 1
    added = Interviewer.objects.get(interview=interview, initials="EV")
    assert last(added, action=Action.CREATE).actor == evaluator

    pk = interview.pk
    with door(evaluator):
        interviews.interview_delete(interview=interview, by=evaluator)
    gone = last(Interview(pk=pk), pk, action=Action.DELETE)
    assert gone.actor == evaluator and gone.anchor == f"interview:{pk}"


def test_interview_exclusion_keeps_the_reason(evaluation, team) -> None:
    lead = team["lead"].user
    interview = log(evaluation, registry.person_create(by=SYSTEM, name="Cy Example"))
    with door(lead):
        interviews.interview_exclude(interview=interview, by=lead, reason="Duplicate of no. 4")
    entry = last(interview, action=Action.UPDATE)
    assert entry.changes["excluded"] == [False, True]
    assert entry.reason == "Duplicate of no. 4" and entry.actor == lead


def test_lead_only_note_is_a_lead_only_entry(evaluation, team) -> None:
    evaluator = team["evaluator"].user
    interview = log(evaluation, registry.person_create(by=SYSTEM, name="Di Example"))
    with door(evaluator):
        shared = interviews.note_add(interview=interview, by=evaluator, text="Met at the office")
        private = interviews.note_add(
            interview=interview, by=evaluator, text="Said off the record", visibility="lead"
        )
    assert last(shared).lead_only is False
    entry = last(private)
    assert entry.lead_only is True and entry.anchor == f"interview:{interview.pk}"
    assert entry.changes["text"] == [None, "Said off the record"]


def test_coverage_plan_cell_set_changed_removed(evaluation, team) -> None:
    lead = team["lead"].user
    cell = {"evaluation": evaluation, "stakeholder_group": group("government")}
    with door(lead):
        target = interviews.coverage_target_set(
            by=lead, country=country("VN"), method="interview", planned=3, **cell
        )
        interviews.coverage_target_set(
            by=lead, country=country("VN"), method="interview", planned=5, **cell
        )
        interviews.coverage_target_set(
            by=lead, country=country("VN"), method="interview", planned=0, **cell
        )
    created, changed, removed = about(target, target.pk)
    assert created.changes["planned"] == [None, 3] and changed.changes["planned"] == [3, 5]
    assert removed.action == Action.DELETE
    assert {e.anchor for e in (created, changed, removed)} == {f"coverage:{evaluation.pk}"}
    assert {e.actor for e in (created, changed, removed)} == {lead}


def test_rules_and_categories_record_each_rule_and_each_moved_interview(evaluation, team) -> None:
    lead = team["lead"].user
    budapest = log(evaluation, registry.person_create(by=SYSTEM, name="Ed Example"))
    budapest.grouping = "Budapest"
    budapest.save(update_fields=["grouping"])
    with door(lead):
        rules = category_rules_set(
            evaluation=evaluation,
            by=lead,
            rules=[{"field": "grouping", "value": "Budapest", "category": "Europe"}],
        )
    rule = rules[0]
    made = last(rule, action=Action.CREATE)
    assert made.anchor == f"rules:{evaluation.pk}" and made.actor == lead
    assert made.changes["value"] == [None, "Budapest"]
    moved = last(budapest, verb="categorise")
    assert moved.changes["category"] == [None, rule.category_id] and moved.actor == lead

    with door(lead):
        categories_save(
            evaluation=evaluation, by=lead, names={rule.category_id: "Europe and Asia"}, orders={}
        )
    renamed = last(rule.category, action=Action.UPDATE)
    assert renamed.changes == {"name": ["Europe", "Europe and Asia"]}
    with door(lead):
        categories_save(
            evaluation=evaluation, by=lead, names={}, orders={}, removed={rule.category_id}
        )
    assert last(budapest, verb="categorise").changes["category"] == [rule.category_id, None]


# --- instruments, distributions, invitations -------------------------------------------------


def test_instrument_create_load_freeze_new_version(evaluation, team) -> None:
    lead = team["lead"].user
    with door(lead):
        version = instrument_create(
            evaluation=evaluation, by=lead, key="survey", kind="questionnaire", title="Survey"
        )
    assert last(version.instrument, action=Action.CREATE).actor == lead
    assert last(version, action=Action.CREATE).anchor == f"instrumentversion:{version.pk}"
    document = {
        "consulta_instrument": 1, "key": "survey", "kind": "questionnaire", "languages": ["en"],
        "title": "Staff survey",
        "sections": [{"key": "A", "questions": [{"key": "Q1", "kind": "short_text", "text": "?"}]}],
    }  # fmt: skip
    with door(lead):
        instrument_load(evaluation=evaluation, text=instrument_dump_document(document), by=lead)
    assert last(version, verb="", action=Action.UPDATE).changes["title"] == [
        {"en": "Survey"},
        {"en": "Staff survey"},
    ]
    assert last(version, verb="load").changes["questions"] == [[], ["Q1"]]
    with door(lead):
        distribution_create(evaluation=evaluation, by=lead, version=version, title="Round 1")
    frozen = last(version, verb="freeze")
    assert frozen.changes["frozen_at"][0] is None and frozen.actor == lead
    with door(lead):
        draft = version_new_draft(instrument=version.instrument, by=lead)
    assert draft.number == 2 and last(draft, action=Action.CREATE).actor == lead


def test_distribution_invitations_sending_exclusion(
    evaluation, team, staff_version, invite, django_capture_on_commit_callbacks
) -> None:
    lead = team["lead"].user
    with door(lead):
        distribution = distribution_create(
            evaluation=evaluation, by=lead, version=staff_version, title="Staff round"
        )
        distribution_update(distribution=distribution, by=lead, sender_name="The team")
        invitation = invite(distribution, email="sam@example.org")
        other = invite(distribution, name="Kim Respondent", email="kim@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            distribution_send(distribution=distribution, by=lead)
        invitation_exclude(invitation=other, by=lead, reason="Left the organisation")
        invitation_restore(invitation=other, by=lead)
    assert last(distribution, action=Action.CREATE).anchor == f"distribution:{distribution.pk}"
    assert last(distribution, changes__has_key="sender_name").changes["sender_name"] == [
        "",
        "The team",
    ]
    assert last(distribution, changes__has_key="sent_at").actor == lead
    created = last(invitation, action=Action.CREATE)
    assert created.changes["email"] == [None, "sam@example.org"]
    assert created.evaluation_id == evaluation.pk and "selector" not in created.changes
    sent = last(invitation, changes__has_key="sent_at")
    assert sent.changes["status"] == ["created", "sent"]
    excluded = last(other, changes__status=["sent", "excluded"])
    assert excluded.reason == "Left the organisation" and excluded.actor == lead
    assert last(other).changes["status"] == ["excluded", "sent"]


def test_responses_keyed_in_by_the_team_are_recorded(make_distribution, invite, team) -> None:
    clerk = team["data_entry"].user
    invitation = invite(make_distribution())
    with door(clerk):
        response_enter(
            distribution=invitation.distribution,
            by=clerk,
            invitation=invitation,
            answers=COMPLETE,
            channel="paper",
        )
    entry = last(invitation, action=Action.UPDATE)
    assert entry.changes == {"status": ["created", "returned"]} and entry.actor == clerk


# --- the overview's layouts -------------------------------------------------------------------


def test_layout_create_update_printed_and_override(evaluation, team) -> None:
    lead = team["lead"].user
    with door(lead):
        layout = layout_create(evaluation=evaluation, by=lead, name="Main report")
        layout_update(layout=layout, by=lead, title="Annex 2")
        printed = printed_set(layout=layout, by=lead, category=None, column="interviews", value=12)
        override_set(
            layout=layout,
            by=lead,
            category=None,
            column="interviews",
            value=10,
            reason="Two interviews were counted twice",
        )
    assert last(layout, action=Action.CREATE).anchor == f"layout:{layout.pk}"
    # (a cell's change moves the layout's revision on too: the title is in an earlier entry)
    titled = last(layout, action=Action.UPDATE, changes__has_key="title")
    assert titled.changes["title"] == ["", "Annex 2"]
    first = last(printed, changes__has_key="printed")
    assert first.changes["printed"][1] == 12 and first.actor == lead
    second = last(printed, changes__has_key="override")
    assert second.changes["override"] == [None, 10]
    assert second.reason == "Two interviews were counted twice"
    assert second.anchor == f"layout:{layout.pk}" and second.evaluation_id == evaluation.pk


# --- imports and exports, done for a member ---------------------------------------------------


def test_people_import_committed_for_the_uploader(team) -> None:
    lead = team["lead"].user
    content = b"Name,E-mail\nDora Example,dora@example.org\n"
    job = people_upload(by=lead, file=io.BytesIO(content), filename="people.csv")
    people_commit(job=job, by=SYSTEM)  # as a task or a command would, with no request
    dora = Person.objects.get(display_name="Dora Example")
    entry = last(dora, action=Action.CREATE)
    assert entry.actor == lead and entry.actor_kind == "user"
    assert entry.changes["emails"] == [None, ["dora@example.org"]]


def test_interview_import_committed_for_the_uploader(evaluation, team, settings) -> None:
    evaluator = team["evaluator"].user
    path = settings.BASE_DIR / "tests" / "interviews" / "files" / "persons_interviewed.csv"
    with open(path, "rb") as handle:
        job = interviews_upload(
            evaluation=evaluation, by=evaluator, file=handle, filename="persons_interviewed.csv"
        )
    interviews_commit(job=job, by=SYSTEM)
    logged = list(Interview.objects.filter(evaluation=evaluation))
    assert logged
    for interview in logged:
        assert last(interview, action=Action.CREATE).actor == evaluator
    names = Participation.objects.filter(interview__in=logged, person__isnull=False)
    assert {last(p, action=Action.CREATE).actor for p in names} == {evaluator}


def test_export_request_is_recorded_for_the_member(evaluation, team) -> None:
    lead = team["lead"].user
    job = export_request(evaluation=evaluation, by=lead, kind="workbook")
    entry = Entry.objects.get(verb="export")
    assert entry.actor == lead and entry.action == Action.CREATE
    assert entry.object_id == job.pk and entry.evaluation_id == evaluation.pk
    assert entry.anchor == f"evaluation:{evaluation.pk}"
    assert entry.changes["kind"] == [None, "workbook"]


# --- respondents and links ---------------------------------------------------------------------


def respond(invitation: Invitation) -> None:
    """A respondent's journey through both doors: open the link, type, submit by the API."""
    client = Client()
    assert client.get(f"/r/{invitation.token}/").status_code in (200, 302)
    client.post(f"/r/{invitation.token}/page/2/autosave/", {"q-B1": "x"}, HTTP_HX_REQUEST="true")
    submitted = Client().post(
        f"/api/v1/respond/{invitation.token}/",
        json.dumps({"answers": COMPLETE}),
        content_type="application/json",
    )
    assert submitted.status_code == 201


@pytest.mark.parametrize("confidentiality", ["team", "anonymous"])
def test_respondent_steps_write_no_entry(make_distribution, invite, confidentiality) -> None:
    invitation = invite(make_distribution(confidentiality))
    declining = invite(invitation.distribution, name="Lee Respondent")
    before = Entry.objects.count()
    respond(invitation)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SUBMITTED
    if confidentiality == "anonymous":  # a named respondent's decline is theirs to record
        Client().post(f"/r/{declining.token}/decline/", {"reason": "No time"})
        declining.refresh_from_db()
        assert declining.status == Invitation.Status.DECLINED
    assert Entry.objects.count() == before


def test_no_entry_holds_a_link_token_or_selector(
    evaluation, team, make_distribution, invite, django_capture_on_commit_callbacks
) -> None:
    lead = team["lead"].user
    person = registry.person_create(by=SYSTEM, name="Max Respondent", emails=["max@example.org"])
    twin = registry.person_create(by=SYSTEM, name="Max Respondant")
    with door(lead):
        distribution = make_distribution()
        invitation = invite(distribution, person=person)
        other = invite(distribution, name="Noa Respondent", email="noa@example.org")
        with django_capture_on_commit_callbacks(execute=True):
            distribution_send(distribution=distribution, by=lead)
        invitation_exclude(invitation=other, by=lead, reason="Wrong address")
        invitation_restore(invitation=other, by=lead)
        registry.person_merge(by=lead, kept=twin, merged=person)
    respond(Invitation.objects.get(pk=invitation.pk))
    secrets = [
        invitation.token,
        invitation.selector,
        other.token,
        other.selector,
    ]
    entries = list(Entry.objects.all())
    assert len(entries) > 20
    for entry in entries:
        text = json.dumps(
            [
                entry.changes,
                entry.object_repr,
                entry.changes_text,
                entry.reason,
                entry.serialized_data,
            ]
        )
        assert not [s for s in secrets if s in text], entry
