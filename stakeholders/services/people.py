"""Writes on people and their affiliations: add, change, aliases, tags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.names import normalise, parse_name
from common.revisions import revision_take
from evaluations.permissions import Actor, author_of, ensure_registry
from history.selectors.conflicts import changes_since
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    PersonMerge,
    StakeholderGroup,
    Tag,
)
from stakeholders.services.checks import clean_emails, clean_phones, refuse, refuse_merged


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name.strip())[0] for name in names if name.strip()]


@transaction.atomic
def person_create(
    *,
    by: Actor,
    name: str = "",
    given_name: str = "",
    family_name: str = "",
    honorific: str = "",
    sex: str = "",
    emails: Sequence[str] = (),
    phones: Sequence[str] = (),
    language: str = "",
    notes: str = "",
    tags: Sequence[str] = (),
    aliases: Sequence[str] = (),
    alias_source: str = PersonAlias.Source.IMPORT,
) -> Person:
    """Add a person. `name` as typed ("Mr. José GARCÍA-LÓPEZ") or given and family names."""
    ensure_registry(by, manage=True)
    typed = name.strip() or f"{given_name.strip()} {family_name.strip()}".strip()
    if not typed:
        raise ValidationProblem(_("A name is required."), errors={"name": [_("Required.")]})
    parsed = parse_name(typed)
    if not parsed.normalised:
        message = _("“%(name)s” does not contain a name.") % {"name": typed}
        raise ValidationProblem(message, errors={"name": [message]})
    if sex and sex not in Person.Sex.values:
        raise ValidationProblem(_("Unknown sex code."), errors={"sex": [_("Use f, m or x.")]})
    person = Person.objects.create(
        display_name=parsed.display[:300],
        normalised=parsed.normalised[:300],
        given_name=(given_name.strip() or parsed.given)[:150],
        family_name=(family_name.strip() or parsed.family)[:150],
        honorific=(honorific.strip() or parsed.honorific)[:30],
        sex=sex,
        emails=clean_emails(emails),
        phones=clean_phones(phones),
        language=language.strip()[:8],
        notes=notes,
        created_by=author_of(by),
    )
    if tags:
        person.tags.set(tags_get_or_create(tags))
    for alias in aliases:
        person_alias_add(person=person, name=alias, source=alias_source)
    return person


def person_alias_add(*, person: Person, name: str, source: str = PersonAlias.Source.MANUAL) -> None:
    """Remember another spelling of the person's name (nothing when it normalises the same)."""
    key = normalise(name)
    if not key or key == person.normalised:
        return
    PersonAlias.objects.get_or_create(
        person=person, normalised=key, defaults={"name": name.strip()[:300], "source": source}
    )


@transaction.atomic
def affiliation_add(
    *,
    person: Person,
    organisation: Organisation | None = None,
    unit: str = "",
    job_title: str = "",
    office: Office | None = None,
    country: Country | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Affiliation:
    """Record where the person worked. Group and country default from the organisation and
    office when not given."""
    if start and end and end < start:
        message = _("An affiliation cannot end before it starts.")
        raise ValidationProblem(message, errors={"end": [message]})
    if stakeholder_group is None and organisation is not None:
        stakeholder_group = organisation.stakeholder_group
    if country is None:
        country = (office.country if office else None) or (
            organisation.country if organisation else None
        )
    return Affiliation.objects.create(
        person=person,
        organisation=organisation,
        unit=unit.strip()[:200],
        job_title=job_title.strip()[:200],
        office=office,
        country=country,
        stakeholder_group=stakeholder_group,
        start=start,
        end=end,
    )


def _merge_kept_alias_ids(person: Person) -> set[int]:
    """Aliases that an active merge brought to the person (moved or created)."""
    ids: set[int] = set()
    for moved in PersonMerge.objects.filter(kept=person, undone_at__isnull=True).values_list(
        "moved", flat=True
    ):
        ids.update(moved.get("aliases", []))
        ids.update(moved.get("aliases_created", []))
    return ids


def _aliases_set(person: Person, names: Sequence[str]) -> None:
    """Make the person's aliases the given names: new ones added by hand, missing ones removed
    (except those a merge brought, which only undoing the merge takes away)."""
    wanted = {normalise(n): n.strip() for n in names if normalise(n)}
    current = list(PersonAlias.objects.filter(person=person))
    gone = [a for a in current if a.normalised not in wanted]
    protected = _merge_kept_alias_ids(person)
    if blocked := [a.name for a in gone if a.pk in protected]:
        raise refuse(
            "aliases",
            _(
                "“%(name)s” came with a merge: it stays while the merge stands (undo the merge "
                "to remove it)."
            )
            % {"name": blocked[0]},
        )
    PersonAlias.objects.filter(pk__in=[a.pk for a in gone]).delete()
    known = {a.normalised for a in current}
    for key, name in wanted.items():
        if key not in known:
            person_alias_add(person=person, name=name, source=PersonAlias.Source.MANUAL)


def _refuse_erased(person: Person) -> None:
    """A form loaded before the erasure must not bring the erased details back."""
    if person.erased_at is not None:
        raise ValidationProblem(
            _("%(name)s was erased: their details are not kept and cannot be edited.")
            % {"name": person.display_name}
        )


@transaction.atomic
def person_update(
    *,
    by: Actor,
    person: Person,
    name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    honorific: str | None = None,
    sex: str | None = None,
    emails: Sequence[str] | None = None,
    phones: Sequence[str] | None = None,
    language: str | None = None,
    notes: str | None = None,
    tags: Sequence[str] | None = None,
    aliases: Sequence[str] | None = None,
    revision: int | None = None,
) -> Person:
    """Change a person's details. What is None stays as it is; `tags` and `aliases` replace
    the current ones. A new name splits into given and family names again unless those were
    changed too. `revision`: the one the edit is based on (EditConflict when it is old)."""
    ensure_registry(by, manage=True)
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("merged_into")
        .get(pk=person.pk)
    )
    refuse_merged(person)
    _refuse_erased(person)
    revision_take(
        person,
        expected=revision,
        explain=lambda base: changes_since(revised=person, base=base, anchor=f"person:{person.pk}"),
    )
    changed: list[str] = ["revision"]

    def put(field: str, value: object) -> None:
        if getattr(person, field) != value:
            setattr(person, field, value)
            changed.append(field)

    if name is not None and name.strip() != person.display_name:
        parsed = parse_name(name)
        if not parsed.normalised:
            message = (
                _("“%(name)s” does not contain a name.") % {"name": name}
                if name.strip()
                else _("A name is required.")
            )
            raise refuse("name", message)
        put("display_name", parsed.display[:300])
        put("normalised", parsed.normalised[:300])
        # Given and family names left as they were (or not given) follow the new name.
        if {given_name, family_name} <= {None, ""} or (given_name, family_name) == (
            person.given_name,
            person.family_name,
        ):
            given_name, family_name = parsed.given, parsed.family
        if honorific is None and parsed.honorific:
            honorific = parsed.honorific
    if sex is not None and sex and sex not in Person.Sex.values:
        raise refuse("sex", _("Unknown sex code: use f, m or x."))
    for field, value, size in (
        ("given_name", given_name, 150),
        ("family_name", family_name, 150),
        ("honorific", honorific, 30),
        ("sex", sex, 1),
        ("language", language, 8),
    ):
        if value is not None:
            put(field, value.strip()[:size])
    if notes is not None:
        put("notes", notes)
    if emails is not None:
        put("emails", clean_emails(emails))
    if phones is not None:
        put("phones", clean_phones(phones))
    person.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        person.tags.set(tags_get_or_create(tags))
    if aliases is not None:
        _aliases_set(person, aliases)
    return person


def _affiliation_revise(affiliation: Affiliation, revision: int | None) -> None:
    revision_take(
        affiliation,
        expected=revision,
        what=_("The affiliation “%(what)s”") % {"what": affiliation},
        explain=lambda base: changes_since(revised=affiliation, base=base),
    )


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise refuse("end", _("An affiliation cannot end before it starts."))


@transaction.atomic
def affiliation_update(
    *,
    by: Actor,
    affiliation: Affiliation,
    organisation: Organisation | None,
    unit: str = "",
    job_title: str = "",
    office: Office | None = None,
    country: Country | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    revision: int | None = None,
) -> Affiliation:
    """Correct an affiliation; every field is set as given. `revision`: the one the edit is
    based on (EditConflict when it is old)."""
    ensure_registry(by, manage=True)
    affiliation = Affiliation.objects.select_related("person__merged_into").get(pk=affiliation.pk)
    refuse_merged(affiliation.person)
    _refuse_erased(affiliation.person)
    _affiliation_revise(affiliation, revision)
    _check_dates(start, end)
    affiliation.organisation = organisation
    affiliation.unit = unit.strip()[:200]
    affiliation.job_title = job_title.strip()[:200]
    affiliation.office = office
    affiliation.country = country
    affiliation.stakeholder_group = stakeholder_group
    affiliation.start, affiliation.end = start, end
    # Only what the form holds: the person (a merge may move it meanwhile) stays as stored.
    affiliation.save(
        update_fields=[
            "organisation", "unit", "job_title", "office", "country", "stakeholder_group",
            "start", "end", "revision",
        ]
    )  # fmt: skip
    return affiliation


@transaction.atomic
def affiliation_end(*, by: Actor, affiliation: Affiliation, end: dt.date) -> Affiliation:
    """The person left: the affiliation holds until `end` (inclusive)."""
    ensure_registry(by, manage=True)
    affiliation = Affiliation.objects.select_related("person__merged_into").get(pk=affiliation.pk)
    refuse_merged(affiliation.person)
    if affiliation.start and end < affiliation.start:
        raise refuse(
            "end",
            _("The end (%(end)s) is before the start (%(start)s).")
            % {"end": end.isoformat(), "start": affiliation.start.isoformat()},
        )
    _affiliation_revise(affiliation, None)
    affiliation.end = end
    affiliation.save(update_fields=["end", "revision"])
    return affiliation
