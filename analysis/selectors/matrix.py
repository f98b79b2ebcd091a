"""Reads on the evaluation matrix: every member of the evaluation may read it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from analysis.formats.matrix_format import MatrixCriterion, MatrixQuestion, MatrixSource
from analysis.models import Criterion, EvaluationQuestion, PlannedSource
from analysis.services.matrix import source_ref
from evaluations.permissions import Action, ensure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from evaluations.permissions import System


def criteria_of(
    *, user: User | AnonymousUser | System, evaluation: Evaluation
) -> QuerySet[Criterion]:
    """The evaluation's criteria in order, their questions and planned sources prefetched."""
    ensure(user, Action.VIEW_EVALUATION, evaluation)
    sources = PlannedSource.objects.select_related(
        "instrument_question__version__instrument",
        "instrument_question__section",
        "stakeholder_group",
    ).order_by("order", "pk")
    questions = EvaluationQuestion.objects.order_by("order", "pk").prefetch_related(
        Prefetch("sources", queryset=sources)
    )
    return (
        Criterion.objects.filter(evaluation=evaluation)
        .order_by("order", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )


def matrix_of(
    *, user: User | AnonymousUser | System, evaluation: Evaluation
) -> list[MatrixCriterion]:
    """The matrix as plain values, as the files and the API give it."""
    return [
        MatrixCriterion(
            label=criterion.label,
            name=criterion.name,
            description=criterion.description,
            questions=[
                MatrixQuestion(
                    number=question.number,
                    text=question.text,
                    sources=[
                        MatrixSource(kind=source.kind, ref=source_ref(source))
                        for source in question.sources.all()
                    ],
                )
                for question in criterion.questions.all()
            ],
        )
        for criterion in criteria_of(user=user, evaluation=evaluation)
    ]
