"""Reads of the questionnaires, one module per topic: instruments, distributions, responses,
and response tracking. The functions below stay importable as questionnaires.selectors.<name>
for the other apps; code inside the app imports from the submodules."""

from questionnaires.selectors.distributions import distribution_list
from questionnaires.selectors.instruments import (
    SCALES_KEY,
    instrument_list,
    question_spec,
    scale_spec,
    version_content,
    version_get,
    version_spec,
)
from questionnaires.selectors.responses import (
    answers_refusal,
    readable_responses_filter,
    response_answers,
    response_rows,
)

__all__ = [
    "SCALES_KEY",
    "answers_refusal",
    "distribution_list",
    "instrument_list",
    "question_spec",
    "readable_responses_filter",
    "response_answers",
    "response_rows",
    "scale_spec",
    "version_content",
    "version_get",
    "version_spec",
]
