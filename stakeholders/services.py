"""Writes on the registry. Every door (pages, API, importer, commands) comes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.names import normalise, normalise_text, parse_name
from evaluations.permissions import ensure_registry
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
    Tag,
)
from stakeholders.selectors import PERSON_LINKS, merge_conflicts, person_final, shared_label

if TYPE_CHECKING:
    from accounts.models import User


def clean_emails(emails: Iterable[str], *, field: str = "emails") -> list[str]:
    """Trimmed, de-duplicated (case-insensitively) addresses; a bad one is refused by name."""
    cleaned: list[str] = []
    for raw in emails:
        email = (raw or "").strip()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError as exc:
            message = _("“%(email)s” is not a valid e-mail address.") % {"email": email}
            raise ValidationProblem(message, errors={field: [message]}) from exc
        if email.lower() not in {e.lower() for e in cleaned}:
            cleaned.append(email)
    return cleaned


def clean_phones(phones: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(p.strip() for p in phones if p and p.strip()))


def tags_get_or_create(names: Iterable[str]) -> list[Tag]:
    return [Tag.objects.get_or_create(name=name.strip())[0] for name in names if name.strip()]


@transaction.atomic
def person_create(
    *,
    by: User | None,
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
    if by is not None:
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
        created_by=by,
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


@transaction.atomic
def organisation_create(
    *,
    by: User | None,
    name: str,
    acronym: str = "",
    kind: str = Organisation.Kind.OTHER,
    country: Country | None = None,
    parent: Organisation | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    aliases: Sequence[str] = (),
) -> Organisation:
    """Add an organisation; one name per country (case, accents and punctuation ignored)."""
    organisation = Organisation()
    return _organisation_save(
        organisation, by=by, name=name, acronym=acronym, kind=kind, country=country,
        parent=parent, stakeholder_group=stakeholder_group, aliases=aliases,
    )  # fmt: skip


def _organisation_save(
    organisation: Organisation,
    *,
    by: User | None,
    name: str,
    acronym: str,
    kind: str,
    country: Country | None,
    parent: Organisation | None,
    stakeholder_group: StakeholderGroup | None,
    aliases: Sequence[str],
) -> Organisation:
    """Check and store an organisation, new or changed (the same rules for both)."""
    if by is not None:
        ensure_registry(by, manage=True)
    name = " ".join(name.split())
    key = normalise_text(name)
    if not key:
        raise _refuse("name", _("A name is required."))
    if kind not in Organisation.Kind.values:
        raise _refuse("kind", _("Not a known kind of organisation."))
    same = Organisation.objects.filter(normalised=key, country=country)
    if organisation.pk:
        same = same.exclude(pk=organisation.pk)
        _check_parent(organisation, parent)
    if same.exists():
        raise _refuse("name", _("“%(name)s” is already in the registry.") % {"name": name})
    organisation.name, organisation.normalised = name[:300], key[:300]
    organisation.acronym = acronym.strip()[:40]
    organisation.kind = kind
    organisation.country, organisation.parent = country, parent
    organisation.stakeholder_group = stakeholder_group
    organisation.aliases = _clean_names(aliases)
    organisation.save()
    return organisation


# --- editing the registry ----------------------------------------------------------------------


def _refuse(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def _refuse_merged(person: Person) -> None:
    """A merged person is frozen, so that undoing the merge puts back exactly what was there."""
    if person.merged_into_id:
        raise ValidationProblem(
            _(
                "%(name)s was merged into %(kept)s: change %(kept)s instead, or undo the merge "
                "first."
            )
            % {"name": person.display_name, "kept": person.merged_into.display_name}
        )


def _clean_names(names: Iterable[str]) -> list[str]:
    """Trimmed names without repeats (ignoring case and accents)."""
    seen: set[str] = set()
    cleaned: list[str] = []
    for raw in names:
        name = " ".join((raw or "").split())
        key = normalise_text(name)
        if key and key not in seen:
            seen.add(key)
            cleaned.append(name)
    return cleaned


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
        raise _refuse(
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


@transaction.atomic
def person_update(
    *,
    by: User | None,
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
) -> Person:
    """Change a person's details. What is None stays as it is; `tags` and `aliases` replace
    the current ones. A new name splits into given and family names again unless those were
    changed too."""
    if by is not None:
        ensure_registry(by, manage=True)
    person = (
        Person.objects.select_for_update(of=("self",))
        .select_related("merged_into")
        .get(pk=person.pk)
    )
    _refuse_merged(person)
    changed: list[str] = []

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
            raise _refuse("name", message)
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
        raise _refuse("sex", _("Unknown sex code: use f, m or x."))
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
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
    if tags is not None:
        person.tags.set(tags_get_or_create(tags))
    if aliases is not None:
        _aliases_set(person, aliases)
    return person


def _check_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start and end and end < start:
        raise _refuse("end", _("An affiliation cannot end before it starts."))


@transaction.atomic
def affiliation_update(
    *,
    by: User | None,
    affiliation: Affiliation,
    organisation: Organisation | None,
    unit: str = "",
    job_title: str = "",
    office: Office | None = None,
    country: Country | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Affiliation:
    """Correct an affiliation; every field is set as given."""
    if by is not None:
        ensure_registry(by, manage=True)
    affiliation = Affiliation.objects.select_related("person__merged_into").get(pk=affiliation.pk)
    _refuse_merged(affiliation.person)
    _check_dates(start, end)
    affiliation.organisation = organisation
    affiliation.unit = unit.strip()[:200]
    affiliation.job_title = job_title.strip()[:200]
    affiliation.office = office
    affiliation.country = country
    affiliation.stakeholder_group = stakeholder_group
    affiliation.start, affiliation.end = start, end
    affiliation.save()
    return affiliation


@transaction.atomic
def affiliation_end(*, by: User | None, affiliation: Affiliation, end: dt.date) -> Affiliation:
    """The person left: the affiliation holds until `end` (inclusive)."""
    if by is not None:
        ensure_registry(by, manage=True)
    affiliation = Affiliation.objects.select_related("person__merged_into").get(pk=affiliation.pk)
    _refuse_merged(affiliation.person)
    if affiliation.start and end < affiliation.start:
        raise _refuse(
            "end",
            _("The end (%(end)s) is before the start (%(start)s).")
            % {"end": end.isoformat(), "start": affiliation.start.isoformat()},
        )
    affiliation.end = end
    affiliation.save(update_fields=["end"])
    return affiliation


def _check_parent(organisation: Organisation, parent: Organisation | None) -> None:
    seen = {organisation.pk}
    while parent is not None:
        if parent.pk in seen:
            raise _refuse(
                "parent", _("An organisation cannot be part of itself or of one of its parts.")
            )
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def organisation_update(
    *,
    by: User | None,
    organisation: Organisation,
    name: str,
    acronym: str = "",
    kind: str = Organisation.Kind.OTHER,
    country: Country | None = None,
    parent: Organisation | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    aliases: Sequence[str] = (),
) -> Organisation:
    """Change an organisation; one name per country, as when adding."""
    return _organisation_save(
        organisation, by=by, name=name, acronym=acronym, kind=kind, country=country,
        parent=parent, stakeholder_group=stakeholder_group, aliases=aliases,
    )  # fmt: skip


def _office_checks(office: Office | None, name: str, type: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise _refuse("name", _("A name is required."))
    if type not in Office.Type.values:
        raise _refuse("type", _("Choose the type of office."))
    others = Office.objects.filter(name__iexact=name)
    if office is not None:
        others = others.exclude(pk=office.pk)
    if others.exists():
        raise _refuse("name", _("There is already an office “%(name)s”.") % {"name": name})
    return name


@transaction.atomic
def office_create(
    *,
    by: User | None,
    name: str,
    type: str,
    city: str = "",
    country: Country | None = None,
    region: Region | None = None,
) -> Office:
    """Add an office; its region defaults to its country's."""
    if by is not None:
        ensure_registry(by, manage=True)
    name = _office_checks(None, name, type)
    return Office.objects.create(
        name=name[:200],
        type=type,
        city=city.strip()[:100],
        country=country,
        region=region or (country.region if country else None),
    )


@transaction.atomic
def office_update(
    *,
    by: User | None,
    office: Office,
    name: str,
    type: str,
    city: str = "",
    country: Country | None = None,
    region: Region | None = None,
) -> Office:
    if by is not None:
        ensure_registry(by, manage=True)
    office.name = _office_checks(office, name, type)[:200]
    office.type, office.city = type, city.strip()[:100]
    office.country = country
    office.region = region or (country.region if country else None)
    office.save()
    return office


def _refuse_alias_clash(objects: QuerySet, names: Sequence[str], *, field: str = "aliases") -> None:
    """An alias that already names another row (by name, code or alias) would make lookups
    ambiguous: refused, saying which row has it."""
    for other in objects:
        taken = {normalise_text(n) for n in [other.name, other.code, *(other.aliases or [])] if n}
        for name in names:
            if normalise_text(name) in taken:
                raise _refuse(
                    field,
                    _("“%(alias)s” already names %(other)s.") % {"alias": name, "other": other},
                )


@transaction.atomic
def country_update(
    *, by: User | None, country: Country, region: Region | None, aliases: Sequence[str]
) -> Country:
    """Set a country's region and the other names people write for it."""
    if by is not None:
        ensure_registry(by, manage=True)
    aliases = _clean_names(aliases)
    _refuse_alias_clash(Country.objects.exclude(pk=country.pk), aliases)
    country.region, country.aliases = region, aliases
    country.save(update_fields=["region", "aliases"])
    return country


def _group_checks(group: StakeholderGroup | None, name: str, aliases: Sequence[str]) -> str:
    name = " ".join(name.split())
    if not name:
        raise _refuse("name", _("A name is required."))
    others = StakeholderGroup.objects.all()
    if group is not None:
        others = others.exclude(pk=group.pk)
    _refuse_alias_clash(others, [name], field="name")
    _refuse_alias_clash(others, aliases)
    return name


@transaction.atomic
def group_create(
    *,
    by: User | None,
    name: str,
    code: str = "",
    aliases: Sequence[str] = (),
    order: int | None = None,
) -> StakeholderGroup:
    """Add a stakeholder group to the controlled list (at the end unless an order is given)."""
    if by is not None:
        ensure_registry(by, manage=True)
    aliases = _clean_names(aliases)
    name = _group_checks(None, name, aliases)
    code = slugify(code or name)[:40]
    if not code:
        raise _refuse("code", _("The code needs at least one letter or digit."))
    if StakeholderGroup.objects.filter(code=code).exists():
        raise _refuse("code", _("The code “%(code)s” is taken.") % {"code": code})
    if order is None:
        order = (StakeholderGroup.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    return StakeholderGroup.objects.create(name=name, code=code, order=order, aliases=aliases)


@transaction.atomic
def group_update(
    *,
    by: User | None,
    group: StakeholderGroup,
    name: str,
    aliases: Sequence[str] = (),
    active: bool = True,
    order: int | None = None,
) -> StakeholderGroup:
    """Rename, re-alias, (de)activate or move a group. Its code stays: files and saved
    audiences refer to it."""
    if by is not None:
        ensure_registry(by, manage=True)
    aliases = _clean_names(aliases)
    group.name = _group_checks(group, name, aliases)
    group.aliases, group.active = aliases, active
    if order is not None:
        group.order = order
    group.save()
    return group


@transaction.atomic
def group_move(*, by: User | None, group: StakeholderGroup, up: bool) -> None:
    """Move a group one place up or down the list (the list is renumbered 1, 2, 3 …)."""
    if by is not None:
        ensure_registry(by, manage=True)
    groups = list(StakeholderGroup.objects.select_for_update().order_by("order", "name"))
    index = next(i for i, g in enumerate(groups) if g.pk == group.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(groups):
        groups[index], groups[target] = groups[target], groups[index]
    for number, item in enumerate(groups, start=1):
        if item.order != number:
            item.order = number
            item.save(update_fields=["order"])


@transaction.atomic
def group_delete(*, by: User | None, group: StakeholderGroup) -> None:
    """Remove a group nobody uses; one in use can only be deactivated."""
    if by is not None:
        ensure_registry(by, manage=True)
    organisations = group.organisations.count()
    affiliations = group.affiliations.count()
    if organisations or affiliations:
        raise ValidationProblem(
            _(
                "“%(name)s” is used by %(organisations)d organisation(s) and %(affiliations)d "
                "affiliation(s): it cannot be deleted. Deactivate it instead."
            )
            % {"name": group.name, "organisations": organisations, "affiliations": affiliations}
        )
    group.delete()


@transaction.atomic
def not_duplicate_add(*, by: User | None, first: Person, second: Person) -> NotDuplicate:
    """Record that two people are different, so they are no longer proposed as one."""
    if by is not None:
        ensure_registry(by, manage=True)
    if first.pk == second.pk:
        raise ValidationProblem(_("Choose two different people."))
    low, high = sorted((first.pk, second.pk))
    return NotDuplicate.objects.get_or_create(first_id=low, second_id=high, defaults={"by": by})[0]


# --- merging people ----------------------------------------------------------------------------

# Fields of the kept person filled from the merged one when empty (and emptied again by undo).
MERGE_FILLS = ("given_name", "family_name", "honorific", "sex", "language", "notes")


def _refuse_shared(kept: Person, merged: Person, user: User | None) -> None:
    for link, shared in merge_conflicts(kept=kept, merged=merged):
        what = shared_label(shared, user)  # names it only to members of its evaluation
        raise ValidationProblem(
            _(
                "%(kept)s and %(merged)s are both in %(what)s: a person can be there only once. "
                "Remove one of the two first (e.g. revoke or delete one invitation), or keep "
                "them apart."
            )
            % {"kept": kept.display_name, "merged": merged.display_name, "what": what},
            errors={link.key: [what]},
        )


def _locked_pair(kept: Person, merged: Person) -> tuple[Person, Person]:
    people = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[kept.pk, merged.pk])
    }
    return people[kept.pk], people[merged.pk]


@transaction.atomic
def person_merge(
    *, by: User | None, kept: Person, merged: Person, score: float | None = None
) -> PersonMerge:
    """Merge `merged` into `kept`: names, aliases, affiliations, invitations (and whatever else
    PERSON_LINKS lists), e-mails, phones and tags go to `kept`; `merged` stays, pointing at
    `kept`, and everything moved is recorded so that `person_merge_undo` puts it back."""
    if by is not None:
        ensure_registry(by, manage=True)
    if kept.pk == merged.pk:
        raise ValidationProblem(_("A person cannot be merged into themselves."))
    kept, merged = _locked_pair(kept, merged)
    for person, message in (
        (kept, _("%(name)s was merged into %(into)s: merge into %(into)s instead.")),
        (merged, _("%(name)s has already been merged into %(into)s.")),
    ):
        if person.merged_into_id:
            into = person_final(person)
            raise ValidationProblem(
                message % {"name": person.display_name, "into": into.display_name}
            )
    _refuse_shared(kept, merged, by)
    moved: dict[str, object] = {"names": {"kept": kept.display_name, "merged": merged.display_name}}
    for link in PERSON_LINKS:
        model = link.model_class()
        rows = model.objects.filter(**{link.field: merged}) if model else None
        moved[link.key] = list(rows.values_list("pk", flat=True)) if rows is not None else []
        if moved[link.key]:
            rows.update(**{link.field: kept})
    moved.update(_merge_aliases(kept, merged))
    moved.update(_merge_details(kept, merged))
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    return PersonMerge.objects.create(kept=kept, merged=merged, by=by, score=score, moved=moved)


def _merge_aliases(kept: Person, merged: Person) -> dict[str, list[int]]:
    """The merged person's aliases move (those the kept one already has stay behind), and the
    merged person's name becomes an alias of the kept one."""
    known = set(PersonAlias.objects.filter(person=kept).values_list("normalised", flat=True))
    moving = []
    for pk, key in PersonAlias.objects.filter(person=merged).values_list("pk", "normalised"):
        if key not in known:
            moving.append(pk)
            known.add(key)
    PersonAlias.objects.filter(pk__in=moving).update(person=kept)
    created = []
    if merged.normalised not in known and merged.display_name != kept.display_name:
        created.append(
            PersonAlias.objects.create(
                person=kept,
                name=merged.display_name,
                normalised=merged.normalised,
                source=PersonAlias.Source.MERGE,
            ).pk
        )
    return {"aliases": moving, "aliases_created": created}


def _merge_details(kept: Person, merged: Person) -> dict[str, object]:
    """E-mails, phones and tags added to the kept person; its empty fields filled."""
    have = {e.lower() for e in kept.emails}
    emails = [e for e in merged.emails if e.lower() not in have]
    phones = [p for p in merged.phones if p not in kept.phones]
    filled = {
        f: getattr(merged, f) for f in MERGE_FILLS if getattr(merged, f) and not getattr(kept, f)
    }
    kept.emails = [*kept.emails, *emails]
    kept.phones = [*kept.phones, *phones]
    for field, value in filled.items():
        setattr(kept, field, value)
    kept.save(update_fields=["emails", "phones", *filled, "updated_at"])
    tags = list(merged.tags.exclude(pk__in=kept.tags.values("pk")).values_list("pk", flat=True))
    kept.tags.add(*tags)
    return {"emails": emails, "phones": phones, "tags": tags, "filled": filled}


@transaction.atomic
def person_merge_undo(*, by: User | None, merge: PersonMerge) -> PersonMerge:
    """Put back what a merge moved, exactly; refused once undone, or while a later merge of
    the kept person stands (undo that one first)."""
    if by is not None:
        ensure_registry(by, manage=True)
    merge = (
        PersonMerge.objects.select_for_update(of=("self",))
        .select_related("undone_by")
        .get(pk=merge.pk)
    )
    if merge.undone_at:
        raise ValidationProblem(
            _("This merge was already undone on %(date)s by %(who)s.")
            % {
                "date": date_format(timezone.localtime(merge.undone_at), "DATETIME_FORMAT"),
                "who": merge.undone_by.display_name if merge.undone_by else _("someone"),
            }
        )
    later = (
        PersonMerge.objects.filter(undone_at__isnull=True, pk__gt=merge.pk)
        .filter(Q(kept_id=merge.kept_id) | Q(merged_id=merge.kept_id))
        .select_related("kept", "merged")
        .order_by("-pk")
        .first()
    )
    if later is not None:
        raise ValidationProblem(
            _("A later merge depends on this one (%(merged)s into %(kept)s): undo that one first.")
            % {"merged": later.merged.display_name, "kept": later.kept.display_name}
        )
    kept, merged = _locked_pair(merge.kept, merge.merged)
    moved = merge.moved
    for link in PERSON_LINKS:
        model = link.model_class()
        ids = moved.get(link.key) or []
        if model is None or not ids:
            continue
        rows = model.objects.filter(pk__in=ids, **{link.field: kept})
        if link.unique_with and (
            clash := model.objects.filter(
                **{link.field: merged, f"{link.unique_with}__in": rows.values(link.unique_with)}
            ).first()
        ):
            raise ValidationProblem(
                _("%(name)s is now in %(what)s too: the merge cannot be undone.")
                % {
                    "name": merged.display_name,
                    "what": shared_label(getattr(clash, link.unique_with), by),
                }
            )
        rows.update(**{link.field: merged})
    PersonAlias.objects.filter(pk__in=moved.get("aliases", []), person=kept).update(person=merged)
    PersonAlias.objects.filter(pk__in=moved.get("aliases_created", []), person=kept).delete()
    _unmerge_details(kept, moved)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at, merge.undone_by = timezone.now(), by
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def _unmerge_details(kept: Person, moved: dict) -> None:
    added_emails = {e.lower() for e in moved.get("emails", [])}
    kept.emails = [e for e in kept.emails if e.lower() not in added_emails]
    kept.phones = [p for p in kept.phones if p not in set(moved.get("phones", []))]
    filled = [f for f, v in moved.get("filled", {}).items() if getattr(kept, f) == v]
    for field in filled:
        setattr(kept, field, "")
    kept.save(update_fields=["emails", "phones", *filled, "updated_at"])
    kept.tags.remove(*moved.get("tags", []))
