"""Writes on the interview log; one module per topic. Pages, the API and the importer all come
through here, so the same input gives the same rows whichever door it came in by."""

from interviews.services.categories import reporting_category_get_or_create
from interviews.services.checks import UNSET
from interviews.services.coverage import coverage_plan_set, coverage_target_set
from interviews.services.interviews import (
    INTERVIEW_UPDATABLE,
    follow_up_create,
    interview_create,
    interview_delete,
    interview_exclude,
    interview_include,
    interview_update,
)
from interviews.services.notes import note_add
from interviews.services.participants import ParticipantInput, participant_person_create

__all__ = [
    "INTERVIEW_UPDATABLE",
    "UNSET",
    "ParticipantInput",
    "coverage_plan_set",
    "coverage_target_set",
    "follow_up_create",
    "interview_create",
    "interview_delete",
    "interview_exclude",
    "interview_include",
    "interview_update",
    "note_add",
    "participant_person_create",
    "reporting_category_get_or_create",
]
