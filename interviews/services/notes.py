"""Notes on an interview: per question of its guide, or free; for the team or the lead."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from evaluations.locks import ensure_log_unlocked
from evaluations.permissions import Actor, author_of
from interviews.guide import asked, condition_text
from interviews.models import Interview, InterviewNote
from interviews.services.checks import check_choice, check_length, ensure_can_log, refuse
from questionnaires.models import Question


@transaction.atomic
def note_add(
    *,
    interview: Interview,
    by: Actor,
    text: str,
    question: Question | None = None,
    attribution: str = "",
    visibility: str = InterviewNote.Visibility.TEAM,
) -> InterviewNote:
    """A note on one question of the interview's guide, or a free note; `lead` notes are read
    by the lead evaluator only (and by whoever wrote them)."""
    ensure_can_log(by, interview.evaluation)
    ensure_log_unlocked(interview.evaluation)
    text = (text or "").strip()
    if not text:
        raise refuse("text", _("The note is empty."))
    attribution = check_length(InterviewNote, "attribution", attribution)
    check_choice("visibility", visibility, InterviewNote.Visibility, _("visibility"))
    if question is not None:
        if interview.guide_version_id is None:
            raise refuse(
                "question",
                _(
                    "This interview has no interview guide: choose its guide first, or write a "
                    "free note."
                ),
            )
        if question.version_id != interview.guide_version_id:
            raise refuse(
                "question",
                _("Question %(question)s is not in this interview's guide (%(guide)s).")
                % {"question": question.label or question.key, "guide": interview.guide_version},
            )
        if not asked(question, interview.guide_attributes or {}):
            raise refuse(
                "question",
                _("Question %(question)s is not asked of this interviewee (%(rule)s).")
                % {
                    "question": question.label or question.key,
                    # The question's version is the interview's guide (checked above).
                    "rule": condition_text(question, question.version),
                },
            )
    return InterviewNote.objects.create(
        interview=interview,
        question=question,
        text=text,
        attribution=attribution,
        visibility=visibility,
        created_by=author_of(by),
    )
