"""The commit of a people import: the plan carried out through the registry services inside
one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.revisions import revision_take
from common.spreadsheets import Table
from evaluations.permissions import Actor, author_of, ensure_registry
from stakeholders.importing.plan import (
    CREATE,
    DUPLICATE,
    ERROR,
    KEEP_SEPARATE,
    UPDATE,
    Analysis,
    Changes,
    RowPlan,
    Target,
    analyse,
)
from stakeholders.importing.reader import OrgRef
from stakeholders.models import NotDuplicate, Organisation, Person, PersonAlias
from stakeholders.services.organisations import organisation_create
from stakeholders.services.people import (
    affiliation_add,
    person_alias_add,
    person_create,
    tags_get_or_create,
)


def refusal(analysis: Analysis) -> ValidationProblem:
    """Why a file with error rows cannot be imported, naming the rows to fix."""
    rows = analysis.error_rows
    shown = ", ".join(str(n) for n in rows[:20]) + (", …" if len(rows) > 20 else "")
    message = _(
        "Nothing was imported: %(count)s rows have errors (rows %(rows)s). Fix them in the "
        "file and upload it again."
    ) % {"count": len(rows), "rows": shown}
    errors = {
        f"row {plan.number}": [" ".join(plan.messages)]
        for plan in analysis.plans
        if plan.status == ERROR
    }
    return ValidationProblem(message, errors=errors)


@transaction.atomic
def people_import(
    *,
    table: Table,
    mapping: Mapping[str, str],
    by: Actor,
    decisions: Mapping[str, str] | None = None,
    stop_on_duplicates: bool = False,
) -> tuple[Analysis, dict[str, int]]:
    """Import every row of the file, or nothing: refused while any row has an error."""
    ensure_registry(by, manage=True)
    analysis = analyse(table, mapping, decisions)
    if analysis.error_rows:
        raise refusal(analysis)
    if stop_on_duplicates and analysis.counts[DUPLICATE]:
        rows = [str(p.number) for p in analysis.plans if p.status == DUPLICATE]
        message = _(
            "Nothing was imported: rows %(rows)s may be people already in the registry."
        ) % {"rows": ", ".join(rows[:20])}
        raise ValidationProblem(message, errors={f"row {n}": [message] for n in rows})
    return analysis, _execute(analysis, by=by)


def _execute(analysis: Analysis, *, by: Actor) -> dict[str, int]:
    counts = {"created": 0, "updated": 0, "unchanged": 0, "organisations_created": 0}
    orgs: dict[int, Organisation] = {}
    people: dict[Target, Person] = {
        ("person", p.pk): p
        # Locked, so that a page's edit between this read and the save is not overwritten.
        for p in Person.objects.select_for_update().filter(
            pk__in={p.target[1] for p in analysis.plans if p.target and p.target[0] == "person"}
        )
    }
    for plan in analysis.plans:
        if plan.action not in (CREATE, UPDATE):
            continue
        data = plan.data
        ref = data.organisation
        if ref and ref.found is None and id(ref) not in orgs:
            orgs[id(ref)] = _organisation_create(ref, by=by)
            counts["organisations_created"] += 1
        if plan.action == CREATE:
            person = people[plan.target] = _person_create(plan, by=by)
            counts["created"] += 1
        else:
            person = people[plan.target]
            _person_add(person, plan.changes)
            counts["updated" if plan.changes else "unchanged"] += 1
        if plan.changes.affiliation:
            affiliation_add(
                person=person,
                organisation=(ref.found or orgs[id(ref)]) if ref else None,
                unit=data.unit,
                job_title=data.job_title,
                office=data.office,
                country=data.country,
                stakeholder_group=data.group,
            )
    for plan in analysis.plans:  # every row now names its registry person (new ones too)
        if plan.target in people:
            plan.person_id = people[plan.target].pk
    return counts


def _organisation_create(ref: OrgRef, *, by: Actor) -> Organisation:
    return organisation_create(
        by=by,
        name=ref.name,
        acronym=ref.acronym,
        kind=ref.kind,
        country=ref.country,
        stakeholder_group=ref.group,
    )


def _person_create(plan: RowPlan, *, by: Actor) -> Person:
    data = plan.data
    person = person_create(
        by=by,
        name=data.typed,
        given_name=data.given,
        family_name=data.family,
        honorific=data.honorific,
        sex=data.sex,
        emails=data.emails,
        phones=data.phones,
        language=data.language,
        notes=data.notes,
        tags=data.tags,
        aliases=data.aliases,
    )
    if plan.decision == KEEP_SEPARATE:
        # Someone said these are different people: do not propose them again.
        for candidate in plan.candidates:
            first, second = sorted((person.pk, candidate.person_id))
            NotDuplicate.objects.get_or_create(
                first_id=first, second_id=second, defaults={"by": author_of(by)}
            )
    return person


def _person_add(person: Person, changes: Changes) -> None:
    """Add what a matched row brings that the person lacks; nothing is overwritten."""
    fields: list[str] = []
    if changes.emails:
        person.emails = [*person.emails, *changes.emails]
        fields.append("emails")
    if changes.phones:
        person.phones = [*person.phones, *changes.phones]
        fields.append("phones")
    for name, value in changes.fills.items():
        setattr(person, name, value)
        fields.append(name)
    if changes.notes:
        person.notes = f"{person.notes}\n{changes.notes}".strip()
        fields.append("notes")
    if fields:
        revision_take(person)  # an edit form loaded before the import is stale
        person.save(update_fields=[*fields, "revision", "updated_at"])
    for alias in changes.aliases:
        person_alias_add(person=person, name=alias, source=PersonAlias.Source.IMPORT)
    if changes.tags:
        person.tags.add(*tags_get_or_create(changes.tags))
