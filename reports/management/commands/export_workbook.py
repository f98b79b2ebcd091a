"""manage.py export_workbook: the evaluation workbook, written in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from common.errors import ValidationProblem
from evaluations.models import Evaluation
from reports.workbook import workbook_write

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Write the evaluation workbook to FILE, as --user (an e-mail address) may see it; "
        "without --user, a viewer's view: small cells suppressed, no raw or open answers. "
        "A progress bar goes to stderr."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--output", required=True, help="The .xlsx file to write.")
        parser.add_argument("--user", default="", help="E-mail address of the member whose view.")
        parser.add_argument(
            "--unsuppressed", action="store_true", help="A lead's unsuppressed view (leads only)."
        )
        parser.add_argument(
            "--labels", action="store_true", help="Raw answers as labels instead of codes."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = Evaluation.objects.filter(slug=options["evaluation"]).first()
        if evaluation is None:
            raise CommandError(f"No evaluation with the slug “{options['evaluation']}”.")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"].strip()).first()
            if user is None:
                raise CommandError(f"No user with the e-mail address “{options['user']}”.")
        elif options["unsuppressed"]:
            raise CommandError("--unsuppressed needs --user, a lead member of the evaluation.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        try:
            stats = workbook_write(
                output,
                evaluation=evaluation,
                user=user,
                unsuppressed=options["unsuppressed"],
                labels=options["labels"],
                progress=self.show_progress,
            )
        except (PermissionDenied, ValidationProblem) as exc:
            raise CommandError(str(exc)) from exc
        self.stderr.write("")
        self.stdout.write(
            f"Wrote {output}: {len(stats.sheets)} sheets ({', '.join(stats.sheets)}), "
            f"{stats.rows} rows, {stats.raw_responses} raw responses."
        )

    def show_progress(self, done: int, total: int, step: str) -> None:
        """A text bar on one line, redrawn in place."""
        share = done / total if total else 0
        filled = round(BAR_WIDTH * share)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stderr.write(f"\r[{bar}] {share:4.0%} {step} ({done:,}/{total:,})", ending="")
        self.stderr.flush()
