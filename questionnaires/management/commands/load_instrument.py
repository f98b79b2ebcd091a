from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from common.errors import ValidationProblem
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from questionnaires.instrument_format.xlsform import instrument_file_text
from questionnaires.services.instruments import instrument_load


class DryRun(Exception):
    """Raised to roll back a dry run after everything was checked."""


class Command(BaseCommand):
    help = (
        "Load an instrument (questionnaire or interview guide) from a YAML file or an XLSForm "
        "workbook (.xlsx, told by its content) into an "
        "evaluation: a new instrument, a new version when the latest one is frozen, the "
        "draft replaced, or nothing when the file is the same as the latest version. "
        "An invalid file is rejected with its line numbers and nothing is saved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the instrument's YAML file or XLSForm (.xlsx)")
        parser.add_argument(
            "--evaluation", required=True, help="the evaluation's short name (slug)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args: object, **options: object) -> None:
        path: Path = options["file"]
        evaluation = Evaluation.objects.filter(slug=options["evaluation"]).first()
        if evaluation is None:
            raise CommandError(f"No evaluation with the short name “{options['evaluation']}”.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc}).") from exc
        try:
            text = instrument_file_text(data)
            with transaction.atomic():
                result = instrument_load(evaluation=evaluation, text=text, by=SYSTEM)
                summary = result.summary()
                if options["dry_run"]:
                    raise DryRun
        except DryRun:
            self.stdout.write(f"Dry run, nothing saved: {summary}")
            return
        except ValidationProblem as problem:
            lines = [f"  {where}: {m}" for where, msgs in problem.errors.items() for m in msgs]
            raise CommandError(
                "\n".join(
                    [f"{path}: rejected, nothing saved.", *lines] if lines else [problem.message]
                )
            ) from problem
        self.stdout.write(f"Loaded {summary}" if result.changed else summary)
