"""What export_responses and export_codebook share: the evaluation, the distribution and the
user whose view, read from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from accounts.models import User
from evaluations.models import Evaluation
from evaluations.permissions import Role, role_stand_in
from questionnaires.models import Distribution


def add_common_arguments(parser: CommandParser) -> None:
    parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
    parser.add_argument("--distribution", required=True, help="The distribution's id.")
    parser.add_argument("--output", required=True, help="The file to write.")
    parser.add_argument(
        "--user",
        default="",
        help="E-mail address of the member whose view (default: an evaluator's view: every "
        "response but those for the lead only).",
    )


def resolve(options: dict[str, Any]) -> tuple[Distribution, User, Path]:
    evaluation = Evaluation.objects.filter(slug=options["evaluation"]).first()
    if evaluation is None:
        raise CommandError(f"No evaluation with the slug “{options['evaluation']}”.")
    distribution = (
        Distribution.objects.filter(evaluation=evaluation, pk=options["distribution"])
        .select_related("evaluation", "version")
        .first()
        if str(options["distribution"]).isdigit()
        else None
    )
    if distribution is None:
        raise CommandError(
            f"No distribution {options['distribution']} in the evaluation “{evaluation.slug}”."
        )
    if options["user"]:
        user = User.objects.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address “{options['user']}”.")
    else:
        user = role_stand_in(evaluation, Role.EVALUATOR)
    output = Path(options["output"])
    if not output.parent.is_dir():
        raise CommandError(f"The folder {output.parent} does not exist.")
    return distribution, user, output
