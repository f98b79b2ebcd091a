"""Merging two people into one and undoing it exactly; telling two people apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.revisions import revision_bump
from evaluations.permissions import Actor, author_of, ensure_registry
from history.services import record
from stakeholders.models import NotDuplicate, Person, PersonAlias, PersonMerge
from stakeholders.selectors.merges import PERSON_LINKS, merge_conflicts, person_final, shared_label

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def not_duplicate_add(*, by: Actor, first: Person, second: Person) -> NotDuplicate:
    """Record that two people are different, so they are no longer proposed as one."""
    ensure_registry(by, manage=True)
    if first.pk == second.pk:
        raise ValidationProblem(_("Choose two different people."))
    low, high = sorted((first.pk, second.pk))
    return NotDuplicate.objects.get_or_create(
        first_id=low, second_id=high, defaults={"by": author_of(by)}
    )[0]


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
    for person in people.values():  # an edit form loaded before the merge is stale
        person.revision = revision_bump(Person, person.pk)
    return people[kept.pk], people[merged.pk]


@transaction.atomic
def person_merge(
    *, by: Actor, kept: Person, merged: Person, score: float | None = None
) -> PersonMerge:
    """Merge `merged` into `kept`: names, aliases, affiliations, invitations (and whatever else
    PERSON_LINKS lists), e-mails, phones and tags go to `kept`; `merged` stays, pointing at
    `kept`, and everything moved is recorded so that `person_merge_undo` puts it back."""
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
    _refuse_shared(kept, merged, author_of(by))
    moved: dict[str, object] = {"names": {"kept": kept.display_name, "merged": merged.display_name}}
    for link in PERSON_LINKS:
        model = link.model_class()
        if model is None:
            moved[link.key] = []
            continue
        rows = model._default_manager.filter(**{link.field: merged})
        ids = list(rows.values_list("pk", flat=True))
        moved[link.key] = ids
        if ids:
            rows.update(**{link.field: kept})
            _record_moves(model, ids, link.field, merged, kept, verb="merge")
    moved.update(_merge_aliases(kept, merged))
    moved.update(_merge_details(kept, merged))
    merged.merged_into = kept
    merged.save(update_fields=["merged_into", "updated_at"])
    _record_merge(kept, merged, moved, verb="merge")
    return PersonMerge.objects.create(
        kept=kept, merged=merged, by=author_of(by), score=score, moved=moved
    )


def _record_moves(
    model: type[Model], ids: list[int], field: str, before: Person, after: Person, *, verb: str
) -> None:
    """The rows a merge (or its undo) moved in bulk, one history entry each: the page of an
    invitation or an interview shows whom it now belongs to."""
    for row in model._default_manager.filter(pk__in=ids):
        record(row, verb=verb, changes={field: [before.pk, after.pk]})


# What a merge moves, by the key it has in PersonMerge.moved.
MOVED_KEYS = (*(link.key for link in PERSON_LINKS), "aliases", "emails", "phones", "tags")


def _record_merge(kept: Person, merged: Person, moved: dict, *, verb: str) -> None:
    """One entry on each of the two people ("merge" or "unmerge"): whom it joined or left, and
    what moved between them ({what: [ids before, ids after]})."""
    went = {key: moved[key] for key in MOVED_KEYS if moved.get(key)}
    merging = verb == "merge"
    for person, other, field, gains in (
        (kept, merged, "merged", merging),
        (merged, kept, "merged_into", not merging),
    ):
        link = [None, other.pk] if merging else [other.pk, None]
        moves = {key: [[], items] if gains else [items, []] for key, items in went.items()}
        record(person, verb=verb, changes={field: link, **moves})


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
    _record_moves(PersonAlias, moving, "person", merged, kept, verb="merge")
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
def person_merge_undo(*, by: Actor, merge: PersonMerge) -> PersonMerge:
    """Put back what a merge moved, exactly; refused once undone, or while a later merge of
    the kept person stands (undo that one first)."""
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
        rows = model._default_manager.filter(pk__in=ids, **{link.field: kept})
        if link.unique_with and (
            clash := model._default_manager.filter(
                **{link.field: merged, f"{link.unique_with}__in": rows.values(link.unique_with)}
            ).first()
        ):
            raise ValidationProblem(
                _("%(name)s is now in %(what)s too: the merge cannot be undone.")
                % {
                    "name": merged.display_name,
                    "what": shared_label(getattr(clash, link.unique_with), author_of(by)),
                }
            )
        back = list(rows.values_list("pk", flat=True))
        rows.update(**{link.field: merged})
        _record_moves(model, back, link.field, kept, merged, verb="unmerge")
    aliases = PersonAlias.objects.filter(pk__in=moved.get("aliases", []), person=kept)
    back = list(aliases.values_list("pk", flat=True))
    aliases.update(person=merged)
    _record_moves(PersonAlias, back, "person", kept, merged, verb="unmerge")
    PersonAlias.objects.filter(pk__in=moved.get("aliases_created", []), person=kept).delete()
    _unmerge_details(kept, moved)
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    _record_merge(kept, merged, moved, verb="unmerge")
    merge.undone_at, merge.undone_by = timezone.now(), author_of(by)
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
