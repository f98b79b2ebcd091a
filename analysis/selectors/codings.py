"""Reads on codings and on the texts that can be coded, limited to what the user may read:
the lead evaluator reads every coding; the others never see a lead-only one (it counts in the
tallies only, suppressed), and see the others only where they may read the source (the
responses they may read, the team's interview notes and their own)."""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from analysis.models import Coding
from analysis.services.codings import OPEN_KINDS
from evaluations.permissions import Action, Role, can, is_system, role_of
from interviews.models import Interview, InterviewNote
from questionnaires.models import Answer, Distribution, Response
from questionnaires.selectors import readable_responses_filter

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from evaluations.permissions import System

NOBODY = Q(pk__in=[])


def readable_codings_filter(
    user: User | AnonymousUser | System, evaluation: Evaluation, *, prefix: str = ""
) -> Q:
    """The codings of the evaluation the user may read, as one filter on Coding."""
    mine = Q(**{f"{prefix}evaluation": evaluation})
    if is_system(user) or role_of(user, evaluation) == Role.LEAD:
        return mine
    if not can(user, Action.VIEW_RESPONSES, evaluation):
        return NOBODY
    answers = [
        readable_responses_filter(user, distribution, prefix=f"{prefix}answer__response__")
        for distribution in Distribution.objects.filter(evaluation=evaluation)
    ]
    readable = [where for where in answers if where is not None]
    notes = Q(**{f"{prefix}note__isnull": False}) & (
        Q(**{f"{prefix}note__visibility": InterviewNote.Visibility.TEAM})
        | Q(**{f"{prefix}note__created_by": user.pk})
    )
    return mine & Q(**{f"{prefix}lead_only": False}) & reduce(operator.or_, readable, notes)


def codings_of(
    *,
    user: User | AnonymousUser | System,
    evaluation: Evaluation,
    code: int | None = None,
    answer: int | None = None,
    note: int | None = None,
) -> QuerySet[Coding]:
    """The codings the user may read, oldest first, optionally of one code (its sub-codes
    included), one answer or one note."""
    if not is_system(user) and not can(user, Action.VIEW_RESPONSES, evaluation):
        raise PermissionDenied(_("Your role does not include reading coded excerpts."))
    found = Coding.objects.filter(readable_codings_filter(user, evaluation))
    if code is not None:
        found = found.filter(
            Q(codes=code) | Q(codes__parent=code) | Q(codes__parent__parent=code)
        ).distinct()
    if answer is not None:
        found = found.filter(answer=answer)
    if note is not None:
        found = found.filter(note=note)
    return (
        found.select_related("coder", "note__interview", "answer__question")
        .prefetch_related("codes")
        .order_by("created_at", "pk")
    )


def codable_answers(*, user: User | AnonymousUser, distribution: Distribution) -> QuerySet[Answer]:
    """The distribution's non-empty open answers the user may read (and so code)."""
    allowed = readable_responses_filter(user, distribution, prefix="response__")
    if allowed is None:
        raise PermissionDenied(_("Your role does not include reading these answers."))
    return (
        Answer.objects.filter(
            allowed,
            response__distribution=distribution,
            response__status=Response.Status.SUBMITTED,
            question__kind__in=OPEN_KINDS,
        )
        .exclude(text="")
        .select_related("question", "response__distribution")
        .order_by("question__section__order", "question__order", "response__submitted_at", "pk")
    )


def codable_notes(*, user: User | AnonymousUser, interview: Interview) -> QuerySet[InterviewNote]:
    """The interview's notes the user may read (and so code)."""
    evaluation = interview.evaluation
    if not can(user, Action.VIEW_RESPONSES, evaluation):
        raise PermissionDenied(_("Your role does not include the interview log."))
    notes = InterviewNote.objects.filter(interview=interview)
    if role_of(user, evaluation) != Role.LEAD:
        notes = notes.filter(Q(visibility=InterviewNote.Visibility.TEAM) | Q(created_by=user.pk))
    return notes.order_by("created_at", "pk")
