"""The reading pass of an import: row by row, headings, interview rows and co-participant
rows, each cell read; then the interviews imported before, found by their content. The later
passes (people, follow-ups, the report) are the Reader's too, from matching.py and report.py."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from django.db.models import Model
from django.utils.translation import gettext as _

from common.dates import DateProblem, parse_date_range
from common.errors import ValidationProblem
from common.names import fold, normalise, normalise_text, parse_name
from common.spreadsheets import TableRow
from interviews.cells import (
    NameCell,
    initials_key,
    read_name_cell,
    reads_as_person,
    split_interviewers,
)
from interviews.importing.columns import (
    ColumnProblem,
    is_co_participant_row,
    is_heading_row,
    read_mode,
    recognise_columns,
)
from interviews.importing.matching import PeopleMatching
from interviews.importing.plan import (
    AS_GROUP,
    AS_PERSON,
    BLANK,
    CO_PARTICIPANT,
    HEADING,
    INTERVIEW,
    Participant,
    Planned,
    RowLine,
)
from interviews.importing.report import Report
from interviews.models import (
    DATE_UNKNOWN,
    Interview,
    Interviewer,
    Participation,
    ReportingCategory,
)
from interviews.services.checks import check_length
from stakeholders.models import Person
from stakeholders.selectors import country_find, organisation_find


def is_date_unknown(text: str) -> bool:
    """'date unknown' (as the export writes it, in English or the reader's language)."""
    key = " ".join(fold(text).split())
    return bool(key) and key in {"date unknown", "unknown", fold(str(DATE_UNKNOWN))}


class Reader(PeopleMatching, Report):
    """One pass over the file: rows read, people matched, follow-ups linked; writes nothing."""

    # --- reading rows ---

    def read(self) -> None:
        try:
            self.columns = recognise_columns(self.table.headers)
        except ColumnProblem as problem:
            self.errors.append(str(problem))
            return
        for row in self.table.rows:
            self._row(row)
        if not self.plans and not self.errors:
            self.errors.append(
                _("The file lists no interviews: no row has a name with a date or interviewers.")
            )

    def _row(self, row: TableRow) -> None:
        line = RowLine(row=row.number, kind=BLANK, text="")
        self.lines.append(line)
        name = self.cell(row, "name")
        first_is_name = self.columns["name"] == 0
        if is_heading_row(row.values):
            if first_is_name and self.open and self._joins(name, row.number):
                return self._co_participant(row, line, self.open)
            if first_is_name and reads_as_person(name):
                return self._orphan(row, line)
            return self._heading(row, line)
        if is_co_participant_row(row.values, self.columns):
            if self.open is None:
                return self._orphan(row, line)
            return self._co_participant(row, line, self.open)
        if not name:
            if any(self.cell(row, f) for f in self.columns):
                line.kind = INTERVIEW
                self._error(line, _("the name is empty."), "name")
            else:
                line.text = _("Row %(row)s: blank") % {"row": row.number}
            return None
        return self._interview(row, line)

    def _joins(self, text: str, row: int) -> bool:
        """Whether a lone name under an interview joins it rather than heading what follows."""
        if self.decisions.get(row) in (AS_GROUP, AS_PERSON):
            return True
        cell = self._name_cell(text, row)
        if reads_as_person(text) or cell.headcount is not None or cell.group_reason == "(group)":
            return True
        # "Bruno Sample" under an interview: a person the registry or the file already knows
        # joins it; an unknown lone cell ("Headquarters", "Example City") is a heading.
        key = normalise(cell.display)
        return bool(key) and (key in self._names or bool(self.registry().exact(key)))

    def _heading(self, row: TableRow, line: RowLine) -> None:
        self.heading = row.values[0].strip().strip("*").strip(" :")
        self.open = None
        line.kind = HEADING
        line.text = _("Row %(row)s: heading “%(heading)s”") % {
            "row": row.number,
            "heading": self.heading,
        }
        self._fits(line, 0, Interview, "grouping", self.heading)

    def _orphan(self, row: TableRow, line: RowLine) -> None:
        line.kind = CO_PARTICIPANT
        self._error(
            line,
            _(
                "“%(name)s” has no date and no interviewers, so it reads as a co-participant of "
                "the interview above it, but there is no interview directly above it. Give it a "
                "date and interviewers, or move it under its interview."
            )
            % {"name": " ".join(self.cell(row, "name").split())},
        )

    def _known_organisation(self, name: str) -> bool:
        if name not in self._orgs:
            self._orgs[name] = organisation_find(name) is not None
        return self._orgs[name]

    def _name_cell(self, text: str, row: int) -> NameCell:
        decision = self.decisions.get(row, "")
        if decision in (AS_GROUP, AS_PERSON):
            forced = read_name_cell(f"{text} ({decision})")
            return replace(forced, original=text)
        return read_name_cell(text, is_known_organisation=self._known_organisation)

    def _participant(self, row: TableRow, line: RowLine) -> Participant | None:
        text = self.cell(row, "name")
        cell = self._name_cell(text, row.number)
        if not cell.display:
            self._error(line, _("“%(text)s” holds no name.") % {"text": text}, "name")
            return None
        if not self._participant_fits(cell, self.cell(row, "department"), line):
            return None
        if cell.is_group and cell.headcount is None:
            line.warnings.append(
                _(
                    "“%(name)s” is read as a group of unknown size (%(why)s). If it is one "
                    "person, add (person) after the name; if you know the size, add e.g. "
                    "(6 people)."
                )
                % {"name": cell.display, "why": cell.group_reason}
            )
        if not cell.is_group:
            self._names.add(normalise(cell.display))
        return Participant(row.number, cell, self.cell(row, "department"), line)

    def _participant_fits(self, cell: NameCell, department: str, line: RowLine) -> bool:
        if cell.is_group:
            fits = self._fits(line, "name", Participation, "group_label", cell.display)
        else:
            parsed = parse_name(cell.display)  # as person_create will split it
            parts = [("display_name", cell.display), ("honorific", cell.honorific),
                     ("given_name", parsed.given), ("family_name", parsed.family)]  # fmt: skip
            fits = all(self._fits(line, "name", Person, field, text) for field, text in parts)
        return self._fits(line, "department", Participation, "unit", department) and fits

    def _fits(
        self, line: RowLine, column: str | int, model: type[Model], field: str, text: str
    ) -> bool:
        """Whether the text fits its place in the database; else an error at its row and
        column, so the dry run says what the import would refuse."""
        try:
            check_length(model, field, text)
        except ValidationProblem as problem:
            self._error(line, problem.message, column)
            return False
        return True

    def _co_participant(self, row: TableRow, line: RowLine, interview: Planned) -> None:
        line.kind, line.interview = CO_PARTICIPANT, interview.number
        participant = self._participant(row, line)
        if participant is None:
            interview.bad = True
            return
        interview.participants.append(participant)
        category = self.cell(row, "category")
        if category and fold(category) != fold(interview.category):
            line.warnings.append(
                _(
                    "The category “%(category)s” of a co-participant row is ignored: the "
                    "interview's category comes from row %(row)s."
                )
                % {"category": category, "row": interview.row}
            )
        if note := self.cell(row, "notes"):
            interview.notes.append(note)

    def _interview(self, row: TableRow, line: RowLine) -> None:
        line.kind, line.interview = INTERVIEW, len(self.plans) + 1
        plan = Planned(number=line.interview, row=row.number, line=line)
        self.plans.append(plan)
        self.open = plan
        participant = self._participant(row, line)
        if participant is not None:
            plan.participants.append(participant)
        else:
            plan.bad = True
        written = self.cell(row, "date")
        if is_date_unknown(written):  # as the export writes an interview logged without one
            plan.undated = True
        else:
            try:
                plan.dates = parse_date_range(written, month_first=self.month_first)
            except DateProblem as problem:
                self._error(line, str(problem), "date")
                plan.bad = True
        plan.grouping = self.cell(row, "location") or self.heading
        plan.interviewers = split_interviewers(self.cell(row, "interviewers"))
        plan.category = " ".join(self.cell(row, "category").split())
        if note := self.cell(row, "notes"):
            plan.notes.append(note)
        fits = [
            not self.cell(row, "location")
            or self._fits(line, "location", Interview, "grouping", plan.grouping),
            all(
                self._fits(line, "interviewers", Interviewer, "initials", i)
                for i in plan.interviewers
            ),
            self._fits(line, "category", ReportingCategory, "name", plan.category),
        ]
        plan.bad = not all(fits) or plan.bad
        plan.bad = not self._mode_and_country(row, plan, participant) or plan.bad

    def _mode_and_country(
        self, row: TableRow, plan: Planned, participant: Participant | None
    ) -> bool:
        good = True
        if typed := self.cell(row, "mode"):
            mode = read_mode(typed)
            if mode is None:
                labels = ", ".join(str(label) for label in Interview.Mode.labels)
                message = _("“%(mode)s” is not a mode of interview. Write one of: %(modes)s.")
                self._error(plan.line, message % {"mode": typed, "modes": labels}, "mode")
                good = False
            else:
                plan.mode = mode
        elif participant is not None and participant.cell.telephone:
            plan.mode = Interview.Mode.PHONE
        if typed := self.cell(row, "country"):
            plan.country = country_find(typed)
            if plan.country is None:
                message = _("“%(country)s” is not a country the registry knows.")
                self._error(plan.line, message % {"country": typed}, "country")
                good = False
        return good

    # --- recognising interviews imported before ---

    def find_imported(self) -> None:
        first: dict[str, Planned] = {}
        for plan in self.plans:
            if plan.bad:
                continue
            plan.key = _import_key(plan)
            if plan.key in first:
                plan.same_as = first[plan.key]
            else:
                first[plan.key] = plan
        existing = Interview.objects.filter(evaluation=self.evaluation, import_key__in=list(first))
        found = {interview.import_key: interview for interview in existing}
        for plan in self.plans:
            if not plan.bad and plan.same_as is None:
                plan.existing = found.get(plan.key)


def _import_key(plan: Planned) -> str:
    """The interview's content, normalised: what makes it the same interview in any file."""
    names = [
        (f"{p.key}|{p.cell.headcount or ''}" if p.cell.is_group else p.key)
        + ("|again" if p.cell.follow_up else "")
        for p in plan.participants
    ]
    parts = [
        normalise_text(plan.grouping),
        *(("undated",) if plan.undated else (plan.dates[0].isoformat(), plan.dates[1].isoformat())),
        *names,
        "&".join(sorted(initials_key(i) for i in plan.interviewers)),
    ]
    return "list:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:40]
