"""Reads on stakeholder groups: a group from what people typed, and the controlled list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from evaluations.permissions import ensure_registry
from stakeholders.models import StakeholderGroup
from stakeholders.selectors.places import by_name_or_alias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def group_find(text: str) -> StakeholderGroup | None:
    """'Workers', 'Trade unions', 'government' -> the stakeholder group; None when unknown."""
    return by_name_or_alias(StakeholderGroup.objects.all(), text)


def group_list(*, user: User | AnonymousUser) -> QuerySet[StakeholderGroup]:
    """The controlled list, in order, with how often each group is used."""
    ensure_registry(user)
    return StakeholderGroup.objects.annotate(
        organisation_count=Count("organisations", distinct=True),
        affiliation_count=Count("affiliations", distinct=True),
    ).order_by("order", "name")
