"""Reads on the codebook: every member of the evaluation may read it."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from analysis.models import Code
from analysis.services.codebook import CodeEntry
from evaluations.permissions import Action, ensure

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation
    from evaluations.permissions import System


def codes_of(*, user: User | AnonymousUser | System, evaluation: Evaluation) -> QuerySet[Code]:
    """The evaluation's codes, their linked questions prefetched."""
    ensure(user, Action.VIEW_EVALUATION, evaluation)
    return (
        Code.objects.filter(evaluation=evaluation)
        .order_by("order", "pk")
        .prefetch_related("questions")
    )


def codebook_of(*, user: User | AnonymousUser | System, evaluation: Evaluation) -> list[CodeEntry]:
    """The codebook as a tree of plain values (files, comparisons), in order."""
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes_of(user=user, evaluation=evaluation):
        children[code.parent_id].append(code)

    def tree(parent_id: int | None) -> list[CodeEntry]:
        return [
            CodeEntry(
                guid=code.guid,
                name=code.name,
                description=code.description,
                color=code.color,
                questions=sorted(q.number for q in code.questions.all()),
                children=tree(code.pk),
            )
            for code in children[parent_id]
        ]

    return tree(None)
