"""The interview log written as the "List of persons interviewed" annex, in the layout the
importer reads (interviews.importing), so export → import gives the same interviews.

One row per participant: the interview's row first (date, interviewers, place, mode, country,
category), its other participants as name-only rows directly below it. The name cell carries
what the importer reads back: a group's headcount "(6 people)" or "(group)", "(person)" for a
person whose name would read as a group, "(2nd)" on a follow-up, the `about` as a remark.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _

from common.downloads import safe_filename
from common.spreadsheets import safe_cell, safe_text
from common.xlsx import Book
from interviews.cells import read_name_cell, reads_as_person
from interviews.models import DATE_UNKNOWN, Interview, Participation
from interviews.selectors.log import interview_list
from stakeholders.selectors import organisation_find

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from evaluations.models import Evaluation

__all__ = [
    "EXPORT_HEADERS",
    "day_text",
    "department_text",
    "interview_dates",
    "interviewer_initials",
    "log_rows",
    "log_xlsx",
    "withheld_name",
]

EXPORT_HEADERS = [
    "Name",
    "Department",
    "Date",
    "Interviewers",
    "Location",
    "Country",
    "Mode",
    "Category",
    "Notes",
]
_WIDTHS = [40, 36, 22, 16, 22, 16, 14, 20, 30]


def export_filename(evaluation: Evaluation, extension: str) -> str:
    """The download name of the log in the layout of a list of persons interviewed."""
    return safe_filename(f"{evaluation.slug}-persons-interviewed.{extension}")


def log_rows(
    *, evaluation: Evaluation, user: User | AnonymousUser, withhold_names: bool = False
) -> Iterator[list[str]]:
    """The header, then one row per participant, for a CSV download; cells that a spreadsheet
    would run as formulas are kept as text.

    With `withhold_names` the Name column holds the person's job title and organisation
    instead (as an annex printed without names does): such a file cannot be imported back.
    Only members who may read the log get it (PermissionDenied otherwise).
    """
    rows = _rows(evaluation=evaluation, user=user, withhold_names=withhold_names)
    yield next(rows)
    for row in rows:
        yield [str(safe_cell(cell)) for cell in row]


def log_xlsx(
    *, evaluation: Evaluation, user: User | AnonymousUser, withhold_names: bool = False
) -> bytes:
    """The same rows as an Excel workbook: one sheet, the header frozen, columns sized.
    `withhold_names` as in `log_rows` (not importable then)."""
    rows = _rows(evaluation=evaluation, user=user, withhold_names=withhold_names)
    header = next(rows)  # checks the user may read the log before a file is started
    out = io.BytesIO()
    with Book.open(out) as book:
        sheet = book.sheet(_("Persons interviewed"), _WIDTHS, freeze=1)
        sheet.line(header, style="bold")
        for row in rows:
            sheet.line(row, ["wrap" if "\n" in safe_text(cell) else None for cell in row])
    return out.getvalue()


# --- the rows -------------------------------------------------------------------------------


def _rows(
    *, evaluation: Evaluation, user: User | AnonymousUser, withhold_names: bool
) -> Iterator[list[str]]:
    interviews = list(interview_list(user=user, evaluation=evaluation).interviews)
    by_pk = {interview.pk: interview for interview in interviews}
    known = _known_organisations()
    yield list(EXPORT_HEADERS)
    for interview in interviews:
        if interview.excluded:
            continue  # the annex lists what the tables count; excluded ones stay in the log
        participations = list(interview.participations.all())
        marked = _marked(interview, participations, by_pk)
        for index, participation in enumerate(participations):
            remarks = []
            if index == marked:
                remarks.append(_ordinal(_round(interview, by_pk)))
            if index == 0 and interview.about:
                remarks.append(_remark(interview.about))
            if withhold_names and participation.person_id:
                name = withheld_name(participation)
                department = department_text(participation, besides=name)
            else:
                name = _name(
                    participation, remarks, known, alone=index > 0 and not interview.grouping
                )
                department = department_text(participation)
            if index == 0:
                yield [name, department, *_interview_cells(interview)]
            else:
                yield [name, department, "", "", interview.grouping, "", "", "", ""]


def _interview_cells(interview: Interview) -> list[str]:
    """Date, Interviewers, Location, Country, Mode, Category, Notes."""
    with translation.override("en"):  # the words the importer reads in any language
        mode = str(Interview.Mode(interview.mode).label)
        when = interview_dates(interview)  # a hyphen: what the importer reads as a range
    return [
        when,
        interviewer_initials(interview),
        interview.grouping,
        interview.country.name if interview.country_id else "",
        mode,
        interview.category.name if interview.category_id else "",
        "",
    ]


def day_text(day: object) -> str:
    """12.3.2026, as the annexes print dates."""
    return f"{day.day}.{day.month}.{day.year}"  # type: ignore[attr-defined]


def interview_dates(interview: Interview, dash: str = "-") -> str:
    """12.3.2026, or 8.4.2026-10.4.2026 over several days (`dash` between them); "date
    unknown" for an interview imported from a list printed without dates."""
    if interview.date is None:
        return str(DATE_UNKNOWN)
    when = day_text(interview.date)
    if interview.date_end and interview.date_end != interview.date:
        when = f"{when}{dash}{day_text(interview.date_end)}"
    return when


def interviewer_initials(interview: Interview) -> str:
    """ "LE & ES": the members' initials, or the initials as written."""
    initials = [
        (i.membership.initials if i.membership_id and i.membership.initials else i.initials)
        for i in interview.interviewers.all()
    ]
    return " & ".join(i for i in initials if i)


def _known_organisations() -> Callable[[str], bool]:
    cache: dict[str, bool] = {}

    def known(name: str) -> bool:
        if name not in cache:
            cache[name] = organisation_find(name) is not None
        return cache[name]

    return known


def _name(
    participation: Participation,
    remarks: list[str],
    known: Callable[[str], bool],
    *,
    alone: bool,
) -> str:
    """The name cell as the importer reads it back: the same person or group, the same size.

    `alone`: the row will have nothing but its name (a co-participant without a place), so it
    must read as a participant, not as a heading."""
    if participation.person_id:
        name = participation.person.display_name
        if read_name_cell(name, is_known_organisation=known).is_group:
            remarks = ["person", *remarks]
    else:
        name = participation.group_label
        if participation.headcount:
            remarks = [f"{participation.headcount} people", *remarks]
        elif not read_name_cell(name, is_known_organisation=known).is_group:
            remarks = ["group", *remarks]
    text = " ".join([name, *(f"({remark})" for remark in remarks)])
    cell = read_name_cell(text)
    if alone and not (
        reads_as_person(text) or cell.headcount is not None or cell.group_reason == "(group)"
    ):
        text += " (person)" if participation.person_id else " (group)"
    return text


def withheld_name(participation: Participation) -> str:
    """A person as an annex without names shows them: job title and organisation."""
    said = [participation.job_title, participation.organisation_name]
    return ", ".join(part for part in said if part) or participation.unit or _("(name withheld)")


def department_text(participation: Participation, *, besides: str = "") -> str:
    """The unit, job title and organisation copied on the day, as an annex prints them,
    leaving out what `besides` (the Name cell, when it shows the function) already says."""
    parts: list[str] = []
    for part in (participation.job_title, participation.unit, participation.organisation_name):
        part = (part or "").strip()
        if not part or part.casefold() in besides.casefold():
            continue
        if not any(part.casefold() in known.casefold() for known in parts):
            parts.append(part)
    return ", ".join(parts)


def _remark(about: str) -> str:
    """`about` as a bracketed remark: round brackets inside it become square ones."""
    return " ".join(about.replace("(", "[").replace(")", "]").split())


def _round(interview: Interview, by_pk: dict[int, Interview]) -> int:
    """2 for a follow-up, 3 for a follow-up of a follow-up, …"""
    number, seen, current = 1, set(), interview
    while current.follow_up_of_id and current.pk not in seen:
        seen.add(current.pk)
        number += 1
        current = by_pk.get(current.follow_up_of_id) or current.follow_up_of
    return number


def _ordinal(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _marked(
    interview: Interview, participations: list[Participation], by_pk: dict[int, Interview]
) -> int | None:
    """Which participant carries the follow-up marker: the first who was in the interview it
    follows (the importer links the marked participant's earlier interview)."""
    if not interview.follow_up_of_id:
        return None
    earlier = by_pk.get(interview.follow_up_of_id)
    if earlier is None:
        return 0
    before = {(p.person_id, p.group_label.casefold()) for p in earlier.participations.all()}
    return next(
        (
            index
            for index, p in enumerate(participations)
            if (p.person_id, p.group_label.casefold()) in before
        ),
        0,
    )
