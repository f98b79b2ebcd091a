"""manage.py export_qdpx: the evaluation as a REFI-QDA project (.qdpx), as a member sees it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from analysis.formats.qdpx import qdpx_bytes
from analysis.management import evaluation_named
from analysis.selectors.qdpx import qdpx_project
from evaluations.permissions import Action, Role, can, role_stand_in


class Command(BaseCommand):
    help = (
        "Write the evaluation as a REFI-QDA project (.qdpx: codebook, open answers and "
        "interview notes as text sources, codings, cases with their attributes) to --output, "
        "as --user (an e-mail address) may see it; without --user, a viewer's view (the "
        "codebook only: viewers read no individual texts)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--output", required=True, help="The .qdpx file to write.")
        parser.add_argument("--user", default="", help="E-mail address of the member whose view.")

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = evaluation_named(options["evaluation"])
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"].strip()).first()
            if user is None:
                raise CommandError(f"No user with the e-mail address “{options['user']}”.")
            if not can(user, Action.VIEW_EVALUATION, evaluation):
                raise CommandError(f"{user.email} is not a member of {evaluation.slug}.")
        else:
            user = role_stand_in(evaluation, Role.VIEWER)
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        project = qdpx_project(user=user, evaluation=evaluation)
        output.write_bytes(qdpx_bytes(project))
        codings = sum(len(source.selections) for source in project.sources)
        self.stdout.write(
            f"Wrote {output}: {len(project.sources)} sources, {codings} coded passages, "
            f"{len(project.cases)} cases."
        )
