"""What the analysis commands share: the evaluation named by --evaluation."""

from __future__ import annotations

from django.core.management.base import CommandError

from evaluations.models import Evaluation


def evaluation_named(slug: str) -> Evaluation:
    evaluation = Evaluation.objects.filter(slug=slug).first()
    if evaluation is None:
        raise CommandError(f"No evaluation with the slug “{slug}”.")
    return evaluation
