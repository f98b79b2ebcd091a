"""manage.py import_interviews FILE --evaluation SLUG [--dry-run] [--sheet NAME] [--month-first]
[--stop-on-near-matches] [--undated]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import ValidationProblem
from common.spreadsheets import read_lines, read_table
from evaluations.models import Evaluation
from evaluations.permissions import SYSTEM
from interviews.importing.plan import InterviewImport
from interviews.importing.run import interviews_check, interviews_import


class Command(BaseCommand):
    help = (
        "Import a “List of persons interviewed” (CSV or XLSX, laid out as evaluation reports "
        "print their annex) into an evaluation's interview log. Prints what every row becomes "
        "and every warning, then imports all of it or, when any row has an error, nothing. "
        "Interviews imported before are recognised and skipped. With --undated, reads a "
        "one-column list printed without dates (location and unit headings, one person a line)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="The .csv or .xlsx file; the first row holds the headers (with --undated: a "
            ".txt, .csv or .xlsx list, one line a row, no header row).",
        )
        parser.add_argument(
            "--evaluation", required=True, help="The slug of the evaluation to import into."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the report only; write nothing."
        )
        parser.add_argument(
            "--sheet", default="", help="The worksheet to read (XLSX; the first by default)."
        )
        parser.add_argument(
            "--month-first",
            action="store_true",
            help="Read dates month first (3/15/2013); by default day first (15.3.2013).",
        )
        parser.add_argument(
            "--stop-on-near-matches",
            action="store_true",
            help="Import nothing when a name is close to someone in the registry (by default "
            "such a person is created new, with a warning).",
        )
        parser.add_argument(
            "--undated",
            action="store_true",
            help="The file is a one-column list without dates: location headings (countries, "
            "cities, offices), unit or organisation headings (known ones, or in capitals), then "
            "one person a line (“Name, Organisation”, “(tel)”) or a group with its headcount "
            "(“Six members of …”). Each person line is an interview whose date is unknown.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        evaluation = Evaluation.objects.filter(slug=options["evaluation"]).first()
        if evaluation is None:
            raise CommandError(f"There is no evaluation “{options['evaluation']}”.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        settings = {
            "evaluation": evaluation,
            "month_first": options["month_first"],
            "stop_on_near_matches": options["stop_on_near_matches"],
            "filename": path.name,
            "undated": options["undated"],
        }
        try:
            with path.open("rb") as handle:
                read = read_lines if options["undated"] else read_table
                table = read(handle, path.name, options["sheet"] or None)
            where = f"sheet “{table.sheet}”, " if table.sheet else ""
            self.stdout.write(f"Read {where}{len(table.rows)} rows.")
            report = interviews_check(table, **settings)
            self._report(report)
            if options["dry_run"] or report.already_imported:
                self.stdout.write(self._summary(report, dry_run=options["dry_run"]))
                return
            report = interviews_import(table, by=SYSTEM, **settings)
        except ValidationProblem as problem:
            raise CommandError(problem.message) from problem
        self.stdout.write(self.style.SUCCESS(self._summary(report, dry_run=False)))

    def _report(self, report: InterviewImport) -> None:
        for line in report.lines:
            self.stdout.write(line.text)
            for warning in line.warnings:
                self.stdout.write(self.style.WARNING(f"    warning: {warning}"))
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(
                f"Nothing was imported: the file has {_n(len(report.errors), 'error', 'errors')} "
                "(listed above)."
            )

    def _summary(self, report: InterviewImport, *, dry_run: bool) -> str:
        counts = report.counts
        if report.already_imported:
            return (
                f"Nothing new: all {counts['already_imported']} interviews of this file were "
                "imported before."
            )
        said = (
            f"{_n(counts['interviews'], 'interview', 'interviews')}, "
            f"{_n(counts['participants'], 'participant', 'participants')} "
            f"({_n(counts['people_new'], 'new person', 'new people')})"
        )
        if before := counts["already_imported"]:
            said += f"; {_n(before, 'interview was', 'interviews were')} imported before"
        if dry_run:
            return f"Would import {said}.\nDry run: nothing imported."
        return f"{said} imported." if not counts["already_imported"] else f"Imported {said}."


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"
