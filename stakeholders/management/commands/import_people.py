"""manage.py import_people FILE [--dry-run] [--sheet NAME] [--stop-on-duplicates]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from common.errors import ValidationProblem
from common.spreadsheets import Table, read_table
from evaluations.permissions import SYSTEM
from stakeholders.importing.columns import FIELD_BY_KEY, mapping_for
from stakeholders.importing.plan import DUPLICATE, ERROR, NEW, STATUS_LABELS, Analysis, analyse
from stakeholders.importing.writer import people_import, refusal


class Command(BaseCommand):
    help = (
        "Import people (and their organisations) into the stakeholder registry from a CSV or "
        "XLSX file. Prints a row-by-row report (new, matched, possible duplicate, error) and "
        "imports every row or, when any row has an error, none."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .csv or .xlsx file; the first row holds the headers.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the report only; write nothing."
        )
        parser.add_argument(
            "--sheet", default="", help="The worksheet to read (XLSX; the first by default)."
        )
        parser.add_argument(
            "--stop-on-duplicates",
            action="store_true",
            help="Import nothing when a row may be someone already in the registry (by "
            "default such a row becomes a new person, with a warning).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            with path.open("rb") as handle:
                table = read_table(handle, path.name, options["sheet"] or None)
            mapping, remembered = mapping_for(table.headers)
            self._columns(table, mapping, remembered)
            analysis = analyse(table, mapping)
            self._report(analysis, verbose=options["verbosity"] > 1)
            if analysis.error_rows:
                raise refusal(analysis)
            if options["stop_on_duplicates"] and analysis.counts[DUPLICATE]:
                rows = [str(p.number) for p in analysis.plans if p.status == DUPLICATE]
                raise CommandError(
                    f"Nothing was imported: rows {', '.join(rows)} may be people already in the "
                    "registry (--stop-on-duplicates)."
                )
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was written.")
                return
            _analysis, counts = people_import(table=table, mapping=mapping, by=SYSTEM)
        except ValidationProblem as problem:
            raise CommandError(problem.message) from problem
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {counts['created']} people created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged; "
                f"{counts['organisations_created']} organisations created."
            )
        )

    def _columns(self, table: Table, mapping: dict[str, str], remembered: bool) -> None:
        where = f"sheet “{table.sheet}”, " if table.sheet else ""
        self.stdout.write(f"Read {where}{len(table.rows)} rows.")
        used = [f"{h} → {FIELD_BY_KEY[k].label}" for h, k in mapping.items() if k]
        ignored = [h for h, k in mapping.items() if not k]
        how = "as remembered for this layout" if remembered else "recognised from the headers"
        self.stdout.write(f"Columns ({how}): {'; '.join(used)}.")
        if ignored:
            self.stdout.write(f"Not imported: {', '.join(ignored)}.")

    def _report(self, analysis: Analysis, *, verbose: bool) -> None:
        styles = {ERROR: self.style.ERROR, DUPLICATE: self.style.WARNING}
        for plan in analysis.plans:
            if plan.status == NEW and not verbose:
                continue
            style = styles.get(plan.status, str)
            name = plan.data.display or plan.data.typed or "–"
            label = STATUS_LABELS[plan.status]
            self.stdout.write(
                style(f"Row {plan.number}: {label}: {name}. {' '.join(plan.messages)}")
            )
        counts = analysis.counts
        self.stdout.write(
            f"Rows: {counts['rows']}; new {counts[NEW]}, matched {counts['matched']}, "
            f"possible duplicates {counts[DUPLICATE]}, errors {counts[ERROR]}; "
            f"organisations to create {counts['organisations']}."
        )
