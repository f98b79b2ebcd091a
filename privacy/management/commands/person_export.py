"""manage.py person_export PERSON_ID [--output FILE]: everything about one person, as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

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
            raise CommandError(
                _("There is no person no. %(id)s in the registry.") % {"id": person_id}
            )
        export = person_export(reader=export_reader(by=SYSTEM, person=person), person=person)
        text = export_json(export)
        if output:
            try:
                Path(output).write_text(text + "\n", encoding="utf-8")
            except OSError as exc:
                raise CommandError(
                    _("Could not write %(file)s: %(error)s") % {"file": output, "error": exc}
                ) from exc
            record_download(person, what=export_filename(person), evaluation_id=None)
            self.stdout.write(
                _("Person no. %(id)s written to %(file)s.") % {"id": person_id, "file": output}
            )
        else:
            record_download(person, what=export_filename(person), evaluation_id=None)
            self.stdout.write(text)
