"""Writes on the registry. Every door (pages, API, importer, commands) comes through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.names import normalise, normalise_text, parse_name
from evaluations.permissions import ensure_registry
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    StakeholderGroup,
    Tag,
)

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
        person_alias_add(person=person, name=alias, source=PersonAlias.Source.IMPORT)
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
    if by is not None:
        ensure_registry(by, manage=True)
    name = " ".join(name.split())
    key = normalise_text(name)
    if not key:
        raise ValidationProblem(_("A name is required."), errors={"name": [_("Required.")]})
    if kind not in Organisation.Kind.values:
        raise ValidationProblem(_("Unknown kind."), errors={"kind": [_("Not a known kind.")]})
    if Organisation.objects.filter(normalised=key, country=country).exists():
        message = _("“%(name)s” is already in the registry.") % {"name": name}
        raise ValidationProblem(message, errors={"name": [message]})
    return Organisation.objects.create(
        name=name[:300],
        normalised=key[:300],
        acronym=acronym.strip()[:40],
        kind=kind,
        country=country,
        parent=parent,
        stakeholder_group=stakeholder_group,
        aliases=[a.strip() for a in aliases if a.strip()],
    )
