"""manage.py matrix_export: an evaluation's matrix as CSV, XLSX or YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.formats.matrix_format import FORMATS, matrix_file
from analysis.management import evaluation_named
from analysis.selectors.matrix import matrix_of
from evaluations.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        "Write the evaluation matrix (criteria, evaluation questions, planned sources) as CSV "
        "(default), XLSX or YAML, to --output or to standard output (CSV and YAML only)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument("--output", default="", help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = evaluation_named(options["evaluation"])
        data = matrix_file(matrix_of(user=SYSTEM, evaluation=evaluation), options["format"])
        if not options["output"]:
            if options["format"] == "xlsx":
                if sys.stdout.isatty():
                    raise CommandError("Give --output FILE.xlsx: a workbook is not text.")
                sys.stdout.buffer.write(data)
                return
            self.stdout.write(data.decode("utf-8"), ending="")
            return
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        output.write_bytes(data)
        self.stdout.write(f"Wrote {output}.")
