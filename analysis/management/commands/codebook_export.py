"""manage.py codebook_export: an evaluation's codebook as a REFI-QDA .qdc file (or CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.formats.qdc import codebook_csv, qdc_bytes
from analysis.management import evaluation_named
from analysis.models import Code
from analysis.selectors.codebook import codebook_of
from evaluations.permissions import SYSTEM


class Command(BaseCommand):
    help = (
        "Write the evaluation's codebook to --output: a REFI-QDA codebook (.qdc, opened by "
        "ATLAS.ti, MAXQDA, NVivo, QDA Miner, Taguette) or, for a .csv name, a table."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--output", required=True, help="The .qdc (or .csv) file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = evaluation_named(options["evaluation"])
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        codes = codebook_of(user=SYSTEM, evaluation=evaluation)
        if output.suffix.lower() == ".csv":
            output.write_text(codebook_csv(codes), encoding="utf-8")
        else:
            output.write_bytes(qdc_bytes(codes))
        count = Code.objects.filter(evaluation=evaluation).count()
        self.stdout.write(f"Wrote {output}: {count} codes.")
