"""Reads on one interview's notes and the questions of its guide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q

from evaluations.permissions import Role, role_of
from interviews.guide import asked
from interviews.models import Interview, InterviewNote
from interviews.selectors.log import ensure_can_read
from questionnaires.models import Question

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def notes_for(*, user: User | AnonymousUser, interview: Interview) -> list[InterviewNote]:
    """The notes the user may read, by guide question (in the guide's order), free notes last.
    Notes for the lead only are shown to the lead evaluator and to whoever wrote them."""
    ensure_can_read(user, interview.evaluation)
    notes = InterviewNote.objects.filter(interview=interview)
    if role_of(user, interview.evaluation) != Role.LEAD:
        notes = notes.filter(Q(visibility=InterviewNote.Visibility.TEAM) | Q(created_by=user.pk))
    return list(
        notes.select_related("question__section", "created_by").order_by(
            F("question__section__order").asc(nulls_last=True),
            F("question__order").asc(nulls_last=True),
            "created_at",
            "pk",
        )
    )


def guide_questions(*, interview: Interview) -> list[Question]:
    """The questions of the interview's guide that apply to its interviewee (the guide's
    conditions on its declared attributes, e.g. "only to MIGRANT colleagues working with the
    GMG"), in order; none without a guide. When the interviewee's type is not recorded, all
    the guide's questions are offered."""
    if interview.guide_version_id is None:
        return []
    questions = (
        Question.objects.filter(version=interview.guide_version_id)
        .select_related("section")
        .order_by("section__order", "order")
    )
    attributes = interview.guide_attributes or {}
    return [q for q in questions if asked(q, attributes)]
