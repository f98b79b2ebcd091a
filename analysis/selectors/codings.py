"""Reads on codings and on the texts that can be coded, limited to what the user may read:
the lead evaluator reads every coding; the others never see a lead-only one (it counts in the
tallies only, suppressed), and see the others only where they may read the source (the
responses they may read, the team's interview notes and their own)."""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from analysis.models import Coding
from analysis.selectors.tallies import answer_value, participant_value
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
    by: str = "",
    value: str | None = None,
) -> QuerySet[Coding]:
    """The codings the user may read, oldest first, optionally of one code (its sub-codes
    included), one answer or one note, or one cell of a tally (`by` and its `value`)."""
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
    if by and value is not None:  # one cell of a tally: the respondent's or a participant's
        found = (
            found.annotate(
                t_answer=answer_value(by, "answer__response__"),
                t_note=participant_value(by, "note__interview__participations__"),
            )
            .filter(Q(answer__isnull=False, t_answer=value) | Q(note__isnull=False, t_note=value))
            .distinct()
        )
    return (
        found.select_related("coder", "note__interview__region", "answer__question")
        .select_related("answer__response")
        .prefetch_related("codes", "note__interview__participations__stakeholder_group")
        .prefetch_related("note__interview__participations__country")
        .order_by("created_at", "pk")
    )


def attribution_of(coding: Coding) -> str:
    """How a report may name the source of an excerpt, never by name: the note's own
    attribution, else who took part (stakeholder group, country or region); for an answer,
    the respondent's group and region from the response's snapshot."""
    if coding.note is not None:
        if coding.note.attribution:
            return coding.note.attribution
        interview = coding.note.interview
        parts = list(interview.participations.all())
        groups = sorted({p.stakeholder_group.name for p in parts if p.stakeholder_group})
        places = sorted({p.country.name for p in parts if p.country}) or (
            [interview.region.name] if interview.region else []
        )
        where = ", ".join(places)
        who = ", ".join(groups) or _("interviewee")
        return (
            _("%(who)s, interviewed in %(where)s") % {"who": who, "where": where} if where else who
        )
    attributes = coding.answer.response.attributes if coding.answer is not None else {}
    facts = [str(attributes.get(key) or "").strip() for key in ("stakeholder_group", "region")]
    shown = ", ".join(fact for fact in facts if fact)
    return _("a respondent (%(facts)s)") % {"facts": shown} if shown else _("a respondent")


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
        .select_related("question__section", "response__distribution")
        .order_by("question__section__order", "question__order", "response__submitted_at", "pk")
    )


def codable_notes(
    *,
    user: User | AnonymousUser,
    evaluation: Evaluation,
    interview: Interview | None = None,
) -> QuerySet[InterviewNote]:
    """The notes the user may read (and so code): of one interview, or of the whole
    evaluation in one query."""
    if not can(user, Action.VIEW_RESPONSES, evaluation):
        raise PermissionDenied(_("Your role does not include the interview log."))
    notes = InterviewNote.objects.filter(interview__evaluation=evaluation)
    if interview is not None:
        notes = notes.filter(interview=interview)
    if role_of(user, evaluation) != Role.LEAD:
        notes = notes.filter(Q(visibility=InterviewNote.Visibility.TEAM) | Q(created_by=user.pk))
    return notes.order_by(
        F("interview__date").asc(nulls_last=True), "interview", "created_at", "pk"
    )
