"""Erasing a person: nothing of their name, alias, e-mail or phone is left in any table nor
any export door; the tables' numbers stay; refusals under a hold, a lock, without the right."""

from __future__ import annotations

import io
import json
from io import StringIO

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone
from openpyxl import load_workbook

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from history.models import Entry
from interviews.exporting import log_rows
from interviews.models import InterviewImportJob, Participation
from privacy.services.erasure import person_erase, placeholder_for
from questionnaires.models import Answer, Invitation, Message, Response
from questionnaires.services import invitation_create
from reports.selectors.annex import annex, annex_rows
from reports.selectors.overview import interview_overview, overview_rows
from reports.selectors.raw import raw_response_rows
from reports.workbook import workbook_write
from stakeholders import services as registry
from stakeholders.models import Person, PersonAlias
from tests.factories import EvaluationFactory, ExportJobFactory, MembershipFactory, UserFactory
from tests.interviews.builders import country, group, log
from tests.privacy.conftest import ALIAS, EMAIL, NAME, OLD_EMAIL, OLD_NAME, PHONE

pytestmark = pytest.mark.django_db

ERASED = [NAME, ALIAS, EMAIL, OLD_NAME, OLD_EMAIL, PHONE, "Brontë-Ngũgĩ"]


def _forms(value: str) -> set[str]:
    forms = {value.casefold()}
    return forms | {json.dumps(f)[1:-1] for f in forms}  # JSON-escaped (non-ASCII as \\u…)


def found_in(text: str) -> list[str]:
    text = text.casefold()
    return [s for s in ERASED if any(form in text for form in _forms(s))]


def every_table_hits() -> list[tuple[str, str, object]]:
    """Every text, char and JSON column of every table, read back and searched."""
    hits = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for column in columns:
            for pk, value in model._base_manager.values_list("pk", column):
                if value is None:
                    continue
                text = value if isinstance(value, str) else json.dumps(value)
                plain = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if found_in(text) or found_in(plain):
                    hits.append((f"{model._meta.label}.{column}", pk, value))
    return hits


def _files(world, team):
    """A finished workbook export and an interview import whose report quotes her."""
    export = ExportJobFactory(
        evaluation=world.evaluation, requested_by=team["lead"].user, state="done"
    )
    export.file.save("workbook.xlsx", ContentFile(f"{NAME}".encode()), save=True)
    job = InterviewImportJob(
        evaluation=world.evaluation,
        filename="log.xlsx",
        report={"lines": [{"row": 3, "name": NAME, "email": EMAIL}]},
    )
    job.file.save("log.xlsx", ContentFile(NAME.encode()), save=True)
    return export, job


def test_before_erasure_the_search_finds_her(world) -> None:
    assert {s for _where, _pk, value in every_table_hits() for s in found_in(json.dumps(value))}


def test_erase_leaves_nothing_in_any_table(world, team) -> None:
    export, job = _files(world, team)
    export_name, job_name = export.file.name, job.file.name
    answers_before = Answer.objects.filter(response=world.response).count()
    erasure = person_erase(by=team["lead"].user, person=world.person, reason=f"{NAME} asked")
    assert every_table_hits() == []
    person = Person.objects.get(pk=world.person.pk)
    placeholder = f"Erased person {person.pk}"
    assert (person.display_name, person.emails, person.phones, person.notes) == (
        placeholder,
        [],
        [],
        "",
    )
    assert person.erased_at is not None and person.sex == "f"
    assert not PersonAlias.objects.filter(person=person).exists()
    assert not person.tags.exists()
    invitation = Invitation.objects.get(pk=world.invitation.pk)
    assert (invitation.name, invitation.email, invitation.person_id) == (placeholder, "", person.pk)
    assert not Response.objects.filter(invitation=invitation).exists()
    [anonymous] = Response.objects.filter(distribution=world.distribution)
    assert anonymous.invitation_id is None and anonymous.pk != world.response.pk
    assert Answer.objects.filter(response=anonymous).count() == answers_before
    assert placeholder in Answer.objects.get(response=anonymous, question__key="B1").text
    assert Message.objects.get(pk=world.message.pk).recipient == placeholder
    participation = Participation.objects.get(interview=world.interview, person=person)
    assert participation.original_text == placeholder and participation.job_title == ""
    assert participation.stakeholder_group.code == "government"
    export.refresh_from_db()
    job.refresh_from_db()
    assert (export.file.name, job.file.name) == ("", "")
    assert export.expired
    assert erasure.exports_expired == 1
    assert {export_name, job_name} <= set(erasure.files_deleted)


def test_erase_deletes_the_stored_files_after_commit(
    world, team, django_capture_on_commit_callbacks
) -> None:
    export, job = _files(world, team)
    names = [export.file.name, job.file.name]
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    assert not any(default_storage.exists(name) for name in names)


def test_one_history_entry_records_the_erasure_without_values(world, team) -> None:
    person_erase(by=team["lead"].user, person=world.person, reason=f"{NAME} asked on 3 May")
    [entry] = Entry.objects.filter(verb="erase", person_id=world.person.pk)
    assert entry.actor == team["lead"].user
    assert entry.reason == f"Erased person {world.person.pk} asked on 3 May"
    assert found_in(json.dumps(entry.changes)) == []


def test_overview_numbers_do_not_change(world, team) -> None:
    before = overview_rows(interview_overview(evaluation=world.evaluation, user=None))
    person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    after = overview_rows(interview_overview(evaluation=world.evaluation, user=None))
    assert after == before
    assert any(cell for row in after for cell in row[1:] if cell)


def _workbook_texts(evaluation, user) -> str:
    target = io.BytesIO()
    workbook_write(target, evaluation=evaluation, user=user)
    book = load_workbook(io.BytesIO(target.getvalue()))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def test_no_export_door_finds_her(world, team, client, api_client) -> None:
    lead = team["lead"].user
    evaluation, slug = world.evaluation, world.evaluation.slug
    assert found_in(_workbook_texts(evaluation, lead))  # the doors did show her before
    person_erase(by=lead, person=world.person, reason="Her request")
    doors = {
        "workbook": _workbook_texts(evaluation, lead),
        "log": json.dumps(list(log_rows(evaluation=evaluation, user=lead)), ensure_ascii=False),
        "annex": json.dumps(
            annex_rows(annex(evaluation=evaluation, user=lead)), ensure_ascii=False
        ),
        "raw": json.dumps(
            [
                list(map(str, r))
                for r in raw_response_rows(user=lead, distribution=world.distribution)
            ],
            ensure_ascii=False,
        ),
    }
    api_client.force_authenticate(lead)
    pk = world.person.pk
    for url in (
        "/api/v1/registry/people/",
        f"/api/v1/registry/people/{pk}/",
        f"/api/v1/registry/people/{pk}/data/",
        f"/api/v1/registry/people/{pk}/history/",
        f"/api/v1/evaluations/{slug}/interviews/",
        f"/api/v1/evaluations/{slug}/interviews/{world.interview.pk}/",
        f"/api/v1/evaluations/{slug}/distributions/{world.distribution.pk}/invitations/",
        f"/api/v1/evaluations/{slug}/history/",
    ):
        response = api_client.get(url)
        assert response.status_code == 200, url
        doors[url] = response.content.decode()
    client.force_login(lead)
    for url in (
        f"/registry/people/{pk}/",
        f"/registry/people/{pk}/data/",
        f"/registry/people/{pk}/history/",
        f"/evaluations/{slug}/interviews/{world.interview.pk}/",
        f"/evaluations/{slug}/interviews/",
        f"/evaluations/{slug}/activity/",
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        doors[url] = response.content.decode()
    leaks = {door: found_in(text) for door, text in doors.items() if found_in(text)}
    assert leaks == {}
    assert f"Erased person {pk}" in doors[f"/registry/people/{pk}/"]


def test_refused_under_a_legal_hold_with_the_reason(world, team, api_client) -> None:
    world.evaluation.legal_hold = True
    world.evaluation.legal_hold_reason = "Case 42 before the tribunal."
    world.evaluation.save(update_fields=["legal_hold", "legal_hold_reason"])
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(
        f"/api/v1/registry/people/{world.person.pk}/erase/", {"reason": "Her request"}
    )
    assert response.status_code == 400
    assert "Case 42 before the tribunal." in response.json()["detail"]
    assert Person.objects.get(pk=world.person.pk).display_name == NAME


def test_refused_under_a_lock_with_the_reason(world, team) -> None:
    world.evaluation.interview_log_locked_at = timezone.now()
    world.evaluation.interview_log_lock_reason = "Report final"
    world.evaluation.save(update_fields=["interview_log_locked_at", "interview_log_lock_reason"])
    with pytest.raises(ValidationProblem, match="Report final"):
        person_erase(by=team["lead"].user, person=world.person, reason="Her request")
    assert Person.objects.get(pk=world.person.pk).erased_at is None


def test_refused_for_a_lead_of_only_some_of_her_evaluations(world, team, api_client) -> None:
    second = EvaluationFactory(title="Second evaluation")
    MembershipFactory(evaluation=second, role="lead")
    MembershipFactory(evaluation=second, user=team["lead"].user, role="evaluator")
    log(second, world.person)
    api_client.force_authenticate(team["lead"].user)
    response = api_client.post(
        f"/api/v1/registry/people/{world.person.pk}/erase/", {"reason": "Her request"}
    )
    assert response.status_code == 403
    assert "Second evaluation" in response.json()["detail"]
    assert Person.objects.get(pk=world.person.pk).erased_at is None


def test_evaluators_are_refused_and_staff_may(world, team, api_client) -> None:
    api_client.force_authenticate(team["evaluator"].user)
    url = f"/api/v1/registry/people/{world.person.pk}/erase/"
    assert api_client.post(url, {"reason": "Her request"}).status_code == 403
    api_client.force_authenticate(UserFactory(is_staff=True))
    response = api_client.post(url, {"reason": "Her request"})
    assert response.status_code == 200
    assert response.json()["placeholder"] == f"Erased person {world.person.pk}"
    assert api_client.post(url, {"reason": "Again"}).status_code == 400  # already erased


def test_page_asks_for_the_typed_confirmation(world, team, client) -> None:
    client.force_login(team["lead"].user)
    url = f"/registry/people/{world.person.pk}/erase/"
    assert "ERASE" in client.get(url).content.decode()
    wrong = client.post(url, {"reason": "Her request", "confirm": "yes"})
    assert wrong.status_code == 400
    assert Person.objects.get(pk=world.person.pk).erased_at is None
    done = client.post(url, {"reason": "Her request", "confirm": "erase"})
    assert done.status_code == 302
    assert Person.objects.get(pk=world.person.pk).erased_at is not None


def test_command_erases_and_dry_run_changes_nothing(world) -> None:
    out = StringIO()
    call_command("person_erase", str(world.person.pk), "--reason", "Asked", "--dry-run", stdout=out)
    assert "would be erased" in out.getvalue()
    assert Person.objects.get(pk=world.person.pk).erased_at is None
    call_command("person_erase", str(world.person.pk), "--reason", "Asked", stdout=StringIO())
    assert Person.objects.get(pk=world.person.pk).display_name.startswith("Erased person")
    with pytest.raises(CommandError, match="already erased"):
        call_command("person_erase", str(world.person.pk), "--reason", "Asked")


def test_system_erasure_needs_a_reason(world) -> None:
    with pytest.raises(ValidationProblem, match="Say why"):
        person_erase(by=SYSTEM, person=world.person, reason="  ")
    assert Person.objects.get(pk=world.person.pk).erased_at is None


def test_an_address_column_quoting_her_is_emptied_not_given_the_placeholder(
    make_distribution, team
) -> None:
    """Found by the API fuzzer: an invitation typed by hand with her address (no registry
    link) got "Erased person 11" as its e-mail, which the API documents as an address."""
    person = registry.person_create(by=SYSTEM, name="Ama Mensah", emails=["ama@example.org"])
    typed = invitation_create(
        distribution=make_distribution(), by=team["lead"].user, name="A. M.",
        email="ama@example.org",
    )  # fmt: skip
    person_erase(by=SYSTEM, person=person, reason="she asked")
    typed.refresh_from_db()
    assert typed.email == ""


def test_a_name_that_is_also_a_code_rewrites_only_free_text(db) -> None:
    """Found by the API fuzzer: a person registered as "Government" (a typo in an import, a
    placeholder row) was erased, and the sweep rewrote the stakeholder group's code, every
    organisation's kind and question keys. Only free text is rewritten, whole words only."""
    government = group("government")
    ministry = registry.organisation_create(
        by=SYSTEM, name="Ministry of Labour", kind="government", country=country("KE")
    )
    person = registry.person_create(
        by=SYSTEM, name="Government", notes="Government, Governments and the Governmental."
    )
    other = registry.person_create(
        by=SYSTEM, name="Someone Else", notes="Spoke for the Government of Kenya."
    )
    person_erase(by=SYSTEM, person=person, reason="a placeholder row")
    government.refresh_from_db()
    ministry.refresh_from_db()
    other.refresh_from_db()
    placeholder = placeholder_for(person)
    assert (government.code, ministry.kind) == ("government", "government")
    assert other.notes == f"Spoke for the {placeholder} of Kenya."
    assert Person.objects.get(pk=person.pk).notes == ""
