"""The criteria grid as a report prints it: per assessed unit, one row per criterion
(Criteria | Assessment), every criterion shown, a cell with no assessment "not yet assessed".

Every member reads the assessments, the ratings and the documents. Linked excerpts and
interviews are shown to those who read them (the codings' rule: an excerpt the reader may
read, with its attribution; the interview log for roles that read it); others get their
number only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from analysis.models import AssessedUnit, Assessment, Coding, Criterion
from analysis.selectors.codings import attribution_of, readable_codings_filter
from analysis.services.grid import scale_levels
from evaluations.permissions import Action, can

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation


@dataclass(frozen=True)
class GridExcerpt:
    id: int
    codes: list[str]
    text: str
    attribution: str


@dataclass
class GridCell:
    criterion_id: int
    criterion: str  # the criterion's name, as reports head the row
    criterion_label: str
    state: str = Assessment.State.PENDING
    state_label: str = ""
    text: str = ""
    rating: str = ""
    documents: list[str] = field(default_factory=list)
    excerpts: list[GridExcerpt] = field(default_factory=list)
    excerpts_total: int = 0  # all linked excerpts, those the reader may not see included
    interviews: list[tuple[int, str]] = field(default_factory=list)
    interviews_total: int = 0

    @property
    def excerpts_hidden(self) -> int:
        return self.excerpts_total - len(self.excerpts)


@dataclass
class GridUnit:
    id: int
    name: str
    kind: str
    kind_label: str
    description: str
    cells: list[GridCell]


@dataclass
class Grid:
    levels: list[str]
    units: list[GridUnit]
    criteria: int
    sees_sources: bool


def grid_of(*, user: User | AnonymousUser, evaluation: Evaluation) -> Grid:
    """The grid as `user` may read it (every member)."""
    criteria = list(Criterion.objects.filter(evaluation=evaluation).order_by("order", "pk"))
    sees = can(user, Action.VIEW_RESPONSES, evaluation)
    readable: set[int] = set()
    if sees:
        readable = set(
            Coding.objects.filter(
                readable_codings_filter(user, evaluation), assessments__unit__evaluation=evaluation
            ).values_list("pk", flat=True)
        )
    assessments = {
        (a.unit_id, a.criterion_id): a
        for a in Assessment.objects.filter(unit__evaluation=evaluation)
        .prefetch_related("codings__codes", "interviews")
        .prefetch_related("codings__note__interview__participations__stakeholder_group")
        .prefetch_related("codings__note__interview__participations__country")
        .prefetch_related("codings__note__interview__region", "codings__answer__response")
    }
    units = []
    pending = str(Assessment.State.PENDING.label)
    for unit in AssessedUnit.objects.filter(evaluation=evaluation).order_by("order", "pk"):
        cells = []
        for criterion in criteria:
            cell = GridCell(criterion.pk, criterion.name, criterion.label, state_label=pending)
            found = assessments.get((unit.pk, criterion.pk))
            if found is not None:
                linked = sorted(found.codings.all(), key=lambda c: (c.created_at, c.pk))
                interviews = sorted(
                    found.interviews.all(),
                    key=lambda i: (i.date is None, i.date or dt.date.min, i.pk),
                )
                cell.state, cell.state_label = found.state, str(found.get_state_display())
                cell.text, cell.rating = found.text, found.rating
                cell.documents = [line for line in found.documents.splitlines() if line]
                cell.excerpts = [
                    GridExcerpt(
                        coding.pk,
                        [code.name for code in coding.codes.all()],
                        coding.text,
                        attribution_of(coding),
                    )
                    for coding in linked
                    if coding.pk in readable
                ]
                cell.excerpts_total = len(linked)
                cell.interviews = [(i.pk, str(i)) for i in interviews] if sees else []
                cell.interviews_total = len(interviews)
            cells.append(cell)
        units.append(
            GridUnit(
                unit.pk, unit.name, unit.kind, str(unit.get_kind_display()), unit.description, cells
            )
        )
    return Grid(scale_levels(evaluation), units, len(criteria), sees)


def sources_text(cell: GridCell) -> str:
    """A cell's sources as lines: documents, excerpts the reader may read with their
    attribution (the others as a number), interviews (or their number)."""
    parts = list(cell.documents)
    for excerpt in cell.excerpts:
        parts.append(f"“{excerpt.text}” — {excerpt.attribution}")
    hidden = cell.excerpts_hidden
    if hidden:
        parts.append(
            ngettext(
                "%(n)s coded excerpt you may not read",
                "%(n)s coded excerpts you may not read",
                hidden,
            )
            % {"n": hidden}
        )
    if cell.interviews:
        parts += [_("Interview: %(label)s") % {"label": label} for _pk, label in cell.interviews]
    elif cell.interviews_total:
        parts.append(
            ngettext("%(n)s interview", "%(n)s interviews", cell.interviews_total)
            % {"n": cell.interviews_total}
        )
    return "\n".join(parts)
