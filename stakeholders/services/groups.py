"""Writes on the controlled list of stakeholder groups."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import Actor, ensure_registry
from stakeholders.models import StakeholderGroup
from stakeholders.services.checks import clean_names, refuse, refuse_alias_clash


def _group_checks(group: StakeholderGroup | None, name: str, aliases: Sequence[str]) -> str:
    name = " ".join(name.split())
    if not name:
        raise refuse("name", _("A name is required."))
    others = StakeholderGroup.objects.all()
    if group is not None:
        others = others.exclude(pk=group.pk)
    refuse_alias_clash(others, [name], field="name")
    refuse_alias_clash(others, aliases)
    return name


@transaction.atomic
def group_create(
    *,
    by: Actor,
    name: str,
    code: str = "",
    aliases: Sequence[str] = (),
    order: int | None = None,
) -> StakeholderGroup:
    """Add a stakeholder group to the controlled list (at the end unless an order is given)."""
    ensure_registry(by, manage=True)
    aliases = clean_names(aliases)
    name = _group_checks(None, name, aliases)
    code = slugify(code or name)[:40]
    if not code:
        raise refuse("code", _("The code needs at least one letter or digit."))
    if StakeholderGroup.objects.filter(code=code).exists():
        raise refuse("code", _("The code “%(code)s” is taken.") % {"code": code})
    if order is None:
        order = (StakeholderGroup.objects.aggregate(m=Max("order"))["m"] or 0) + 1
    return StakeholderGroup.objects.create(name=name, code=code, order=order, aliases=aliases)


@transaction.atomic
def group_update(
    *,
    by: Actor,
    group: StakeholderGroup,
    name: str,
    aliases: Sequence[str] = (),
    active: bool = True,
    order: int | None = None,
) -> StakeholderGroup:
    """Rename, re-alias, (de)activate or move a group. Its code stays: files and saved
    audiences refer to it."""
    ensure_registry(by, manage=True)
    aliases = clean_names(aliases)
    group.name = _group_checks(group, name, aliases)
    group.aliases, group.active = aliases, active
    if order is not None:
        group.order = order
    group.save()
    return group


@transaction.atomic
def group_move(*, by: Actor, group: StakeholderGroup, up: bool) -> None:
    """Move a group one place up or down the list (the list is renumbered 1, 2, 3 …)."""
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
def group_delete(*, by: Actor, group: StakeholderGroup) -> None:
    """Remove a group nobody uses; one in use can only be deactivated."""
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
