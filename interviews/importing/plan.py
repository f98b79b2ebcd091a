"""What an import of a "List of persons interviewed" reads and plans: the report lines the
caller gets, the interviews and participants planned, and the state the reader's passes share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.names import normalise, normalise_text
from common.spreadsheets import Table, TableRow, letter
from evaluations.models import Evaluation
from interviews.cells import NameCell
from interviews.models import DATE_UNKNOWN, Interview
from stakeholders.importing.matching import RegistryIndex
from stakeholders.models import Country

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
# How a line of a one-column list without dates (importing/undated.py) reads; the reviewer
# corrects a line with one of these as its decision.
LOCATION, UNIT, PERSON_LINE, GROUP_LINE, SKIP = "location", "unit", "person", "group", "skip"
READINGS = (LOCATION, UNIT, PERSON_LINE, GROUP_LINE, SKIP)
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
    reading: str = ""  # lists without dates: one of READINGS ("" for the columns layout)


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
class Participant:
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
class Planned:
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
    participants: list[Participant] = field(default_factory=list)
    bad: bool = False
    key: str = ""
    existing: Interview | None = None
    same_as: Planned | None = None  # listed twice in the file: imported once
    of_plan: Planned | None = None
    of_log: Interview | None = None
    undated: bool = False  # a list printed without dates: `dates` is not read

    @property
    def date(self) -> dt.date:
        return self.dates[0]

    @property
    def new(self) -> bool:
        return not self.bad and self.existing is None and self.same_as is None


def day_label(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def when_label(dates: tuple[dt.date, dt.date]) -> str:
    return (
        day_label(dates[0])
        if dates[0] == dates[1]
        else f"{day_label(dates[0])}–{day_label(dates[1])}"
    )


def plan_when(plan: Planned) -> str:
    """The day or days of a planned interview, or "date unknown"."""
    return str(DATE_UNKNOWN) if plan.undated else when_label(plan.dates)


def about_text(plan: Planned) -> str:
    return "; ".join(p.cell.about for p in plan.participants if p.cell.about)


class ReaderState:
    """The file, the reviewer's decisions and what the passes over it found so far (the
    reader, the people and follow-up matching, the report share it)."""

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
        self.plans: list[Planned] = []
        self.heading = ""
        self.open: Planned | None = None  # the interview a name-only row would join
        self._orgs: dict[str, bool] = {}
        self._index: RegistryIndex | None = None
        self._names: set[str] = set()  # people named in the file so far (normalised)

    def cell(self, row: TableRow, name: str) -> str:
        index = self.columns.get(name)
        return row.values[index].strip() if index is not None else ""

    def _where(self, name: str | int) -> str:
        """A column named by its field, or by its index (the heading rows' first cell)."""
        index = name if isinstance(name, int) else self.columns[name]
        return _("%(header)s (column %(letter)s)") % {
            "header": " ".join(self.table.headers[index].split()),
            "letter": letter(index),
        }

    def _error(self, line: RowLine, message: str, column: str | int = "") -> None:
        text = f"{self._where(column)}: {message}" if column != "" else message
        self.errors.append(_("Row %(row)s: %(message)s") % {"row": line.row, "message": text})
        prefix = _("Row %(row)s: error — ") % {"row": line.row}
        line.text = f"{line.text}; {text}" if line.text.startswith(prefix) else prefix + text

    def registry(self) -> RegistryIndex:
        """The registry's people and aliases, loaded once per file."""
        if self._index is None:
            self._index = RegistryIndex()
        return self._index
