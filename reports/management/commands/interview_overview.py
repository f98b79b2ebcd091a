"""Print the overview of interviews of an evaluation (the same numbers as the page, the API
and the workbook)."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import ValidationProblem
from common.spreadsheets import safe_cell
from evaluations.models import Evaluation
from reports.selectors.overview import interview_overview
from reports.tables import OverviewTable

HEADER = ["category", "interviews", "participants"]


def _rows(table: OverviewTable) -> list[list[str]]:
    """Category, interviews, participants as shown ("≥ 12" with a group of unknown size)."""
    return [
        [str(safe_cell(row.label)), row.interviews.text, row.participants.text]
        for row in [*table.rows, table.total]
    ]


class Command(BaseCommand):
    help = (
        "Print the overview of interviews of an evaluation: category,interviews,participants "
        "per reporting category and a Total row (CSV, or an aligned table). Runs with the "
        "whole team's view; footnotes go to standard error in CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--evaluation", required=True, help="The evaluation's slug.")
        parser.add_argument("--layout", default=None, help="A layout's name (default: the first).")
        parser.add_argument("--format", choices=["csv", "table"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["evaluation"]
        evaluation = Evaluation.objects.filter(slug=slug).first()
        if evaluation is None:
            raise CommandError(f"No evaluation with the slug “{slug}”.")
        try:
            table = interview_overview(evaluation=evaluation, user=None, layout=options["layout"])
        except ValidationProblem as problem:
            raise CommandError(problem.message) from None
        rows = _rows(table)
        if options["format"] == "table":
            self._table(rows, table.footnotes)
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        for note in table.footnotes:
            self.stderr.write(note)

    def _table(self, rows: list[list[str]], footnotes: list[str]) -> None:
        width = max(len(text) for text in [HEADER[0], *(row[0] for row in rows)])
        numbers = [max(len(HEADER[i]), *(len(row[i]) for row in rows)) for i in (1, 2)]

        def line(cells: list[str]) -> str:
            return "  ".join(
                [cells[0].ljust(width), cells[1].rjust(numbers[0]), cells[2].rjust(numbers[1])]
            )

        self.stdout.write(line(HEADER))
        for row in rows:
            self.stdout.write(line(row))
        for note in footnotes:
            self.stdout.write(note)
