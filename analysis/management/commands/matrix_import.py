"""manage.py matrix_import: replace an evaluation's matrix by a CSV, XLSX or YAML file."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from analysis.formats.matrix_format import read_matrix
from analysis.management import file_import
from analysis.services.matrix import matrix_replace
from evaluations.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        "Make the evaluation's matrix the one in FILE (CSV, XLSX or YAML, as matrix_export "
        "writes it): criteria matched by short label and questions by number are updated, "
        "the others added, those missing from the file removed. All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .csv, .xlsx or .yaml file.")
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation, counts = file_import(
            options,
            lambda evaluation, path: matrix_replace(
                evaluation=evaluation, by=SYSTEM, criteria=read_matrix(path.read_bytes(), path.name)
            ),
        )
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {counts['criteria']} criteria, {counts['questions']} evaluation questions "
            f"and {counts['sources']} planned sources into {evaluation.slug}."
        )
