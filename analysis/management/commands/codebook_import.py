"""manage.py codebook_import: add or update an evaluation's codes from a REFI-QDA .qdc file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from analysis.formats.qdc import read_qdc
from analysis.management import evaluation_named
from analysis.services.codebook import ImportReport, codebook_import
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM


class DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Import the codes of a REFI-QDA codebook (.qdc) into the evaluation: codes are matched "
        "by GUID (updated) or added, nested as in the file; codes not in the file stay. "
        "Links to evaluation questions come from the file's sets named by question number. "
        "With --dry-run, say what would change and change nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .qdc file.")
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = evaluation_named(options["evaluation"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        report = ImportReport()
        try:
            codes = read_qdc(path.read_bytes())
            with transaction.atomic():
                report = codebook_import(evaluation=evaluation, by=SYSTEM, codes=codes)
                if options["dry_run"]:
                    raise DryRun
        except ValidationProblem as exc:
            raise CommandError(str(exc)) from exc
        except DryRun:
            pass
        verb = "Would add" if options["dry_run"] else "Added"
        self.stdout.write(
            f"{verb} {len(report.created)} codes, "
            f"{'would update' if options['dry_run'] else 'updated'} {len(report.updated)}, "
            f"{report.unchanged} unchanged, in {evaluation.slug}."
        )
        for name in report.created:
            self.stdout.write(f"  + {name}")
        for name in report.updated:
            self.stdout.write(f"  ~ {name}")
        for warning in report.warnings:
            self.stdout.write(f"  ! {warning}")
