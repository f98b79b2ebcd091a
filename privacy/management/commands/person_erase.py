"""manage.py person_erase PERSON_ID --reason "…": erase one person everywhere."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

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
            raise CommandError(f"There is no person no. {person_id} in the registry.")
        try:
            with transaction.atomic():
                erasure = person_erase(by=SYSTEM, person=person, reason=reason)
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationProblem as problem:
            raise CommandError(problem.message) from problem
        verb = "would be" if dry_run else "was"
        self.stdout.write(
            f"Person no. {person_id} {verb} erased (now “{erasure.placeholder}”): "
            f"{erasure.invitations} invitation(s), {erasure.participations} interview "
            f"participation(s), {erasure.responses} response(s) made anonymous, "
            f"{erasure.rows_rewritten} other row(s) rewritten, {erasure.history_scrubbed} "
            f"history entr(ies) scrubbed, {erasure.exports_expired} export file(s) deleted."
        )
