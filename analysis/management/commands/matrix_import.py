"""manage.py matrix_import: replace an evaluation's matrix by a CSV, XLSX or YAML file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from analysis.formats.matrix_format import read_matrix
from analysis.management import evaluation_named
from analysis.services.matrix import matrix_replace
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM


class DryRun(Exception):
    pass


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
        evaluation = evaluation_named(options["evaluation"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        try:
            criteria = read_matrix(path.read_bytes(), path.name)
            with transaction.atomic():
                counts = matrix_replace(evaluation=evaluation, by=SYSTEM, criteria=criteria)
                if options["dry_run"]:
                    raise DryRun
        except ValidationProblem as exc:
            raise CommandError(str(exc)) from exc
        except DryRun:
            pass
        verb = "Would import" if options["dry_run"] else "Imported"
        self.stdout.write(
            f"{verb} {counts['criteria']} criteria, {counts['questions']} evaluation questions "
            f"and {counts['sources']} planned sources into {evaluation.slug}."
        )
