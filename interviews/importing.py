"""Importing a "List of persons interviewed" (the annex evaluation reports print) into the log.

One pass reads the file row by row (headings, interview rows, co-participant rows), matches
the people to the registry, links follow-ups and finds the interviews imported before; the dry
run reports that plan line by line, and the import runs the same pass again inside one
transaction and carries it out through the interview services, all or nothing.

An interview is recognised again by its content (grouping, dates, the names as read and the
interviewers), never by the file name or row number: a second import of the same list, or the
same list saved as XLSX after CSV, creates nothing, and an edited list adds only its new rows.
The cells themselves are read in `interviews.parsing` and `common.dates`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.dates import DateProblem, parse_date_range
from common.errors import ValidationProblem
from common.names import fold, normalise, normalise_text
from common.spreadsheets import Table, TableRow, letter
from evaluations.models import Evaluation, Membership
from interviews.models import Interview, Participation, ReportingCategory
from interviews.parsing import (
    ColumnProblem,
    NameCell,
    initials_key,
    is_co_participant_row,
    is_heading_row,
    read_mode,
    read_name_cell,
    reads_as_person,
    recognise_columns,
    split_interviewers,
)
from interviews.services import ParticipantInput, interview_create, note_add
from interviews.services.checks import ensure_can_log
from stakeholders.importing import RegistryIndex
from stakeholders.models import Affiliation, Country, Person
from stakeholders.selectors import country_find, organisation_find
from stakeholders.services import person_create

if TYPE_CHECKING:
    from accounts.models import User

__all__ = [
    "InterviewImport",
    "NearMatch",
    "RowLine",
    "interviews_check",
    "interviews_import",
]

HEADING, INTERVIEW, CO_PARTICIPANT, BLANK = "heading", "interview", "co_participant", "blank"
# A reviewer's choice for a row: "person:<id>", "new", or how to read the name cell.
USE_PERSON, NEW_PERSON, AS_GROUP, AS_PERSON = "person:", "new", "group", "person"
COUNT_KEYS = (
    "interviews",
    "participants",
    "people_new",
    "people_matched",
    "groups",
    "follow_ups",
    "already_imported",
)
Identity = tuple[str, object]  # ("person", id) | ("new", name key) | ("group", label key)


# --- what the caller gets ---------------------------------------------------------------------


@dataclass
class NearMatch:
    """A name close to registry people, for review in the UI."""

    row: int
    name: str
    candidates: list[tuple[int, str, int]]  # (person id, "Name — organisation", score 0-100)


@dataclass
class RowLine:
    """What one row of the file became, as the dry run prints it."""

    row: int
    kind: str  # HEADING | INTERVIEW | CO_PARTICIPANT | BLANK
    text: str
    warnings: list[str] = field(default_factory=list)
    interview: int | None = None  # 1-based, in file order


@dataclass
class InterviewImport:
    lines: list[RowLine]
    errors: list[str]  # non-empty: nothing is imported
    near_matches: list[NearMatch]
    counts: dict[str, int]
    already_imported: bool  # every interview of the file was imported before

    @property
    def ok(self) -> bool:
        return not self.errors


# --- the plan ---------------------------------------------------------------------------------


@dataclass
class _Participant:
    row: int
    cell: NameCell
    department: str
    line: RowLine
    identity: Identity | None = None
    said: str = ""  # "new person", "matched: B. Sample, Ministry of …"

    @property
    def key(self) -> str:
        if self.cell.is_group:
            return f"group:{normalise_text(self.cell.display)}"
        return normalise(self.cell.display)


@dataclass
class _Planned:
    number: int
    row: int
    line: RowLine
    dates: tuple[dt.date, dt.date] = (dt.date.min, dt.date.min)  # read when not `bad`
    grouping: str = ""
    interviewers: list[str] = field(default_factory=list)
    mode: str = Interview.Mode.IN_PERSON
    country: Country | None = None
    category: str = ""
    notes: list[str] = field(default_factory=list)
    participants: list[_Participant] = field(default_factory=list)
    bad: bool = False
    key: str = ""
    existing: Interview | None = None
    same_as: _Planned | None = None  # listed twice in the file: imported once
    of_plan: _Planned | None = None
    of_log: Interview | None = None

    @property
    def date(self) -> dt.date:
        return self.dates[0]

    @property
    def new(self) -> bool:
        return not self.bad and self.existing is None and self.same_as is None


def _day(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _when(dates: tuple[dt.date, dt.date]) -> str:
    return _day(dates[0]) if dates[0] == dates[1] else f"{_day(dates[0])}–{_day(dates[1])}"


def _label(person_id: int, name: str) -> str:
    """'Name — organisation' for a candidate, from their current affiliation."""
    affiliation = Affiliation.objects.filter(person_id=person_id, end__isnull=True).select_related(
        "organisation"
    )
    org = next((a.organisation.name for a in affiliation.order_by("-pk") if a.organisation), "")
    return f"{name} — {org}" if org else name


class _Reader:
    """One pass over the file: rows read, people matched, follow-ups linked; writes nothing."""

    def __init__(
        self,
        table: Table,
        *,
        evaluation: Evaluation,
        month_first: bool,
        decisions: Mapping[int, str] | None,
        stop_on_near_matches: bool,
    ) -> None:
        self.table, self.evaluation = table, evaluation
        self.month_first, self.stop = month_first, stop_on_near_matches
        self.decisions = {
            int(k): str(v).strip() for k, v in (decisions or {}).items() if str(k).isdigit()
        }
        self.columns: dict[str, int] = {}
        self.lines: list[RowLine] = []
        self.errors: list[str] = []
        self.near: list[NearMatch] = []
        self.plans: list[_Planned] = []
        self.heading = ""
        self.open: _Planned | None = None  # the interview a name-only row would join
        self._orgs: dict[str, bool] = {}
        self._index: RegistryIndex | None = None
        self._names: set[str] = set()  # people named in the file so far (normalised)

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

    def cell(self, row: TableRow, name: str) -> str:
        index = self.columns.get(name)
        return row.values[index].strip() if index is not None else ""

    def _where(self, name: str) -> str:
        index = self.columns[name]
        return _("%(header)s (column %(letter)s)") % {
            "header": " ".join(self.table.headers[index].split()),
            "letter": letter(index),
        }

    def _error(self, line: RowLine, message: str, column: str = "") -> None:
        text = f"{self._where(column)}: {message}" if column else message
        self.errors.append(_("Row %(row)s: %(message)s") % {"row": line.row, "message": text})
        prefix = _("Row %(row)s: error — ") % {"row": line.row}
        line.text = f"{line.text}; {text}" if line.text.startswith(prefix) else prefix + text

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

    def registry(self) -> RegistryIndex:
        """The registry's people and aliases, loaded once per file."""
        if self._index is None:
            self._index = RegistryIndex()
        return self._index

    def _heading(self, row: TableRow, line: RowLine) -> None:
        self.heading = row.values[0].strip().strip("*").strip(" :")
        self.open = None
        line.kind = HEADING
        line.text = _("Row %(row)s: heading “%(heading)s”") % {
            "row": row.number,
            "heading": self.heading,
        }

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

    def _participant(self, row: TableRow, line: RowLine) -> _Participant | None:
        text = self.cell(row, "name")
        cell = self._name_cell(text, row.number)
        if not cell.display:
            self._error(line, _("“%(text)s” holds no name.") % {"text": text}, "name")
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
        return _Participant(row.number, cell, self.cell(row, "department"), line)

    def _co_participant(self, row: TableRow, line: RowLine, interview: _Planned) -> None:
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
        plan = _Planned(number=line.interview, row=row.number, line=line)
        self.plans.append(plan)
        self.open = plan
        participant = self._participant(row, line)
        if participant is not None:
            plan.participants.append(participant)
        else:
            plan.bad = True
        try:
            plan.dates = parse_date_range(self.cell(row, "date"), month_first=self.month_first)
        except DateProblem as problem:
            self._error(line, str(problem), "date")
            plan.bad = True
        plan.grouping = self.cell(row, "location") or self.heading
        plan.interviewers = split_interviewers(self.cell(row, "interviewers"))
        plan.category = " ".join(self.cell(row, "category").split())
        if note := self.cell(row, "notes"):
            plan.notes.append(note)
        plan.bad = not self._mode_and_country(row, plan, participant) or plan.bad

    def _mode_and_country(
        self, row: TableRow, plan: _Planned, participant: _Participant | None
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
        first: dict[str, _Planned] = {}
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

    # --- people ---

    def match_people(self) -> None:
        index = self.registry()
        seen: dict[str, tuple[Identity, int]] = {}
        for plan in self.plans:
            errors = len(self.errors)
            for participant in plan.participants:
                if participant.cell.is_group:
                    participant.identity = ("group", participant.key)
                elif plan.new:
                    self._match(participant, index, seen)
                else:
                    participant.identity = _quiet_match(participant, index, seen)
            self._listed_twice(plan)
            plan.bad = plan.bad or len(self.errors) > errors

    def _match(self, p: _Participant, index: RegistryIndex, seen: dict) -> None:
        """Who a named participant is: a chosen, matched or earlier-listed person, or new."""
        decision, key = self.decisions.get(p.row, ""), p.key
        if decision.startswith(USE_PERSON):
            pk = _as_int(decision.removeprefix(USE_PERSON))
            if pk not in index.names:
                message = _("the chosen person (%(choice)s) is not in the registry (any more).")
                self._error(p.line, message % {"choice": decision})
                return
            p.identity, p.said = ("person", pk), _("chosen: %(who)s") % {"who": index.names[pk]}
        elif key in seen and decision != NEW_PERSON:
            p.identity = seen[key][0]
            p.said = _("same person as row %(row)s") % {"row": seen[key][1]}
            return
        else:
            exact = _narrowed(index.exact(key), p.department) if decision != NEW_PERSON else set()
            if len(exact) == 1:
                (pk,) = exact
                p.identity = ("person", pk)
                p.said = _("matched: %(who)s") % {"who": _label(pk, index.names[pk])}
            else:
                p.identity = ("new", key if key not in seen else f"{key}#{p.row}")
                p.said = _("new person")
                if decision != NEW_PERSON:
                    self._near(p, index, exact)
        seen.setdefault(key, (p.identity, p.row))

    def _near(self, p: _Participant, index: RegistryIndex, exact: set[int]) -> None:
        if exact:
            found = [(pk, 100.0) for pk in sorted(exact)]
        else:
            found = [(c.person_id, c.score) for c in index.near(p.key)]
        if not found:
            return
        candidates = [(pk, _label(pk, index.names[pk]), round(score)) for pk, score in found]
        self.near.append(NearMatch(row=p.row, name=p.cell.display, candidates=candidates))
        listed = "; ".join(f"{label} ({score})" for _pk, label, score in candidates)
        if self.stop:
            message = _(
                "“%(name)s” may be someone already in the registry: %(people)s. Choose who it "
                "is (or that it is a new person) before importing."
            )
            self._error(p.line, message % {"name": p.cell.display, "people": listed})
        else:
            message = _(
                "“%(name)s” is close to people in the registry: %(people)s. A new person is "
                "created unless you choose one of them."
            )
            p.line.warnings.append(message % {"name": p.cell.display, "people": listed})

    def _listed_twice(self, plan: _Planned) -> None:
        first: dict[Identity, int] = {}
        for p in plan.participants:
            if p.identity is None or p.identity[0] == "group":
                continue
            if p.identity in first:
                message = _("%(name)s is listed twice in interview %(n)s (rows %(a)s and %(b)s).")
                values = {"name": p.cell.display, "n": plan.number, "a": first[p.identity]}
                self._error(p.line, message % {**values, "b": p.row})
            first.setdefault(p.identity, p.row)

    # --- follow-ups ---

    def link_follow_ups(self) -> None:
        log = _LogIndex(self.evaluation, exclude={p.existing.pk for p in self.plans if p.existing})
        for plan in self.plans:
            if not plan.new:
                continue
            marked = next((p for p in plan.participants if p.cell.follow_up), None)
            if marked is not None:
                self._follow_up(plan, marked, log)
            else:
                self._likely_follow_ups(plan, log)

    def _follow_up(self, plan: _Planned, marked: _Participant, log: _LogIndex) -> None:
        """The marked participant's latest interview before this one, in the file or the log."""
        found: list[tuple[dt.date, int, _Planned | Interview]] = []
        for other in self.plans:
            if other is plan or other.bad or not _takes_part(other, marked.identity):
                continue
            earlier = other.row < plan.row and other.date <= plan.date
            if earlier or other.date < plan.date:
                found.append((other.date, other.row if other.row < plan.row else -1, other))
        found += [(i.date, -2, i) for i in log.interviews(marked.identity) if i.date <= plan.date]
        if not found:
            message = _(
                "%(name)s is marked as interviewed again, but no earlier interview of theirs "
                "is in this file or the log: imported as a first interview."
            )
            plan.line.warnings.append(message % {"name": marked.cell.display})
            return
        target = max(found, key=lambda item: item[:2])[2]
        if isinstance(target, _Planned):
            target = target.same_as or target
            plan.of_log, plan.of_plan = target.existing, None if target.existing else target
        else:
            plan.of_log = target

    def _likely_follow_ups(self, plan: _Planned, log: _LogIndex) -> None:
        for p in plan.participants:
            if p.identity is None or p.identity[0] == "group":
                continue
            earlier = next(
                (o for o in self.plans if o.row < plan.row and not o.bad and o.date != plan.date
                 and _takes_part(o, p.identity)),
                None,
            )  # fmt: skip
            if earlier is not None:
                message = _(
                    "%(name)s was also interviewed on %(date)s (row %(row)s): likely a "
                    "follow-up of row %(row)s. Add (2nd) to the name to record it as one."
                )
                values = {"name": p.cell.display, "date": _when(earlier.dates), "row": earlier.row}
                p.line.warnings.append(message % values)
                continue
            other = next((i for i in log.interviews(p.identity) if i.date != plan.date), None)
            if other is not None:
                message = _(
                    "%(name)s was also interviewed on %(date)s (already in the log): likely a "
                    "follow-up. Add (2nd) to the name to record it as one."
                )
                p.line.warnings.append(message % {"name": p.cell.display, "date": _day(other.date)})

    # --- the report ---

    def describe(self) -> None:
        team = {
            initials_key(i)
            for i in Membership.objects.filter(evaluation=self.evaluation).values_list(
                "initials", flat=True
            )
            if i
        }
        categories = {
            fold(name)
            for name in ReportingCategory.objects.filter(evaluation=self.evaluation).values_list(
                "name", flat=True
            )
        }
        warned: set[str] = set()
        for plan in self.plans:
            if plan.bad:
                self._describe_refused(plan)
                continue
            self._describe(plan, categories)
            for initials in plan.interviewers:
                key = initials_key(initials)
                if plan.new and key not in team and key not in warned:
                    warned.add(key)
                    message = _("No team member has the initials “%(initials)s”: kept as written.")
                    plan.line.warnings.append(message % {"initials": initials})

    def _describe_refused(self, plan: _Planned) -> None:
        for line in [plan.line, *(p.line for p in plan.participants)]:
            if not line.text:
                line.text = _(
                    "Row %(row)s: interview %(n)s — not imported: see the errors of its rows"
                ) % {"row": line.row, "n": plan.number}

    def _describe(self, plan: _Planned, categories: set[str]) -> None:
        head = _("Row %(row)s: interview %(n)s — ") % {"row": plan.row, "n": plan.number}
        first, *others = plan.participants
        if plan.same_as is not None:
            plan.line.text = head + _(
                "the same interview as row %(row)s (same names, date and interviewers): "
                "imported once"
            ) % {"row": plan.same_as.row}
        elif plan.existing is not None:
            plan.line.text = head + _("already imported (%(who)s; %(when)s)") % {
                "who": first.cell.display,
                "when": _when(plan.dates),
            }
        else:
            parts = [_participant_text(first), _when(plan.dates), plan.grouping]
            if plan.interviewers:
                parts.append(_("by %(who)s") % {"who": ", ".join(plan.interviewers)})
            if plan.mode != Interview.Mode.IN_PERSON:
                parts.append(str(Interview.Mode(plan.mode).label))
            parts.append(plan.country.name if plan.country else "")
            if plan.category:
                new = fold(plan.category) not in categories
                categories.add(fold(plan.category))
                text = _("category “%(name)s”") % {"name": plan.category}
                parts.append(text + (_(" (new)") if new else ""))
            if about := _about(plan):
                parts.append(_("about “%(about)s”") % {"about": about})
            parts.append(_follow_up_text(plan))
            plan.line.text = head + "; ".join(part for part in parts if part)
        for p in others:
            who = (
                _participant_text(p) if plan.new else f"{p.cell.display} ({_('already imported')})"
            )
            p.line.text = _("Row %(row)s: interview %(n)s — co-participant %(who)s") % {
                "row": p.row,
                "n": plan.number,
                "who": who,
            }

    def result(self) -> InterviewImport:
        counts = dict.fromkeys(COUNT_KEYS, 0)
        new_people: set[Identity] = set()
        matched: set[Identity] = set()
        for plan in self.plans:
            if plan.existing is not None:
                counts["already_imported"] += 1
            if not plan.new:
                continue
            counts["interviews"] += 1
            counts["follow_ups"] += bool(plan.of_plan or plan.of_log)
            for p in plan.participants:
                counts["participants"] += 1
                counts["groups"] += p.cell.is_group
                if p.identity and p.identity[0] == "new":
                    new_people.add(p.identity)
                elif p.identity and p.identity[0] == "person":
                    matched.add(p.identity)
        counts["people_new"], counts["people_matched"] = len(new_people), len(matched)
        unique = [plan for plan in self.plans if not plan.bad and plan.same_as is None]
        return InterviewImport(
            lines=self.lines,
            errors=self.errors,
            near_matches=self.near,
            counts=counts,
            already_imported=not self.errors
            and bool(unique)
            and all(plan.existing for plan in unique),
        )


def _as_int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _narrowed(people: set[int], department: str) -> set[int]:
    """Among several people of one name, those whose organisation or unit the row names."""
    if len(people) < 2 or not department:
        return people
    key = normalise_text(department)
    fitting = {
        pk
        for pk, org, unit in Affiliation.objects.filter(person__in=people).values_list(
            "person", "organisation__name", "unit"
        )
        if key and key in {normalise_text(org or ""), normalise_text(unit or "")}
    }
    return fitting if len(fitting) == 1 else people


def _known_affiliation(person: Person, day: dt.date, department: str) -> bool:
    """Whether every part of the Department cell ("Migration Branch, Example Office") is
    already in the person's affiliation on the day (unit, organisation, job title)."""
    affiliation = person.affiliation_on(day)
    if affiliation is None:
        return False
    known = {
        normalise_text(text)
        for text in (
            affiliation.unit,
            affiliation.job_title,
            affiliation.organisation.name if affiliation.organisation else "",
            affiliation.organisation.acronym if affiliation.organisation else "",
        )
        if text
    }
    parts = [normalise_text(part) for part in department.split(",") if part.strip()]
    return bool(parts) and all(part in known for part in parts)


def _quiet_match(p: _Participant, index: RegistryIndex, seen: dict) -> Identity:
    """Who a participant of an interview imported before is, to link later rows to it."""
    if p.key in seen:
        return seen[p.key][0]
    exact = index.exact(p.key)
    identity: Identity = ("person", next(iter(exact))) if len(exact) == 1 else ("new", p.key)
    seen[p.key] = (identity, p.row)
    return identity


def _takes_part(plan: _Planned, identity: Identity | None) -> bool:
    return identity is not None and any(p.identity == identity for p in plan.participants)


def _about(plan: _Planned) -> str:
    return "; ".join(p.cell.about for p in plan.participants if p.cell.about)


def _participant_text(p: _Participant) -> str:
    if p.cell.is_group:
        size = (
            ngettext("%(n)s person", "%(n)s people", p.cell.headcount) % {"n": p.cell.headcount}
            if p.cell.headcount
            else _("size unknown")
        )
        text = _("group “%(name)s”, %(size)s") % {"name": p.cell.display, "size": size}
    else:
        text = f"{p.cell.display} ({p.said})"
    return f"{text}, {p.department}" if p.department else text


def _follow_up_text(plan: _Planned) -> str:
    if plan.of_plan is not None:
        return _("follow-up of interview %(n)s (row %(row)s)") % {
            "n": plan.of_plan.number,
            "row": plan.of_plan.row,
        }
    if plan.of_log is not None:
        return _("follow-up of the interview of %(date)s") % {"date": _day(plan.of_log.date)}
    return ""


def _import_key(plan: _Planned) -> str:
    """The interview's content, normalised: what makes it the same interview in any file."""
    names = [
        (f"{p.key}|{p.cell.headcount or ''}" if p.cell.is_group else p.key)
        + ("|again" if p.cell.follow_up else "")
        for p in plan.participants
    ]
    parts = [
        normalise_text(plan.grouping),
        plan.dates[0].isoformat(),
        plan.dates[1].isoformat(),
        *names,
        "&".join(sorted(initials_key(i) for i in plan.interviewers)),
    ]
    return "list:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:40]


class _LogIndex:
    """The evaluation's interviews by person and by group label (those of this file left out)."""

    def __init__(self, evaluation: Evaluation, *, exclude: set[int]) -> None:
        self.by: dict[Identity, list[Interview]] = {}
        rows = (
            Participation.objects.filter(interview__evaluation=evaluation)
            .exclude(interview__in=exclude)
            .select_related("interview")
            .order_by("interview__date", "interview__pk")
        )
        for participation in rows:
            if participation.person_id:
                identity: Identity = ("person", participation.person_id)
            else:
                identity = ("group", f"group:{normalise_text(participation.group_label)}")
            self.by.setdefault(identity, []).append(participation.interview)

    def interviews(self, identity: Identity | None) -> list[Interview]:
        return self.by.get(identity, []) if identity else []


def _read(
    table: Table,
    *,
    evaluation: Evaluation,
    month_first: bool,
    decisions: Mapping[int, str] | None,
    stop_on_near_matches: bool,
) -> _Reader:
    reader = _Reader(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
    )
    reader.read()
    if reader.errors and not reader.columns:
        return reader
    reader.find_imported()
    reader.match_people()
    reader.link_follow_ups()
    reader.describe()
    return reader


# --- the doors --------------------------------------------------------------------------------


def interviews_check(
    table: Table,
    *,
    evaluation: Evaluation,
    month_first: bool = False,
    decisions: Mapping[int, str] | None = None,
    stop_on_near_matches: bool = False,
    filename: str = "",
) -> InterviewImport:
    """The dry run: what every row of the file would become, and every warning; writes nothing."""
    return _read(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
    ).result()


@transaction.atomic
def interviews_import(
    table: Table,
    *,
    evaluation: Evaluation,
    by: User | None,
    month_first: bool = False,
    decisions: Mapping[int, str] | None = None,
    stop_on_near_matches: bool = False,
    filename: str = "",
) -> InterviewImport:
    """Import every interview of the file that is not in the log yet, or nothing.

    `by` None is the trusted command line; otherwise the member must be allowed to log
    interviews (and, when the file adds people to the registry, to change the registry).
    """
    if by is not None:
        ensure_can_log(by, evaluation)
    reader = _read(
        table,
        evaluation=evaluation,
        month_first=month_first,
        decisions=decisions,
        stop_on_near_matches=stop_on_near_matches,
    )
    if reader.errors:
        raise _refusal(reader.errors)
    _Writer(reader, by=by, filename=filename).write()
    return reader.result()


def _refusal(errors: list[str]) -> ValidationProblem:
    message = ngettext(
        "Nothing was imported: the file has %(count)s error. %(errors)s",
        "Nothing was imported: the file has %(count)s errors. %(errors)s",
        len(errors),
    ) % {"count": len(errors), "errors": " ".join(errors[:20])}
    return ValidationProblem(message, errors={"file": errors})


class _Writer:
    """Carries out a plan through the services: people first, then interviews in an order
    where every follow-up comes after the interview it follows."""

    def __init__(self, reader: _Reader, *, by: User | None, filename: str) -> None:
        self.reader, self.by, self.filename = reader, by, filename
        ids = {
            p.identity[1]
            for plan in reader.plans
            for p in plan.participants
            if p.identity and p.identity[0] == "person"
        }
        self.people: dict[Identity, Person] = {
            ("person", person.pk): person for person in Person.objects.filter(pk__in=ids)
        }
        self.created: dict[int, Interview] = {}

    def write(self) -> None:
        for plan in self.reader.plans:
            if plan.new:
                self._create(plan)

    def _person(self, p: _Participant) -> Person:
        identity = p.identity or ("new", p.key)
        if identity not in self.people:
            # Whoever may log interviews may add the people they interviewed (checked once
            # for the import); the registry's editors tidy up later, as after quick entry.
            self.people[identity] = person_create(
                by=None, name=p.cell.display, honorific=p.cell.honorific
            )
        return self.people[identity]

    def _inputs(self, plan: _Planned) -> list[ParticipantInput]:
        inputs = []
        for p in plan.participants:
            unit = p.department or None
            if p.cell.is_group:
                item = ParticipantInput(group_label=p.cell.display, headcount=p.cell.headcount)
            else:
                item = ParticipantInput(person=self._person(p))
                if unit and _known_affiliation(item.person, plan.dates[0], unit):
                    unit = None  # the registry's affiliation of the day says it already
            item.unit, item.original_text = unit, p.cell.original
            inputs.append(item)
        return inputs

    def _create(self, plan: _Planned) -> Interview:
        if plan.number in self.created:
            return self.created[plan.number]
        of = self._create(plan.of_plan) if plan.of_plan is not None else plan.of_log
        start, end = plan.dates
        source = _("import: %(file)s row %(row)s") % {"file": self.filename, "row": plan.row}
        try:
            interview = interview_create(
                evaluation=self.reader.evaluation,
                by=self.by,
                date=start,
                date_end=end,
                participants=self._inputs(plan),
                mode=plan.mode,
                interviewers=plan.interviewers,
                grouping=plan.grouping,
                country=plan.country,
                about=_about(plan),
                follow_up_of=of,
                category=plan.category or None,
                source=" ".join(source.split())[:300],
                import_key=plan.key,
            )
            for note in plan.notes:
                note_add(interview=interview, by=self.by, text=note)
        except ValidationProblem as problem:
            row_error = _("Row %(row)s: %(message)s") % {"row": plan.row, "message": problem}
            raise _refusal([row_error]) from problem
        self.created[plan.number] = interview
        return interview
