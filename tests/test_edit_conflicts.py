"""No lost edits between two team members: an edit based on an old revision is refused (409 in
the API, a form message on pages) saying what changed meanwhile, nothing is overwritten, and a
second submit with the current revision passes."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from rest_framework.test import APIClient

from common.errors import ValidationProblem
from common.revisions import EditConflict
from evaluations.permissions import SYSTEM
from interviews.models import CategoryRule, CoverageTarget, Interview, InterviewNote
from interviews.services import (
    ParticipantInput,
    interview_create,
    interview_exclude,
    interview_update,
    reporting_category_get_or_create,
)
from interviews.services.categories import categories_save, category_rules_set
from interviews.services.notes import note_add
from privacy.services.erasure import person_erase
from reports.models import LayoutCell
from reports.services.layouts import layout_create, layout_update, override_set, printed_set
from stakeholders import services as registry
from stakeholders.models import Affiliation, Organisation, Person
from stakeholders.services.people import affiliation_update, person_update
from tests.factories import OrganisationFactory, PersonFactory


def _clients(team) -> tuple[APIClient, APIClient]:
    first, second = APIClient(), APIClient()
    first.force_authenticate(team["lead"].user)
    second.force_authenticate(team["evaluator"].user)
    return first, second


def _pages(team) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(team["lead"].user)
    second.force_login(team["evaluator"].user)
    return first, second


# --- people -----------------------------------------------------------------------------------


def test_person_api_stale_revision_is_409_and_keeps_the_first_edit(team):
    person = PersonFactory(display_name="Anna Example", notes="")
    first, second = _clients(team)
    url = f"/api/v1/registry/people/{person.pk}/"
    loaded = first.get(url).json()["revision"]
    assert second.get(url).json()["revision"] == loaded == 1

    saved = first.patch(url, {"notes": "met in May", "revision": loaded}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["revision"] == 2

    stale = second.patch(url, {"notes": "never met", "revision": loaded}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert "since you loaded it" in body["detail"]
    assert str(team["lead"].user) in body["detail"]
    assert body["current"]["revision"] == 2
    assert [(c["field"], c["before"], c["after"]) for c in body["changes"]] == [
        ("notes", "—", "met in May")
    ]
    assert "notes" in body["errors"]
    person.refresh_from_db()
    assert (person.notes, person.revision) == ("met in May", 2)

    again = second.patch(url, {"notes": "never met", "revision": 2}, format="json")
    assert again.status_code == 200
    person.refresh_from_db()
    assert (person.notes, person.revision) == ("never met", 3)


def test_person_api_takes_the_revision_from_if_match(team):
    person = PersonFactory()
    first, second = _clients(team)
    url = f"/api/v1/registry/people/{person.pk}/"
    assert first.patch(url, {"notes": "a"}, format="json", HTTP_IF_MATCH='"1"').status_code == 200
    stale = second.patch(url, {"notes": "b"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 409
    person.refresh_from_db()
    assert person.notes == "a"


def test_person_api_without_revision_still_saves_and_moves_it_on(team):
    person = PersonFactory()
    first, _second = _clients(team)
    answer = first.patch(f"/api/v1/registry/people/{person.pk}/", {"notes": "x"}, format="json")
    assert answer.status_code == 200
    assert answer.json()["revision"] == 2


def test_person_page_shows_the_conflict_and_keeps_what_was_typed(team):
    person = PersonFactory(display_name="Anna Example")
    first, second = _pages(team)
    url = f"/registry/people/{person.pk}/edit/"
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    form = {"name": "Anna Example", "language": "", "notes": "", "revision": "1"}

    assert first.post(url, {**form, "notes": "Prefers French"}).status_code == 302
    answer = second.post(url, {**form, "notes": "Prefers Spanish"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert f"changed by {team['lead'].user}" in page
    assert "Notes" in page and "Prefers French" in page  # the other member's change
    assert "Prefers Spanish" in page  # what was typed, kept
    assert 'name="revision" value="2"' in page  # saving again passes
    person.refresh_from_db()
    assert person.notes == "Prefers French"

    assert (
        second.post(url, {**form, "notes": "Prefers Spanish", "revision": "2"}).status_code == 302
    )
    person.refresh_from_db()
    assert (person.notes, person.revision) == ("Prefers Spanish", 3)


def test_person_service_refuses_a_stale_revision(team):
    person = PersonFactory()
    person_update(by=team["lead"].user, person=person, notes="one", revision=1)
    with pytest.raises(EditConflict) as caught:
        person_update(by=team["evaluator"].user, person=person, notes="two", revision=1)
    assert caught.value.revision == 2
    assert Person.objects.get(pk=person.pk).notes == "one"


# --- affiliations -----------------------------------------------------------------------------


def test_affiliation_page_conflict(team):
    person = PersonFactory()
    affiliation = Affiliation.objects.create(person=person, job_title="Officer")
    first, second = _pages(team)
    url = f"/registry/people/{person.pk}/affiliations/{affiliation.pk}/"
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    assert first.post(url, {"job_title": "Director", "revision": "1"}).status_code == 302

    answer = second.post(url, {"job_title": "Advisor", "revision": "1"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "Officer" in page and "Director" in page and "Advisor" in page
    assert 'name="revision" value="2"' in page
    affiliation.refresh_from_db()
    assert (affiliation.job_title, affiliation.revision) == ("Director", 2)

    assert second.post(url, {"job_title": "Advisor", "revision": "2"}).status_code == 302
    affiliation.refresh_from_db()
    assert affiliation.job_title == "Advisor"


def test_affiliation_revision_is_in_the_person_api(team):
    person = PersonFactory()
    Affiliation.objects.create(person=person, job_title="Officer")
    first, _second = _clients(team)
    body = first.get(f"/api/v1/registry/people/{person.pk}/").json()
    assert body["affiliations"][0]["revision"] == 1


# --- organisations ----------------------------------------------------------------------------


def test_organisation_api_conflict(team):
    organisation = OrganisationFactory(name="Water Board", acronym="")
    first, second = _clients(team)
    url = f"/api/v1/registry/organisations/{organisation.pk}/"
    assert first.get(url).json()["revision"] == 1
    assert first.patch(url, {"acronym": "WB", "revision": 1}, format="json").status_code == 200
    stale = second.patch(url, {"acronym": "WTB", "revision": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changes"][0]["after"] == "WB"
    organisation.refresh_from_db()
    assert (organisation.acronym, organisation.revision) == ("WB", 2)
    assert second.patch(url, {"acronym": "WTB", "revision": 2}, format="json").status_code == 200


def test_organisation_page_conflict(team):
    organisation = OrganisationFactory(name="Water Board")
    first, second = _pages(team)
    url = f"/registry/organisations/{organisation.pk}/"
    form = {"name": "Water Board", "kind": Organisation.Kind.OTHER, "revision": "1"}
    assert first.post(url, {**form, "acronym": "WB"}).status_code == 302
    answer = second.post(url, {**form, "acronym": "WTB"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "WB" in page and "WTB" in page
    organisation.refresh_from_db()
    assert organisation.acronym == "WB"
    assert second.post(url, {**form, "acronym": "WTB", "revision": "2"}).status_code == 302


# --- interviews (participants and interviewers share the interview's revision) -----------------


def _interview(evaluation):
    anna = registry.person_create(by=SYSTEM, name="Anna Kowalska")
    return interview_create(
        evaluation=evaluation,
        by=SYSTEM,
        date=dt.date(2024, 3, 15),
        mode=Interview.Mode.IN_PERSON,
        participants=[ParticipantInput(person=anna)],
        grouping="Geneva",
    )


def test_interview_api_conflict_on_participants(evaluation, team):
    interview = _interview(evaluation)
    ben = registry.person_create(by=SYSTEM, name="Ben Okafor")
    first, second = _clients(team)
    url = f"/api/v1/evaluations/{evaluation.slug}/interviews/{interview.pk}/"
    loaded = first.get(url).json()["revision"]
    anna = interview.participations.get().person_id
    both = [{"person": anna}, {"person": ben.pk}]
    saved = first.patch(url, {"participants": both, "revision": loaded}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["revision"] == loaded + 1

    stale = second.patch(url, {"grouping": "Bern", "revision": loaded}, format="json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["revision"] == loaded + 1
    assert any("Ben Okafor" in c["after"] for c in body["changes"])  # the participant added
    interview.refresh_from_db()
    assert interview.grouping == "Geneva"
    assert interview.participations.count() == 2

    again = second.patch(url, {"grouping": "Bern", "revision": loaded + 1}, format="json")
    assert again.status_code == 200
    interview.refresh_from_db()
    assert (interview.grouping, interview.participations.count()) == ("Bern", 2)


def test_interview_page_conflict_keeps_what_was_typed(evaluation, team):
    interview = _interview(evaluation)
    anna = interview.participations.get().person_id
    first, second = _pages(team)
    url = f"/evaluations/{evaluation.slug}/interviews/{interview.pk}/edit/"
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    form = {
        "date": "2024-03-15",
        "mode": "in_person",
        "interviewers": "",
        "participant": [json.dumps({"person": anna})],
        "revision": "1",
    }
    assert first.post(url, {**form, "venue": "Palais Wilson"}).status_code == 302
    answer = second.post(url, {**form, "venue": "Hotel Cornavin"})
    page = answer.content.decode()
    assert answer.status_code == 400
    assert f"changed by {team['lead'].user}" in page
    assert "Palais Wilson" in page and "Hotel Cornavin" in page
    assert 'name="revision" value="2"' in page
    interview.refresh_from_db()
    assert interview.venue == "Palais Wilson"
    assert second.post(url, {**form, "venue": "Hotel Cornavin", "revision": "2"}).status_code == 302
    interview.refresh_from_db()
    assert interview.venue == "Hotel Cornavin"


def test_excluding_an_interview_makes_an_open_form_stale(evaluation, team):
    interview = _interview(evaluation)
    interview_exclude(interview=interview, by=team["lead"].user, reason="Duplicate")
    with pytest.raises(EditConflict) as caught:
        interview_update(interview=interview, by=team["evaluator"].user, venue="X", revision=1)
    assert [c.field for c in caught.value.changes] == ["excluded", "excluded_reason"]
    assert caught.value.changes[1].after == "Duplicate"


# --- the coverage plan ------------------------------------------------------------------------


def _cell(planned: int) -> dict[str, object]:
    return {"stakeholder_group": "government", "country": "VN", "method": "interview",
            "planned": planned}  # fmt: skip


def test_coverage_api_conflict_with_if_match(evaluation, team):
    first, second = _clients(team)
    url = f"/api/v1/evaluations/{evaluation.slug}/coverage/"
    etag = first.get(url)["ETag"]
    assert etag == '"1"' and second.get(url)["ETag"] == etag
    saved = first.put(url, [_cell(5)], format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200
    assert saved["ETag"] == '"2"'

    stale = second.put(url, [_cell(9)], format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    body = stale.json()
    assert "coverage plan" in body["detail"] and str(team["lead"].user) in body["detail"]
    assert [(c["verb"], c["after"]) for c in body["changes"]] == [
        ("added", "Government × Viet Nam × Interview: 5")
    ]
    assert list(CoverageTarget.objects.values_list("planned", flat=True)) == [5]
    assert second.put(url, [_cell(9)], format="json", HTTP_IF_MATCH='"2"').status_code == 200
    assert list(CoverageTarget.objects.values_list("planned", flat=True)) == [9]


def test_coverage_page_conflict_shows_the_current_number(evaluation, team):
    first, second = _pages(team)
    url = f"/evaluations/{evaluation.slug}/coverage/edit/"
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    form = {"place": ["c-VN"], "action": "save", "revision": "1"}
    name = "cell:interview:c-VN:government"
    assert first.post(url, {**form, name: "5"}).status_code == 302
    answer = second.post(url, {**form, name: "9"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert f"changed by {team['lead'].user}" in page
    assert "now 5 (you typed 9)" in page
    assert 'name="revision" value="2"' in page
    assert list(CoverageTarget.objects.values_list("planned", flat=True)) == [5]
    assert second.post(url, {**form, name: "9", "revision": "2"}).status_code == 302
    assert list(CoverageTarget.objects.values_list("planned", flat=True)) == [9]


# --- layouts ----------------------------------------------------------------------------------


def test_layout_api_conflict(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    first, second = _clients(team)
    url = f"/api/v1/evaluations/{evaluation.slug}/reports/layouts/{layout.pk}/"
    assert first.get(url).json()["revision"] == 1
    assert first.patch(url, {"title": "Table 3", "revision": 1}, format="json").status_code == 200
    stale = second.patch(url, {"title": "Table 4", "revision": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changes"][0]["field"] == "title"
    layout.refresh_from_db()
    assert (layout.title, layout.revision) == ("Table 3", 2)
    assert second.patch(url, {"title": "Table 4", "revision": 2}, format="json").status_code == 200


def test_layout_page_conflict_keeps_what_was_typed(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    first, second = _pages(team)
    page_url = f"/evaluations/{evaluation.slug}/reports/"
    assert 'name="revision" value="1"' in first.get(page_url).content.decode()
    url = f"/evaluations/{evaluation.slug}/reports/overview/layout/"
    form = {"layout": "Annex", "name": "Annex", "revision": "1"}
    assert first.post(url, {**form, "title": "Table 3"}).status_code == 302
    answer = second.post(url, {**form, "title": "Table 4"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert f"changed by {team['lead'].user}" in page
    assert "Table 3" in page and 'value="Table 4"' in page
    layout.refresh_from_db()
    assert layout.title == "Table 3"
    assert second.post(url, {**form, "title": "Table 4", "revision": "2"}).status_code == 302
    layout.refresh_from_db()
    assert layout.title == "Table 4"


def test_layout_cell_override_from_a_stale_page_is_refused_on_the_api(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    first, second = _clients(team)
    url = f"/api/v1/evaluations/{evaluation.slug}/reports/layouts/{layout.pk}/"
    loaded = first.get(url).json()["revision"]
    cell = {"category": None, "column": "interviews", "override": 7, "reason": "Late entry"}
    saved = first.post(f"{url}cells/", {**cell, "revision": loaded}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["revision"] == loaded + 1

    stale = second.post(
        f"{url}cells/", {**cell, "override": 9, "reason": "Recount"}, format="json",
        HTTP_IF_MATCH=f'"{loaded}"',
    )  # fmt: skip
    assert stale.status_code == 409
    body = stale.json()
    assert str(team["lead"].user) in body["detail"]
    assert body["current"]["revision"] == loaded + 1
    changes = {(c["verb"], c["field"], c["record"]): c for c in body["changes"]}
    assert changes["added", "layout cell", ""]["after"] == "Total / interviews"
    overridden = changes["changed", "override", "Total / interviews"]
    assert (overridden["before"], overridden["after"]) == ("—", "7")
    assert changes["changed", "override_reason", "Total / interviews"]["after"] == "Late entry"
    assert ":" in changes["changed", "override_at", "Total / interviews"]["after"]  # a time
    when = changes["changed", "override_at", "Total / interviews"]["after"]
    assert not re.search(r"\d{4}-\d\d-\d\dT", when) and when.endswith(" UTC")  # named zone
    assert list(LayoutCell.objects.values_list("override", "override_reason")) == [
        (7, "Late entry")
    ]

    again = second.post(
        f"{url}cells/", {**cell, "override": 9, "reason": "Recount", "revision": loaded + 1},
        format="json",
    )  # fmt: skip
    assert again.status_code == 200
    assert list(LayoutCell.objects.values_list("override", flat=True)) == [9]


def test_second_change_of_an_existing_cell_names_the_cell_and_its_values(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    printed_set(layout=layout, by=team["lead"].user, category=None, column="interviews", value=3)
    layout.refresh_from_db()
    base = layout.revision
    printed_set(
        layout=layout, by=team["lead"].user, category=None, column="interviews", value=4,
        revision=base,
    )  # fmt: skip
    with pytest.raises(EditConflict) as caught:
        printed_set(
            layout=layout, by=team["evaluator"].user, category=None, column="interviews",
            value=5, revision=base,
        )  # fmt: skip
    [change] = caught.value.changes
    assert (change.field, change.before, change.after) == ("printed", "3", "4")
    assert change.record == "Total / interviews"
    assert "of “Total / interviews” from “3” to “4”" in change.sentence()
    assert LayoutCell.objects.get().printed == 4


def test_layout_cell_page_conflict_keeps_what_was_typed(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    first, second = _pages(team)
    page = first.get(f"/evaluations/{evaluation.slug}/reports/?layout=Annex").content.decode()
    assert page.count('name="revision" value="1"') >= 2  # the layout's and the cells' forms
    url = f"/evaluations/{evaluation.slug}/reports/overview/cell/"
    form = {"layout": "Annex", "row": "total", "column": "interviews", "revision": "1"}
    done = first.post(url, {**form, "action": "override", "value": "7", "reason": "Late entry"})
    assert done.status_code == 302

    answer = second.post(url, {**form, "action": "override", "value": "9", "reason": "Recount"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert f"changed by {team['lead'].user}" in page
    assert "Total / interviews" in page  # what changed meanwhile
    assert 'value="9"' in page and "Recount" in page  # what was typed, kept
    assert 'name="revision" value="2"' in page
    assert list(LayoutCell.objects.values_list("override", flat=True)) == [7]

    again = second.post(
        url, {**form, "action": "override", "value": "9", "reason": "Recount", "revision": "2"}
    )
    assert again.status_code == 302
    assert list(LayoutCell.objects.values_list("override", flat=True)) == [9]
    layout.refresh_from_db()
    assert layout.revision == 3


def test_a_cell_edit_makes_an_open_layout_form_stale(evaluation, team):
    layout = layout_create(evaluation=evaluation, by=SYSTEM, name="Annex", title="")
    override_set(
        layout=layout, by=team["lead"].user, category=None, column="participants", value=2,
        reason="Merged groups", revision=1,
    )  # fmt: skip
    with pytest.raises(EditConflict) as caught:
        layout_update(layout=layout, by=team["evaluator"].user, revision=1, title="Table 3")
    assert "Total / participants" in " ".join(c.sentence() for c in caught.value.changes)
    layout.refresh_from_db()
    assert (layout.title, layout.revision) == ("", 2)


# --- what changed meanwhile keeps confidentiality ----------------------------------------------


def test_conflict_message_leaves_out_a_lead_only_note(evaluation, team):
    interview = _interview(evaluation)
    interview_update(interview=interview, by=team["lead"].user, venue="Palais Wilson", revision=1)
    note_add(
        interview=interview, by=team["lead"].user, text="Secret remark about the minister",
        visibility=InterviewNote.Visibility.LEAD,
    )  # fmt: skip
    with pytest.raises(EditConflict) as caught:
        interview_update(interview=interview, by=team["evaluator"].user, venue="X", revision=1)
    shown = json.dumps(caught.value.as_dict())
    assert "Palais Wilson" in shown
    assert "Secret remark" not in shown


# --- erasure --------------------------------------------------------------------------------


def test_an_edit_form_loaded_before_an_erasure_cannot_bring_the_name_back(team):
    person = PersonFactory(display_name="Zofia Erasable", notes="")
    affiliation = Affiliation.objects.create(person=person, job_title="Minister of Water")
    first, _second = _pages(team)
    url = f"/registry/people/{person.pk}/edit/"
    assert 'name="revision" value="1"' in first.get(url).content.decode()
    person_erase(by=SYSTEM, person=person, reason="Asked to be forgotten")
    person.refresh_from_db()
    assert person.revision == 2  # open forms are stale

    form = {"name": "Zofia Erasable", "language": "", "notes": "", "revision": "1"}
    for revision in ("1", "2"):
        answer = first.post(url, {**form, "revision": revision})
        assert answer.status_code in (400, 409)
    assert "was erased" in answer.content.decode()
    person.refresh_from_db()
    assert "Zofia" not in person.display_name
    with pytest.raises(ValidationProblem):
        affiliation_update(
            by=team["lead"].user, affiliation=affiliation, organisation=None,
            job_title="Minister of Water", revision=2,
        )  # fmt: skip
    affiliation.refresh_from_db()
    assert affiliation.job_title == ""


# --- reporting categories and rules -----------------------------------------------------------


def test_rules_api_conflict(evaluation, team):
    region = reporting_category_get_or_create(evaluation=evaluation, name="Region A")
    first, second = _clients(team)
    url = f"/api/v1/evaluations/{evaluation.slug}/reports/rules/"
    etag = first.get(url)["ETag"]
    rule = [{"field": "any", "value": "", "category": region.pk}]
    assert first.put(url, rule, format="json", HTTP_IF_MATCH=etag).status_code == 200
    stale = second.put(url, [], format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    assert [(c["verb"], c["field"]) for c in stale.json()["changes"]] == [
        ("added", "category rule")
    ]
    assert "Region A" in stale.json()["changes"][0]["after"]
    assert CategoryRule.objects.filter(evaluation=evaluation).count() == 1
    fresh = stale.json()["current"]["revision"]
    assert second.put(url, [], format="json", HTTP_IF_MATCH=f'"{fresh}"').status_code == 200
    assert CategoryRule.objects.filter(evaluation=evaluation).count() == 0


def test_rules_page_conflict_keeps_what_was_typed(evaluation, team):
    region = reporting_category_get_or_create(evaluation=evaluation, name="Region A")
    first, second = _pages(team)
    assert (
        'name="revision" value="1"'
        in first.get(f"/evaluations/{evaluation.slug}/reports/").content.decode()
    )
    url = f"/evaluations/{evaluation.slug}/reports/overview/rules/"
    rule = {"field_0": "any", "value_0": "", "category_0": str(region.pk), "revision": "1"}
    assert first.post(url, rule).status_code == 302
    typed = {"field_0": "grouping", "value_0": "Geneva", "category_0": str(region.pk)}
    answer = second.post(url, {**typed, "revision": "1"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert f"changed by {team['lead'].user}" in page
    assert 'value="Geneva"' in page
    assert list(CategoryRule.objects.values_list("field", flat=True)) == ["any"]
    evaluation.refresh_from_db()
    current = str(evaluation.rules_revision)
    assert f'name="revision" value="{current}"' in page
    assert second.post(url, {**typed, "revision": current}).status_code == 302
    assert list(CategoryRule.objects.values_list("value", flat=True)) == ["Geneva"]


def test_categories_page_shares_the_rules_revision(evaluation, team):
    region = reporting_category_get_or_create(evaluation=evaluation, name="Region A")
    category_rules_set(evaluation=evaluation, by=team["lead"].user, rules=[], revision=1)
    with pytest.raises(EditConflict):
        categories_save(
            evaluation=evaluation,
            by=team["evaluator"].user,
            names={region.pk: "Region B"},
            orders={region.pk: 1},
            revision=1,
        )
    region.refresh_from_db()
    assert region.name == "Region A"


# --- PostgreSQL: two concurrent edits from the same base, exactly one wins ---------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_from_one_base_exactly_one_wins(team):
    person = PersonFactory()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def edit(user, notes: str) -> None:
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                person_update(by=user, person=person, notes=notes, revision=1)
            results.append("saved")
        except EditConflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=edit, args=(team[role].user, role))
        for role in ("lead", "evaluator")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["conflict", "saved"]
    person.refresh_from_db()
    assert person.revision == 2
