"""Reads on merges: what points at a person and follows them into a merge, what a merge
would move or what prevents it, and the merges done."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from evaluations.permissions import ensure_registry
from evaluations.selectors import evaluation_list
from stakeholders.models import Person, PersonMerge

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


@dataclass(frozen=True)
class PersonLink:
    """A table whose rows point at a person, and follow the person into a merge."""

    key: str  # the list of moved row ids in PersonMerge.moved
    model: str  # "app_label.ModelName"
    field: str = "person"
    # A field that is unique together with the person: two people who both have a row with
    # the same value there cannot be merged (the row would be there twice).
    unique_with: str = ""

    def model_class(self) -> type[Model] | None:
        """The model, or None while its app does not define it (yet)."""
        try:
            model = apps.get_model(self.model)
            model._meta.get_field(self.field)
        except (LookupError, FieldDoesNotExist):
            return None
        return model


# Everything that points at a person, moved by a merge and put back by its undo: the one place
# to extend. A person takes part in an interview once, so two people in the same interview are
# not merged (tests/interviews/test_merge.py).
PERSON_LINKS: tuple[PersonLink, ...] = (
    PersonLink("affiliations", "stakeholders.Affiliation"),
    PersonLink("invitations", "questionnaires.Invitation", unique_with="distribution"),
    PersonLink("participations", "interviews.Participation", unique_with="interview"),
)


def person_final(person: Person) -> Person:
    """The person a merged person ended up in (following merges of merges); else the person."""
    seen = {person.pk}
    while person.merged_into_id and person.merged_into_id not in seen:
        seen.add(person.merged_into_id)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def merge_conflicts(*, kept: Person, merged: Person) -> list[tuple[PersonLink, Model]]:
    """What both people hold that may be held once per person (e.g. both invited to one
    distribution): (link, the shared object) pairs; a merge is refused while there is one."""
    found: list[tuple[PersonLink, Model]] = []
    for link in PERSON_LINKS:
        model = link.model_class()
        if model is None or not link.unique_with:
            continue
        shared = model._default_manager.filter(**{link.field: kept}).values(link.unique_with)
        rows = model._default_manager.filter(
            **{link.field: merged, f"{link.unique_with}__in": shared}
        ).select_related(link.unique_with)
        found.extend((link, getattr(row, link.unique_with)) for row in rows)
    return found


def shared_label(obj: Model, user: User | AnonymousUser | None) -> str:
    """What two people share that prevents a merge (a distribution), named only for those who
    are members of its evaluation."""
    evaluation = getattr(obj, "evaluation", None)
    if evaluation is None:
        return f"“{obj}”"
    if user is not None and not evaluation_list(user=user).filter(pk=evaluation.pk).exists():
        if obj._meta.label == "interviews.Interview":
            return _("interview no. %(id)s of an evaluation you are not a member of") % {
                "id": obj.pk
            }
        return _("questionnaire no. %(id)s of an evaluation you are not a member of") % {
            "id": obj.pk
        }
    return _("“%(title)s” (%(evaluation)s)") % {"title": obj, "evaluation": evaluation.title}


def person_merges(*, person: Person) -> list[PersonMerge]:
    """Merges the person took part in, kept or merged, newest first."""
    return list(
        PersonMerge.objects.filter(Q(kept=person) | Q(merged=person))
        .select_related("kept", "merged", "by", "undone_by")
        .order_by("-at", "-pk")
    )


def merge_preview(*, kept: Person, merged: Person) -> dict[str, object]:
    """What a merge would move, and what prevents it, for the confirmation page."""
    counts = {}
    for link in PERSON_LINKS:
        model = link.model_class()
        counts[link.key] = (
            model._default_manager.filter(**{link.field: merged}).count() if model else 0
        )
    have = {e.lower() for e in kept.emails}
    return {
        "counts": counts,
        "aliases": merged.aliases.count(),
        "emails": [e for e in merged.emails if e.lower() not in have],
        "phones": [p for p in merged.phones if p not in kept.phones],
        "conflicts": [shared for _link, shared in merge_conflicts(kept=kept, merged=merged)],
    }


def merge_list(*, user: User | AnonymousUser, person: Person | None = None) -> QuerySet:
    """Merges, newest first; those of one person (kept or merged) when given."""
    ensure_registry(user)
    merges = PersonMerge.objects.select_related("kept", "merged", "by", "undone_by")
    if person is not None:
        merges = merges.filter(Q(kept=person) | Q(merged=person))
    return merges.order_by("-at", "-pk")
