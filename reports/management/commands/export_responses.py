"""manage.py export_responses: one questionnaire's responses for SPSS, Stata or R."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import ValidationProblem
from reports.management.commands._statistics import add_common_arguments, resolve
from reports.statistics import statistics_write


class Command(BaseCommand):
    help = (
        "Write the responses of one distribution that --user may read as SPSS (.sav), Stata "
        "(.dta) or CSV; with CSV, an R script that reads it with the labels (FILE.R) and the "
        "codebook (FILE-codebook.csv) are written beside it. Variables are named after the "
        "question keys; the codebook says which were renamed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--format", required=True, choices=["sav", "dta", "csv"])

    def handle(self, *args: Any, **options: Any) -> None:
        distribution, user, output = resolve(options)
        try:
            written = statistics_write(
                output, distribution=distribution, user=user, format=options["format"]
            )
        except (PermissionDenied, ValidationProblem) as exc:
            raise CommandError(str(getattr(exc, "message", "") or exc)) from exc
        self.stdout.write(f"Wrote {', '.join(written.paths)}: {written.responses} responses.")
