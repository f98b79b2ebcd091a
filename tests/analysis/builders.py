"""Builders for the analysis tests: answered questionnaires and noted interviews through the
real services, a small codebook."""

from __future__ import annotations

import itertools

from analysis.models import Code
from analysis.services.codebook import code_save
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews.models import Interview, InterviewNote
from interviews.services.notes import note_add
from questionnaires.models import Answer, Distribution
from tests.interviews.builders import group, log, person
from tests.reports.builders import staff_version, survey

_numbers = itertools.count(1)
FUNDING_TEXT = "Funding was short. The unions were not consulted at all."


def answered(
    evaluation: Evaluation, confidentiality: str, *groups: str, version=None
) -> Distribution:
    """The staff questionnaire answered once per stakeholder group given (B1: open text)."""
    return survey(
        evaluation,
        version or staff_version(evaluation),
        [
            {"attributes": {"stakeholder_group": name, "region": "Africa"},
             "answers": {"B1": FUNDING_TEXT}}
            for name in groups
        ],
        confidentiality=confidentiality,
    )  # fmt: skip


def open_answers(distribution: Distribution) -> list[Answer]:
    return list(
        Answer.objects.filter(response__distribution=distribution, question__key="B1").order_by(
            "response__submitted_at", "pk"
        )
    )


def noted(
    evaluation: Evaluation,
    *,
    visibility: str = "team",
    by=SYSTEM,
    attribution: str = "an official in Nairobi",
) -> InterviewNote:
    """An interview with two named participants (Government, Workers) and one note."""
    n = next(_numbers)
    interview: Interview = log(
        evaluation,
        person(f"Ana Example{n}", job_title="Director", group_code="government", country_code="KE"),
        person(f"Ben Sample{n}", job_title="Organiser", group_code="workers", country_code="KE"),
    )
    return note_add(
        interview=interview,
        by=by,
        text="One official said the office was understaffed.",
        attribution=attribution,
        visibility=visibility,
    )


def codes(evaluation: Evaluation) -> dict[str, Code]:
    funding = code_save(evaluation=evaluation, by=SYSTEM, name="Funding")
    short = code_save(evaluation=evaluation, by=SYSTEM, name="Shortfall", parent=funding)
    unions = code_save(evaluation=evaluation, by=SYSTEM, name="Unions")
    return {"funding": funding, "short": short, "unions": unions}


__all__ = ["answered", "codes", "group", "noted", "open_answers"]
