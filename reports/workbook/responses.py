"""The raw responses of one questionnaire as their own workbook: what survey tools call the data
export. An About sheet (what, for whom, when, codes or labels), then the raw sheet(s), streamed
from the answers documents (reports.selectors.raw) straight into the file, then the codebook
of the variables the SPSS, Stata and R files hold (reports.statistics)."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.permissions import Action, can
from reports.selectors.raw import raw_columns, raw_response_count, raw_response_rows
from reports.statistics import codebook_sheet_write
from reports.workbook.book import Book, Progress, WorkbookStats
from reports.workbook.sheets import raw_sheet

if TYPE_CHECKING:
    from pathlib import Path

    from accounts.models import User
    from questionnaires.models import Distribution


def responses_write(
    target: str | Path | IO[bytes],
    *,
    distribution: Distribution,
    user: User,
    labels: bool = False,
    progress: Progress | None = None,
    tmpdir: str | Path | None = None,
) -> WorkbookStats:
    """Write the responses of `distribution` that `user` may read (PermissionDenied for a role
    without individual responses). Responses submitted while it is written are left out: the
    About sheet says up to when."""
    if not can(user, Action.VIEW_RESPONSES, distribution.evaluation):
        raise PermissionDenied(_("Your role does not include individual responses."))
    cutoff = timezone.now()
    count = raw_response_count(user=user, distribution=distribution, cutoff=cutoff)
    with Book.open(target, progress=progress, total=count + 8, tmpdir=tmpdir) as book:
        book.step(_("About"))
        about = book.sheet(_("About"), (34, 100))
        about.line([_("Raw responses")], style="title")
        about.line([_("Evaluation"), distribution.evaluation.title])
        about.line([_("Questionnaire"), distribution.title])
        about.line([_("Responses"), count])
        about.line([_("Submitted up to"), timezone.localtime(cutoff).replace(microsecond=0)])
        about.line([_("Prepared for"), user.email])
        about.line(
            [
                _("Answers as"),
                _("The choices' labels") if labels else _("Codes (Likert codes as numbers)"),
            ]
        )
        about.line([_("Only the responses you may read are included.")], style="note")
        raw_sheet(
            book,
            title=distribution.title,
            columns=raw_columns(distribution),
            rows=raw_response_rows(
                user=user, distribution=distribution, labels=labels, cutoff=cutoff
            ),
            labels=labels,
            count=count,
        )
        codebook_sheet_write(book, distribution=distribution, user=user, cutoff=cutoff)
    return book.stats
