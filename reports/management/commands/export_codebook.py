"""manage.py export_codebook: the codebook of one questionnaire's data file, as CSV."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.management.commands._statistics import add_common_arguments, resolve
from reports.statistics import codebook_write


class Command(BaseCommand):
    help = (
        "Write the codebook of one distribution's data file (as export_responses writes it) "
        "as CSV: variable, question key, renamed from, label per language, type, values and "
        "labels, missing-value codes, applies when, n answered (of the responses --user may "
        "read)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        distribution, user, output = resolve(options)
        try:
            written = codebook_write(output, distribution=distribution, user=user)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {output}: the codebook of {written.responses} responses.")
