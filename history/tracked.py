"""What the history records, in one table: each tracked model, the fields it leaves out (secrets,
tokens, bookkeeping), and how an entry finds its evaluation, its person and its page.

Models are named by label, not imported: this app sits low in the layers (README,
"Architecture") and the models above it are only read through these paths at run time.
Not tracked, on purpose: respondents' answers (Response, Answer), messages (the outbox is their
record), export jobs (recorded by their services: requested, downloaded), import jobs (their
rows are recorded as they land).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models

from history.context import Kind, current

# Fields no entry records: bookkeeping that changes on every save, and secrets.
ALWAYS_LEFT_OUT = ("updated_at", "normalised")


def _path(obj: Any, dotted: str) -> Any:
    for name in dotted.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


@dataclass(frozen=True)
class Spec:
    page: str  # "person", "interview" … : the anchor's kind
    page_id: str  # dotted path to the anchor's id
    evaluation: str | None = None  # dotted path to the evaluation's id
    person: str | None = None  # dotted path to the person's id
    exclude: tuple[str, ...] = ()
    lead_only: Callable[[Any], bool] | None = None
    silent: Callable[[Any], bool] | None = None  # True: write no entry


def _note_lead_only(note: Any) -> bool:
    return note.visibility == "lead"


def _coding_lead_only(coding: Any) -> bool:
    return bool(coding.lead_only)


def _anonymous_respondent(invitation: Any) -> bool:
    """A respondent's own step in an anonymous distribution leaves no entry: the invitation's
    events keep its day, and an exact time could order the anonymous responses."""
    return (
        current().resolved()[1] == Kind.RESPONDENT
        and invitation.distribution.confidentiality == "anonymous"
    )


TRACKED: dict[str, Spec] = {
    "evaluations.Evaluation": Spec(
        "evaluation", "pk", evaluation="pk", exclude=("coverage_revision", "rules_revision")
    ),
    "evaluations.Membership": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "stakeholders.Person": Spec("person", "pk", person="pk"),
    "stakeholders.PersonAlias": Spec("person", "person_id", person="person_id"),
    "stakeholders.Affiliation": Spec("person", "person_id", person="person_id"),
    "stakeholders.PersonMerge": Spec("person", "kept_id", person="merged_id"),
    "stakeholders.Organisation": Spec("organisation", "pk"),
    "stakeholders.StakeholderGroup": Spec("group", "pk"),
    "interviews.Interview": Spec("interview", "pk", evaluation="evaluation_id"),
    "interviews.Participation": Spec(
        "interview", "interview_id", evaluation="interview.evaluation_id", person="person_id"
    ),
    "interviews.Interviewer": Spec(
        "interview", "interview_id", evaluation="interview.evaluation_id"
    ),
    "interviews.InterviewNote": Spec(
        "interview",
        "interview_id",
        evaluation="interview.evaluation_id",
        lead_only=_note_lead_only,
    ),
    "interviews.CoverageTarget": Spec("coverage", "evaluation_id", evaluation="evaluation_id"),
    "interviews.ReportingCategory": Spec("rules", "evaluation_id", evaluation="evaluation_id"),
    "interviews.CategoryRule": Spec("rules", "evaluation_id", evaluation="evaluation_id"),
    "questionnaires.Instrument": Spec("instrument", "pk", evaluation="evaluation_id"),
    "questionnaires.InstrumentVersion": Spec(
        "instrumentversion", "pk", evaluation="instrument.evaluation_id"
    ),
    "questionnaires.Distribution": Spec("distribution", "pk", evaluation="evaluation_id"),
    "questionnaires.DistributionAttachment": Spec(
        "distribution", "distribution_id", evaluation="distribution.evaluation_id"
    ),
    # The open link: made, changed, rotated (the old row replaced), closed. Its selector is
    # half of the public address: left out, as a personal link's.
    "questionnaires.OpenLink": Spec(
        "distribution",
        "distribution_id",
        evaluation="distribution.evaluation_id",
        exclude=("selector",),
    ),
    "questionnaires.Invitation": Spec(
        "distribution",
        "distribution_id",
        evaluation="distribution.evaluation_id",
        person="person_id",
        exclude=("selector", "legacy_token_hash"),
        silent=_anonymous_respondent,
    ),
    # The analysis (no pages of its own yet: the evaluation's). A coding's excerpt is a copy
    # of an answer or a note: left out, as answers are; its offsets say where it was.
    "analysis.Criterion": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.EvaluationQuestion": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.PlannedSource": Spec(
        "evaluation", "question.evaluation_id", evaluation="question.evaluation_id"
    ),
    "analysis.Code": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.Coding": Spec(
        "evaluation",
        "evaluation_id",
        evaluation="evaluation_id",
        exclude=("text",),
        lead_only=_coding_lead_only,
    ),
    "analysis.ShareWords": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.RatingScale": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.AssessedUnit": Spec("evaluation", "evaluation_id", evaluation="evaluation_id"),
    "analysis.Assessment": Spec(
        "evaluation", "unit.evaluation_id", evaluation="unit.evaluation_id"
    ),
    "reports.TableLayout": Spec("layout", "pk", evaluation="evaluation_id"),
    "reports.LayoutCell": Spec("layout", "layout_id", evaluation="layout.evaluation_id"),
}


def spec_of(model: type[models.Model]) -> Spec | None:
    return TRACKED.get(model._meta.label)


def describe(instance: models.Model) -> dict[str, Any] | None:
    """The columns an entry about `instance` gets beyond auditlog's, or None to write none.
    Models that are not tracked (an explicit record about anything) get the bare minimum."""
    spec = spec_of(type(instance))
    if spec is None:
        return {}
    if spec.silent and spec.silent(instance):
        return None
    page_id = _path(instance, spec.page_id)
    return {
        "evaluation_id": _path(instance, spec.evaluation) if spec.evaluation else None,
        "person_id": _path(instance, spec.person) if spec.person else None,
        "anchor": f"{spec.page}:{page_id}" if page_id is not None else "",
        "lead_only": bool(spec.lead_only and spec.lead_only(instance)),
    }


def connect() -> None:
    """Register every tracked model with auditlog (called by HistoryConfig.ready)."""
    from auditlog.registry import auditlog  # imports models: only once they are loaded

    for label, spec in TRACKED.items():
        model = apps.get_model(label)
        left_out = {*ALWAYS_LEFT_OUT, *spec.exclude}
        # Only the model's own columns: auditlog would also list reverse relations on create.
        fields = [f.name for f in model._meta.concrete_fields if f.name not in left_out]
        auditlog.register(model, include_fields=fields, m2m_fields=_m2m(model))


def _m2m(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.many_to_many}
