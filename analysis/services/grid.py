"""Writes on the criteria grid: the assessed units (case studies, projects, countries), the
rating scale (none by default: text only) and each unit's assessment against each criterion.
Who changes the matrix changes the grid (the lead evaluator and evaluators); every change is in
the history (history/tracked.py), the links to excerpts and interviews included.

An assessment is "not yet assessed" (pending, the state of a cell with no row), "assessed"
(its text is required) or "No detailed information available" (a finding of its own: no
rating). A rating is one of the scale's levels. Linked excerpts are those the editor may read;
links to excerpts they may not read (a lead-only one linked by the lead) are kept as they are."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from analysis.models import AssessedUnit, Assessment, Coding, Criterion, RatingScale
from analysis.selectors.codings import readable_codings_filter
from analysis.services.matrix import ensure_can_edit_matrix
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import Actor, author_of, is_system
from interviews.models import Interview

MAX_LEVELS = 10


def _refused(field: str, message: str) -> ValidationProblem:
    return ValidationProblem(message, errors={field: [message]})


def scale_levels(evaluation: Evaluation) -> list[str]:
    scale = RatingScale.objects.filter(evaluation=evaluation).first()
    return list(scale.levels) if scale else []


@transaction.atomic
def scale_set(*, evaluation: Evaluation, by: Actor, levels: Sequence[str]) -> RatingScale:
    """The rating scale, best level first; an empty list makes the grid text only. A level
    still given by an assessment cannot go."""
    ensure_can_edit_matrix(by, evaluation)
    cleaned = [" ".join(str(level).split()) for level in levels]
    if any(not level for level in cleaned):
        raise _refused("levels", _("A level of the scale is empty."))
    if any(len(level) > 80 for level in cleaned):
        raise _refused("levels", _("A level of the scale is longer than 80 characters."))
    if len(set(cleaned)) != len(cleaned):
        raise _refused("levels", _("Each level of the scale must be different."))
    if len(cleaned) > MAX_LEVELS:
        raise _refused("levels", _("A scale has at most %(n)s levels.") % {"n": MAX_LEVELS})
    in_use = (
        Assessment.objects.filter(unit__evaluation=evaluation)
        .exclude(rating="")
        .exclude(rating__in=cleaned)
        .values_list("rating", flat=True)
        .distinct()
    )
    if in_use:
        raise _refused(
            "levels",
            _("These ratings are given by assessments and must stay on the scale: %(levels)s.")
            % {"levels": ", ".join(f"“{level}”" for level in sorted(in_use))},
        )
    scale, _created = RatingScale.objects.get_or_create(evaluation=evaluation)
    scale.levels = cleaned
    scale.save()
    return scale


@transaction.atomic
def unit_save(
    *,
    evaluation: Evaluation,
    by: Actor,
    name: str,
    kind: str = AssessedUnit.Kind.CASE_STUDY,
    description: str = "",
    unit: AssessedUnit | None = None,
) -> AssessedUnit:
    """Add an assessed unit (at the end), or change one."""
    ensure_can_edit_matrix(by, evaluation)
    name = " ".join((name or "").split())
    if not name:
        raise _refused("name", _("Give the unit a name."))
    if kind not in AssessedUnit.Kind.values:
        raise _refused("kind", _("Choose a case study, a project, a country or other."))
    clash = AssessedUnit.objects.filter(evaluation=evaluation, name=name)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise _refused("name", _("The grid already has a unit named “%(name)s”.") % {"name": name})
    if unit is None:
        order = AssessedUnit.objects.filter(evaluation=evaluation).count()
        unit = AssessedUnit(evaluation=evaluation, order=order)
    unit.name, unit.kind, unit.description = name, kind, (description or "").strip()
    unit.save()
    return unit


@transaction.atomic
def unit_delete(*, unit: AssessedUnit, by: Actor) -> None:
    """Remove a unit and its assessments (recorded in the history)."""
    ensure_can_edit_matrix(by, unit.evaluation)
    unit.delete()


def _codings(by: Actor, evaluation: Evaluation, ids: Sequence[int]) -> list[Coding]:
    found = list(Coding.objects.filter(readable_codings_filter(by, evaluation), pk__in=set(ids)))
    if len(found) != len(set(ids)):
        message = _("A coded excerpt is not one of this evaluation's that you may read.")
        raise _refused("codings", message)
    return found


def _interviews(evaluation: Evaluation, ids: Sequence[int]) -> list[Interview]:
    found = list(Interview.objects.filter(evaluation=evaluation, pk__in=set(ids)))
    if len(found) != len(set(ids)):
        raise _refused("interviews", _("An interview is not in this evaluation's log."))
    return found


@transaction.atomic
def assessment_set(
    *,
    unit: AssessedUnit,
    criterion: Criterion,
    by: Actor,
    state: str,
    text: str = "",
    rating: str = "",
    documents: str = "",
    codings: Sequence[int] = (),
    interviews: Sequence[int] = (),
) -> Assessment:
    """Write one cell of the grid (made on first write)."""
    evaluation = unit.evaluation
    ensure_can_edit_matrix(by, evaluation)
    if criterion.evaluation_id != evaluation.pk:
        raise _refused("criterion", _("This criterion belongs to another evaluation."))
    if state not in Assessment.State.values:
        raise _refused("state", _("Choose: assessed, no detailed information, or not yet."))
    text = (text or "").strip()
    rating = " ".join((rating or "").split())
    if state == Assessment.State.ASSESSED and not text:
        raise _refused(
            "text",
            _("Write the assessment, or choose “No detailed information available”."),
        )
    levels = scale_levels(evaluation)
    if rating and state != Assessment.State.ASSESSED:
        raise _refused("rating", _("Only an assessed criterion takes a rating."))
    if rating and rating not in levels:
        allowed = ", ".join(f"“{level}”" for level in levels) or _("none: the grid is text only")
        raise _refused(
            "rating",
            _("“%(rating)s” is not on the rating scale (%(levels)s).")
            % {"rating": rating, "levels": allowed},
        )
    documents = "\n".join(line.strip() for line in (documents or "").splitlines() if line.strip())
    linked_codings = _codings(by, evaluation, codings)
    linked_interviews = _interviews(evaluation, interviews)
    assessment, _created = Assessment.objects.get_or_create(unit=unit, criterion=criterion)
    if not is_system(by):  # keep the links to excerpts this editor may not read
        hidden = assessment.codings.exclude(readable_codings_filter(by, evaluation))
        linked_codings += list(hidden)
    assessment.state, assessment.text, assessment.rating = state, text, rating
    assessment.documents = documents
    assessment.updated_by = author_of(by)
    assessment.save()
    assessment.codings.set(linked_codings)
    assessment.interviews.set(linked_interviews)
    return assessment
