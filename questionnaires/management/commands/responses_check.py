"""manage.py responses_check [--repair] [--evaluation SLUG]: every response's answers document
against its answer rows."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.models import Evaluation
from questionnaires.services.documents import Mismatch, documents_check


class Command(BaseCommand):
    help = (
        "Check that each response's answers document (what the raw export reads) equals its "
        "answer rows; lists each response that differs, with the question keys, and exits "
        "with status 1 when any does. --repair rewrites those documents from the rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair", action="store_true", help="Rewrite differing documents from the rows."
        )
        parser.add_argument("--evaluation", metavar="SLUG", help="Only this evaluation.")

    def handle(self, *args: Any, repair: bool, evaluation: str | None, **opts: Any) -> None:
        scope = None
        if evaluation:
            scope = Evaluation.objects.filter(slug=evaluation).first()
            if scope is None:
                raise CommandError(_("There is no evaluation “%(slug)s”.") % {"slug": evaluation})
        result = documents_check(evaluation=scope, repair=repair, report=self._report)
        self.stdout.write(
            _("Checked %(checked)s response(s): %(mismatched)s document(s) differ from their "
              "answers.") % {"checked": result.checked, "mismatched": result.mismatched}
        )  # fmt: skip
        if repair and result.repaired:
            self.stdout.write(
                _("Repaired %(n)s document(s) from their answers.") % {"n": result.repaired}
            )
        elif result.mismatched:
            raise CommandError(
                _("%(n)s response document(s) differ from their answers; run again with "
                  "--repair to rewrite them from the answers.") % {"n": result.mismatched},
                returncode=1,
            )  # fmt: skip

    def _report(self, mismatch: Mismatch) -> None:
        keys = ", ".join(mismatch.keys) or _("(not an object)")
        self.stdout.write(
            _("response %(id)s: %(keys)s") % {"id": mismatch.response_id, "keys": keys}
        )
