"""manage.py codebook_import: add or update an evaluation's codes from a REFI-QDA .qdc file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analysis.formats.qdc import read_qdc
from analysis.management import file_import
from analysis.services.codebook import codebook_import
from evaluations.permissions import SYSTEM


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
        evaluation, report = file_import(
            options,
            lambda evaluation, path: codebook_import(
                evaluation=evaluation, by=SYSTEM, codes=read_qdc(path.read_bytes())
            ),
        )
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
