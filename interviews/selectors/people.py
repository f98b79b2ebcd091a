"""Reads on the people of the log: a person's interviews, and the evaluations a person took
part in for the registry's person page (registered with the registry when this module loads)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet

from evaluations.models import Evaluation, Membership
from evaluations.permissions import ensure_registry
from evaluations.selectors import evaluation_list
from interviews.models import Interviewer, Participation
from interviews.selectors.log import READ_ROLES, participations_with_details
from questionnaires.models import Invitation
from stakeholders.models import Person
from stakeholders.selectors import person_history_register

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def person_interviews(*, user: User | AnonymousUser, person: Person) -> QuerySet[Participation]:
    """The person's participations (interview, and the affiliation of that day), newest first,
    in the evaluations where the user may read the log."""
    if not user.is_authenticated or not user.is_active:
        return Participation.objects.none()
    readable = Membership.objects.filter(
        evaluation=OuterRef("interview__evaluation"), user=user, role__in=READ_ROLES
    )
    return (
        participations_with_details()
        .filter(person=person)
        .filter(Exists(readable))
        .select_related(
            "interview__evaluation",
            "interview__country",
            "interview__category",
            "interview__follow_up_of",
        )
        .prefetch_related(
            Prefetch(
                "interview__interviewers",
                queryset=Interviewer.objects.select_related("membership__user"),
            )
        )
        .order_by(F("interview__date").desc(nulls_last=True), "-interview__pk")
    )


@dataclass
class PersonEvaluation:
    evaluation: Evaluation
    invitations: list[Invitation] = field(default_factory=list)
    participations: list[Participation] = field(default_factory=list)  # interviews, newest first


@person_history_register
def person_evaluations(
    *, user: User | AnonymousUser, person: Person
) -> tuple[list[PersonEvaluation], int]:
    """The evaluations the person took part in: those the user is a member of, with what the
    person was invited to and the interviews they took part in (where the user may read the
    interview log); and how many others (not named)."""
    ensure_registry(user)
    visible = set(evaluation_list(user=user).values_list("pk", flat=True))
    shown: dict[int, PersonEvaluation] = {}
    hidden: set[int] = set()
    for participation in person_interviews(user=user, person=person):
        evaluation = participation.interview.evaluation
        shown.setdefault(evaluation.pk, PersonEvaluation(evaluation)).participations.append(
            participation
        )
    interviewed_in = set(
        Participation.objects.filter(person=person).values_list("interview__evaluation", flat=True)
    )
    hidden.update(interviewed_in - visible)
    invitations = (
        Invitation.objects.filter(person=person)
        .select_related("distribution__evaluation")
        .order_by("-distribution__evaluation__created_at", "distribution__title", "pk")
    )
    for invitation in invitations:
        evaluation = invitation.distribution.evaluation
        if evaluation.pk in visible:
            shown.setdefault(evaluation.pk, PersonEvaluation(evaluation)).invitations.append(
                invitation
            )
        else:
            hidden.add(evaluation.pk)
    return list(shown.values()), len(hidden)
