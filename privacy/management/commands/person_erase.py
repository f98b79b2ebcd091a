"""manage.py person_erase PERSON_ID --reason "…": erase one person everywhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from privacy.services.erasure import person_erase
from stakeholders.models import Person


class Command(BaseCommand):
    help = (
        "Erase one registry person (and the people merged into them): names, addresses, "
        "numbers and free text are replaced by 'Erased person <id>' in every table, the "
        "history and the outbox; named answers become anonymous; the tables' numbers stay. "
        "Refused under a legal hold or a lock. --dry-run says what would change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person_id", type=int)
        parser.add_argument("--reason", required=True, help="Why (kept in the history).")
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args: Any, person_id: int, reason: str, dry_run: bool, **opts: Any) -> None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise CommandError(
                _("There is no person no. %(id)s in the registry.") % {"id": person_id}
            )
        try:
            with transaction.atomic():
                erasure = person_erase(by=SYSTEM, person=person, reason=reason)
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationProblem as problem:
            raise CommandError(problem.message) from problem
        if dry_run:
            text = _(
                "Dry run, nothing changed: person no. %(id)s would be erased (as “%(name)s”): "
            )
        else:
            text = _("Person no. %(id)s was erased (now “%(name)s”): ")
        text += _(
            "%(invitations)s invitation(s), %(participations)s interview participation(s), "
            "%(responses)s response(s) made anonymous, %(rows)s other row(s) rewritten, "
            "%(history)s history entr(ies) scrubbed, %(exports)s export file(s) deleted."
        )
        self.stdout.write(
            text
            % {
                "id": person_id,
                "name": erasure.placeholder,
                "invitations": erasure.invitations,
                "participations": erasure.participations,
                "responses": erasure.responses,
                "rows": erasure.rows_rewritten,
                "history": erasure.history_scrubbed,
                "exports": erasure.exports_expired,
            }
        )
