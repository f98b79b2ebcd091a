"""What the analysis commands share: the evaluation named by --evaluation, and an import from a
file that a dry run rolls back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.base import CommandError
from django.db import transaction

from common.errors import ValidationProblem
from evaluations.models import Evaluation

T = TypeVar("T")


def evaluation_named(slug: str) -> Evaluation:
    evaluation = Evaluation.objects.filter(slug=slug).first()
    if evaluation is None:
        raise CommandError(f"No evaluation with the slug “{slug}”.")
    return evaluation


class _DryRun(Exception):
    pass


def file_import(
    options: dict[str, Any], apply: Callable[[Evaluation, Path], T]
) -> tuple[Evaluation, T]:
    """Run `apply` on the evaluation of --evaluation and the file of `file` in one transaction,
    rolled back with --dry-run; what it returned either way. A refusal is a CommandError."""
    evaluation = evaluation_named(options["evaluation"])
    path = Path(options["file"])
    if not path.is_file():
        raise CommandError(f"No file {path}.")
    result: list[T] = []
    try:
        with transaction.atomic():
            result.append(apply(evaluation, path))
            if options["dry_run"]:
                raise _DryRun
    except ValidationProblem as exc:
        raise CommandError(str(exc)) from exc
    except _DryRun:
        pass
    return evaluation, result[0]
