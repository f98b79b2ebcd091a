"""The annex "List of persons interviewed": the interviews counted in the tables, under
headings (the interview's grouping, or its reporting category), one line per participant.

Names are withheld on request (the person is shown by function and organisation only), and
always for users who may not read names (viewers). `user=None` means the system (commands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from interviews.exporting import (
    department_text,
    interview_dates,
    interviewer_initials,
    withheld_name,
)
from interviews.models import Interview, Participation
from interviews.selectors import interviews_with_details
from reports.selectors.access import report_access
from reports.tables import Annex, AnnexGroup, AnnexLine

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

BY = ("grouping", "category")


def _name(participation: Participation, withhold: bool) -> str:
    person = participation.person  # loaded with the participation (interviews_with_details)
    if person is not None:
        return withheld_name(participation) if withhold else person.display_name
    if participation.headcount:
        return _("%(group)s (%(n)d people)") % {
            "group": participation.group_label,
            "n": participation.headcount,
        }
    return _("%(group)s (group of unknown size)") % {"group": participation.group_label}


def _heading(interview: Interview, by: str) -> tuple[str, tuple[int, int, str], str]:
    """The heading's identity, its sort key and its text; "(no heading)" sorts last. Groupings
    get their place from the order they first appear in (see annex)."""
    if by == "category":
        category = interview.category
        if category is None:
            return "", (1, 0, ""), _("(no heading)")
        return str(category.pk), (0, category.order, category.name.casefold()), category.name
    if not interview.grouping:
        return "", (1, 0, ""), _("(no heading)")
    return interview.grouping.casefold(), (0, 0, ""), interview.grouping


def annex(
    *,
    evaluation: Evaluation,
    user: User | AnonymousUser | None,
    by: str = "grouping",
    withhold_names: bool = False,
) -> Annex:
    """The annex of persons interviewed, by grouping (headings in the order they first appear
    by date) or by category (in the categories' order); "(no heading)" last. Excluded
    interviews are left out. PermissionDenied for non-members."""
    if by not in BY:
        message = _("Group the annex by grouping or by category, not “%(by)s”.") % {"by": by}
        raise ValidationProblem(message, errors={"by": [message]})
    if user is not None:
        withhold_names = withhold_names or not report_access(user, evaluation).names
    interviews = interviews_with_details(
        Interview.objects.filter(evaluation=evaluation, excluded=False)
    ).order_by(F("date").asc(nulls_last=True), "pk")
    groups: dict[str, tuple[tuple[int, int, str], str, list[AnnexLine]]] = {}
    for interview in interviews:  # by date: a grouping's place is where it first appears
        ident, key, heading = _heading(interview, by)
        if ident not in groups:
            if by == "grouping" and ident:
                key = (0, len(groups), "")
            groups[ident] = (key, heading, [])
        when = interview_dates(interview, dash="–")  # an en dash, as reports print ranges
        interviewers = interviewer_initials(interview)
        for participation in interview.participations.all():
            name = _name(participation, withhold_names)
            withheld = withhold_names and participation.person_id is not None
            groups[ident][2].append(
                AnnexLine(
                    name=name,
                    department=department_text(participation, besides=name if withheld else ""),
                    date=when,
                    interviewers=interviewers,
                )
            )
    ordered = sorted(groups.values(), key=lambda group: group[0])
    return Annex(
        by=by,
        names_withheld=withhold_names,
        groups=[AnnexGroup(heading=heading, lines=lines) for _key, heading, lines in ordered],
    )


def annex_rows(annex: Annex) -> list[list[str]]:
    """Header, then each heading as a row of its own followed by its lines."""
    rows = [[_("Name"), _("Department/Organisation"), _("Date"), _("Interviewers")]]
    for group in annex.groups:
        rows.append([group.heading, "", "", ""])
        rows += [[line.name, line.department, line.date, line.interviewers] for line in group.lines]
    return rows
