"""manage.py person_export PERSON_ID [--output FILE]: everything about one person, as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluations.permissions import SYSTEM
from history.services import record_download
from privacy.selectors.access import export_reader
from privacy.selectors.export import person_export
from privacy.views.people import export_filename, export_json
from stakeholders.models import Person


class Command(BaseCommand):
    help = (
        "Write everything Consulta holds about one registry person (record, aliases, "
        "affiliations, merges, invitations, interviews, named responses, history) as JSON, to "
        "standard output or --output FILE. The export is recorded in the history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", type=int)
        parser.add_argument("--output", help="Write the JSON to this file instead.")

    def handle(self, *args: Any, person_id: int, output: str | None, **options: Any) -> None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(f"There is no person no. {person_id} in the registry.")
        export = person_export(reader=export_reader(by=SYSTEM, person=person), person=person)
        record_download(person, what=export_filename(person), evaluation_id=None)
        text = export_json(export)
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"Person no. {person_id} written to {output}.")
        else:
            self.stdout.write(text)
