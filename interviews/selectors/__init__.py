"""Reads on the interview log, limited to what the user may see; one module per topic: the log
with its counts (`log`), people and their interviews (`people`), an interview's notes and guide
questions (`notes`), the coverage plan against what was reached (`coverage_plan`).

Other apps and the tests read them from here (`from interviews.selectors import log_counts`);
code in this app imports from the submodule. Importing this package also registers
`person_evaluations` with the registry's person page (see InterviewsConfig.ready).
"""

from interviews.selectors.coverage_plan import (
    METHOD_MODES,
    CoverageCell,
    CoverageMatrix,
    CoveragePlace,
    MatrixCell,
    MatrixRow,
    MethodMatrix,
    coverage,
    coverage_header,
    coverage_matrix,
    coverage_place,
    coverage_rows,
)
from interviews.selectors.log import (
    READ_ACTION,
    READ_ROLES,
    InterviewLog,
    LogCounts,
    ensure_can_read,
    group_met_before,
    interview_get,
    interview_list,
    interviews_with_details,
    log_counts,
    participations_with_details,
    reporting_categories,
)
from interviews.selectors.notes import guide_questions, notes_for
from interviews.selectors.people import PersonEvaluation, person_evaluations, person_interviews

__all__ = [
    "METHOD_MODES",
    "READ_ACTION",
    "READ_ROLES",
    "CoverageCell",
    "CoverageMatrix",
    "CoveragePlace",
    "InterviewLog",
    "LogCounts",
    "MatrixCell",
    "MatrixRow",
    "MethodMatrix",
    "PersonEvaluation",
    "coverage",
    "coverage_header",
    "coverage_matrix",
    "coverage_place",
    "coverage_rows",
    "ensure_can_read",
    "group_met_before",
    "guide_questions",
    "interview_get",
    "interview_list",
    "interviews_with_details",
    "log_counts",
    "notes_for",
    "participations_with_details",
    "person_evaluations",
    "person_interviews",
    "reporting_categories",
]
