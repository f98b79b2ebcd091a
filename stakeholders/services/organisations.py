"""Writes on organisations: one name per country, no part of itself."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from common.names import normalise_text
from common.revisions import revision_take
from evaluations.permissions import Actor, ensure_registry
from history.selectors.conflicts import changes_since
from stakeholders.models import Country, Organisation, StakeholderGroup
from stakeholders.services.checks import clean_names, refuse


@transaction.atomic
def organisation_create(
    *,
    by: Actor,
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
    by: Actor,
    name: str,
    acronym: str,
    kind: str,
    country: Country | None,
    parent: Organisation | None,
    stakeholder_group: StakeholderGroup | None,
    aliases: Sequence[str],
) -> Organisation:
    """Check and store an organisation, new or changed (the same rules for both)."""
    ensure_registry(by, manage=True)
    name = " ".join(name.split())
    key = normalise_text(name)
    if not key:
        raise refuse("name", _("A name is required."))
    if kind not in Organisation.Kind.values:
        raise refuse("kind", _("Not a known kind of organisation."))
    same = Organisation.objects.filter(normalised=key, country=country)
    if organisation.pk:
        same = same.exclude(pk=organisation.pk)
        _check_parent(organisation, parent)
    if same.exists():
        raise refuse("name", _("“%(name)s” is already in the registry.") % {"name": name})
    organisation.name, organisation.normalised = name[:300], key[:300]
    organisation.acronym = acronym.strip()[:40]
    organisation.kind = kind
    organisation.country, organisation.parent = country, parent
    organisation.stakeholder_group = stakeholder_group
    organisation.aliases = clean_names(aliases)
    organisation.save()
    return organisation


def _check_parent(organisation: Organisation, parent: Organisation | None) -> None:
    seen = {organisation.pk}
    while parent is not None:
        if parent.pk in seen:
            raise refuse(
                "parent", _("An organisation cannot be part of itself or of one of its parts.")
            )
        seen.add(parent.pk)
        parent = parent.parent


@transaction.atomic
def organisation_update(
    *,
    by: Actor,
    organisation: Organisation,
    name: str,
    acronym: str = "",
    kind: str = Organisation.Kind.OTHER,
    country: Country | None = None,
    parent: Organisation | None = None,
    stakeholder_group: StakeholderGroup | None = None,
    aliases: Sequence[str] = (),
    revision: int | None = None,
) -> Organisation:
    """Change an organisation; one name per country, as when adding. `revision`: the one the
    edit is based on (EditConflict when it is old)."""
    ensure_registry(by, manage=True)
    revision_take(
        organisation,
        expected=revision,
        explain=lambda base: changes_since(revised=organisation, base=base),
    )
    return _organisation_save(
        organisation, by=by, name=name, acronym=acronym, kind=kind, country=country,
        parent=parent, stakeholder_group=stakeholder_group, aliases=aliases,
    )  # fmt: skip
