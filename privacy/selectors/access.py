"""Who may export or erase a person, and what an export shows them.

A person "appears in" an evaluation when they took part in one of its interviews, referred
one, or were invited to one of its distributions; the people merged into them count as them
(their rows moved to the person kept, their own registry rows stay behind)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from evaluations.models import Evaluation, Membership
from evaluations.permissions import Actor, Role, can_read_answers, is_system
from interviews.models import Interview, Participation
from questionnaires.models import Invitation
from stakeholders.models import Person

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


# Who reads a person's invitations and interviews in an evaluation (as the log and tracking do).
LOG_ROLES = frozenset({Role.LEAD, Role.EVALUATOR, Role.DATA_ENTRY})


def person_family(person: Person) -> list[Person]:
    """The person and everyone merged into them (directly or through another merge)."""
    family = [person]
    seen = {person.pk}
    frontier = [person.pk]
    while frontier:
        merged = list(Person.objects.filter(merged_into__in=frontier).exclude(pk__in=seen))
        family.extend(merged)
        seen.update(p.pk for p in merged)
        frontier = [p.pk for p in merged]
    return family


def person_evaluation_ids(people_ids: list[int]) -> set[int]:
    """The evaluations these people appear in (interviews, referrals, invitations)."""
    ids = set(
        Participation.objects.filter(person__in=people_ids).values_list(
            "interview__evaluation_id", flat=True
        )
    )
    ids.update(
        Interview.objects.filter(referred_by__in=people_ids).values_list("evaluation_id", flat=True)
    )
    ids.update(
        Invitation.objects.filter(person__in=people_ids).values_list(
            "distribution__evaluation_id", flat=True
        )
    )
    return ids


def is_staff(by: Actor | AnonymousUser) -> bool:
    """Staff users (and the system) see and may erase everything about anyone."""
    if is_system(by):
        return True
    return bool(by.is_authenticated and by.is_active and by.is_staff)


def _roles(user: Actor | AnonymousUser) -> dict[int, str]:
    if is_system(user) or not user.is_authenticated or not user.is_active:
        return {}
    return dict(Membership.objects.filter(user=user).values_list("evaluation_id", "role"))


@dataclass(frozen=True)
class Reader:
    """What one requester may read of a person's records, evaluation by evaluation."""

    user: Actor | AnonymousUser
    everything: bool = False
    roles: dict[int, str] = field(default_factory=dict)

    def role(self, evaluation_id: int) -> str | None:
        return self.roles.get(evaluation_id)

    def reads_log(self, evaluation_id: int) -> bool:
        return self.everything or self.role(evaluation_id) in LOG_ROLES

    def reads_lead_only(self, evaluation_id: int) -> bool:
        return self.everything or self.role(evaluation_id) == Role.LEAD

    def reads_answers(self, evaluation: Evaluation, *, confidentiality: str, entered_by_id) -> bool:
        user = self.user
        if self.everything or is_system(user):
            return True
        if self.role(evaluation.pk) is None:
            return False
        return can_read_answers(
            user, evaluation, confidentiality=confidentiality, entered_by_id=entered_by_id
        )

    def reads_history(self, evaluation_id: int | None, lead_only: bool) -> bool:
        if self.everything:
            return True
        if evaluation_id is None:
            return True  # the registry's own entries: every registry reader sees them
        if lead_only:
            return self.role(evaluation_id) == Role.LEAD
        return self.role(evaluation_id) is not None


def _refused(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def export_reader(*, by: Actor | AnonymousUser, person: Person) -> Reader:
    """The reader of a person's export: staff (everything), or a lead evaluator of an
    evaluation the person appears in (what they may read); anyone else is refused."""
    if is_staff(by):
        return Reader(user=by, everything=True)
    roles = _roles(by)
    appears_in = person_evaluation_ids([p.pk for p in person_family(person)])
    leads = {pk for pk, role in roles.items() if role == Role.LEAD}
    if not (leads & appears_in or (not appears_in and leads)):
        raise _refused(
            _(
                "Only a lead evaluator of an evaluation %(name)s appears in, or a staff user, "
                "can see everything Consulta holds about them."
            )
            % {"name": person.display_name}
        )
    return Reader(user=by, roles=roles)


def ensure_may_erase(
    *, by: Actor | AnonymousUser, person: Person, evaluation_ids: set[int]
) -> None:
    """Staff, or the lead evaluator of every evaluation the person appears in (of some
    evaluation when they appear in none); PermissionDenied naming what is missing."""
    if is_staff(by):
        return
    roles = _roles(by)
    leads = {pk for pk, role in roles.items() if role == Role.LEAD}
    if not evaluation_ids and leads:
        return
    missing = evaluation_ids - leads
    if evaluation_ids and not missing:
        return
    shown = [t for pk, t in _titles(missing) if pk in roles]
    hidden = len(missing) - len(shown)
    what = ", ".join(f"“{t}”" for t in shown)
    if hidden:
        what = (what + ", " if what else "") + _("%(n)d evaluation(s) you are not a member of") % {
            "n": hidden
        }
    raise _refused(
        _(
            "Only a staff user, or the lead evaluator of every evaluation %(name)s appears in, "
            "can erase them. You are not the lead of: %(what)s."
        )
        % {"name": person.display_name, "what": what or _("any evaluation")}
    )


def ensure_erase_allowed(*, by: Actor | AnonymousUser, person: Person) -> None:
    """ensure_may_erase for the evaluations the person (and those merged into them) appear in."""
    ids = [p.pk for p in person_family(person)]
    ensure_may_erase(by=by, person=person, evaluation_ids=person_evaluation_ids(ids))


def _titles(ids: set[int]) -> list[tuple[int, str]]:
    return list(Evaluation.objects.filter(pk__in=ids).order_by("title").values_list("pk", "title"))


__all__ = [
    "Reader",
    "ensure_erase_allowed",
    "ensure_may_erase",
    "export_reader",
    "is_staff",
    "person_evaluation_ids",
    "person_family",
]
