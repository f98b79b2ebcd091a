"""The reading pass of a one-column list printed without dates (as some reports' annexes are):
location headings ("Geneva", "Sri Lanka"), unit or organisation headings ("STAT", "UNDP"),
then one person a line ("A. Person", "A. Person, UNDP", "B. Sample (tel)") or a group with its
headcount in words or digits ("Six members of the advisory committee").

Each person or group line is one interview whose date is unknown; the later passes (people,
the interviews imported before, the report) and the import itself are the columns layout's
(reader.py, writer.py). The reviewer corrects how a line reads with a decision per row: one of
READINGS, or a near-match choice (which reads the line as a person)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.names import normalise_text
from common.spreadsheets import TableRow
from interviews.cells import read_name_cell
from interviews.importing.plan import (
    BLANK,
    GROUP_LINE,
    HEADING,
    INTERVIEW,
    LOCATION,
    NEW_PERSON,
    PERSON_LINE,
    READINGS,
    SKIP,
    UNIT,
    USE_PERSON,
    Planned,
    RowLine,
)
from interviews.importing.reader import Reader
from interviews.models import Interview
from stakeholders.models import Affiliation, Country, Office, Region

__all__ = ["UndatedReader", "line_reading"]

# "(tel)", "(telephone)", "(by phone)", "(phone interview)", anywhere on the line.
_TELEPHONE = re.compile(
    r"\(\s*(?:by\s+)?(?:tel\.?|telephone|phone)(?:\s+(?:interview|call))?\s*\)", re.IGNORECASE
)
_JOINED_PLACES = re.compile(r"\s*(?:[-–/&+]|\band\b)\s*", re.IGNORECASE)  # "Tajikistan-Armenia"
_WORD = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")
_INITIAL = re.compile(r"(?<![^\W\d_])[^\W\d_]\.")
_CAPITALS_MAX_WORDS, _CAPITALS_MAX_CHARS = 6, 60
# The list's own title ("Persons interviewed", "List of people met"): left out.
_TITLE = re.compile(
    r"^(?:annex\b.*|list of\b.*"
    r"|(?:persons?|people|organi[sz]ations?)\b.*\b(?:interviewed|met|consulted))$",
    re.IGNORECASE,
)
# "Members of the Example Group" is a group even before a name; "Ministry of Examples" there
# is the heading of the names below it.
_PEOPLE_FIRST = re.compile(
    r"^(?:members|representatives|staff|delegates|participants|officials)\b", re.IGNORECASE
)


@dataclass
class Places:
    """The registry's countries, cities, offices and regions by their folded names."""

    countries: dict[str, Country] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    regions: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Places:
        places = cls()
        for country in Country.objects.only("name", "aliases"):
            for name in [country.name, *(country.aliases or [])]:
                places.countries.setdefault(normalise_text(name), country)
        for office in Office.objects.select_related("country").only(
            "name", "city", "country__name"
        ):
            for name in (office.name, office.city):
                if name:
                    places.offices.setdefault(normalise_text(name), office)
        places.regions = {
            normalise_text(name) for name in Region.objects.values_list("name", flat=True)
        }
        return places

    def find(self, text: str) -> tuple[bool, Country | None]:
        """Whether the text names a place, and its country when one is known."""
        key = normalise_text(text)
        if not key:
            return False, None
        if key in self.countries:
            return True, self.countries[key]
        if key in self.offices:
            return True, self.offices[key].country
        if key in self.regions:
            return True, None
        parts = [normalise_text(part) for part in _JOINED_PLACES.split(text) if part.strip()]
        if len(parts) > 1 and all(part in self.countries for part in parts):
            return True, None  # one heading for two countries: which one is not said
        return False, None


def reads_as_capitals(text: str) -> bool:
    """'STAT', 'MIGRANT', 'ILO HQ': a short line all in capitals, no comma, no initial with a
    dot (so 'F. PLACEHOLDER' is a person)."""
    if "," in text or len(text) > _CAPITALS_MAX_CHARS or _INITIAL.search(text):
        return False
    words = _WORD.findall(text)
    return (
        0 < len(words) <= _CAPITALS_MAX_WORDS
        and all(word.isupper() for word in words)
        and any(sum(ch.isalpha() for ch in word) >= 2 for word in words)
    )


def reads_as_place_name(text: str) -> bool:
    """'Geneva', 'Bangkok': one capitalised word with no initial, comma or mark, a place the
    registry does not know, above a unit or a person. People are listed with more than one word
    ('A. Person', 'Ana Example'), so such a line is the heading of those below it."""
    words = _WORD.findall(text)
    return (
        len(words) == 1
        and words[0] == text.strip()
        and text[:1].isupper()
        and not text.isupper()
        and len(text) >= 3
    )


def split_line(text: str) -> tuple[str, str, bool]:
    """'A. Person, UNDP (tel)' -> ('A. Person', 'UNDP', True): the name, what follows the
    first comma (organisation or job title), and whether the line marks a telephone interview."""
    telephone = bool(_TELEPHONE.search(text))
    rest = " ".join(_TELEPHONE.sub(" ", text).split())
    name, _comma, organisation = rest.partition(",")
    return name.strip(" ,;:"), organisation.strip(" ,;:"), telephone


def line_reading(
    text: str,
    *,
    places: Places,
    is_known_organisation: object = None,
    known_units: set[str] | frozenset[str] = frozenset(),
) -> str:
    """How a line reads without a reviewer's decision: LOCATION, UNIT, GROUP_LINE or
    PERSON_LINE (a blank line is left out by the caller)."""
    bare = text.strip().strip("*").strip(" :")
    if places.find(bare)[0]:
        return LOCATION
    if _TITLE.match(bare):
        return SKIP
    name, organisation, _tel = split_line(bare)
    known = is_known_organisation if callable(is_known_organisation) else None
    cell = read_name_cell(name, is_known_organisation=known)
    if cell.headcount is not None:
        return GROUP_LINE
    if not organisation and (
        (known is not None and known(bare))
        or normalise_text(bare) in known_units
        or reads_as_capitals(bare)
    ):
        return UNIT
    return GROUP_LINE if cell.is_group else PERSON_LINE


def automatic_readings(
    texts: dict[int, str],
    *,
    places: Places,
    is_known_organisation: object = None,
    known_units: set[str] | frozenset[str] = frozenset(),
) -> dict[int, str]:
    """Each line's reading before any decision, by row. A group of unknown size right above a
    person ("Ministry of Examples" / "F. Placeholder") is the heading of the names below; one
    capitalised word above a unit or a person ("Geneva" / "STAT") is a place heading, even one
    the registry does not know."""
    found = {
        number: line_reading(
            text,
            places=places,
            is_known_organisation=is_known_organisation,
            known_units=known_units,
        )
        for number, text in texts.items()
    }
    for number, following in itertools.pairwise(list(found)):
        text = texts[number]
        if (
            found[number] == GROUP_LINE
            and found[following] == PERSON_LINE
            and "," not in text
            and not _PEOPLE_FIRST.match(text)
            and read_name_cell(text).headcount is None
        ):
            found[number] = UNIT
        elif (
            found[number] == PERSON_LINE
            and found[following] in (UNIT, PERSON_LINE)
            and reads_as_place_name(text)
        ):
            found[number] = LOCATION
    return found


class UndatedReader(Reader):
    """The columns layout's Reader, reading a one-column list without dates (see above)."""

    def read(self) -> None:
        # The person lines are read as a name cell and a department cell (see _person_line).
        self.columns = {"name": 0, "department": 1}
        self._places = Places.load()
        self._units = {
            normalise_text(unit)
            for unit in Affiliation.objects.exclude(unit="").values_list("unit", flat=True)
        }
        self.unit, self.country = "", None
        self._auto = self._automatic_readings()
        for row in self.table.rows:
            self._line(row)
        if not self.plans and not self.errors:
            self.errors.append(
                _(
                    "The list names no one: every line reads as a heading. Correct the lines "
                    "that name people, or check that this is a list of persons interviewed."
                )
            )

    def _error(self, line: RowLine, message: str, column: str | int = "") -> None:
        super()._error(line, message)  # one column: the row says where

    def link_follow_ups(self) -> None:
        """Without dates, which interview came first is not known: none is a follow-up."""

    def _line(self, row: TableRow) -> None:
        text = " ".join(row.values[0].split())
        line = RowLine(row=row.number, kind=BLANK, text="")
        self.lines.append(line)
        if not text:
            line.text = _("Row %(row)s: blank") % {"row": row.number}
            return
        line.reading = self._reading(row.number, text)
        if line.reading == LOCATION:
            self._location(text, line)
        elif line.reading == UNIT:
            self.unit = text.strip("*").strip(" :")
            line.kind = HEADING
            line.text = _("Row %(row)s: unit or organisation “%(unit)s”") % {
                "row": row.number,
                "unit": self.unit,
            }
            self._fits(line, 0, Affiliation, "unit", self.unit)
        elif line.reading == SKIP:
            line.text = _("Row %(row)s: left out (“%(text)s”)") % {"row": row.number, "text": text}
        else:
            self._person_line(row, text, line)

    def _automatic_readings(self) -> dict[int, str]:
        texts = {
            row.number: text for row in self.table.rows if (text := " ".join(row.values[0].split()))
        }
        return automatic_readings(
            texts,
            places=self._places,
            is_known_organisation=self._known_organisation,
            known_units=self._units,
        )

    def _reading(self, row: int, text: str) -> str:
        decision = self.decisions.get(row, "")
        if decision in READINGS:
            return decision
        if decision == NEW_PERSON or decision.startswith(USE_PERSON):
            return PERSON_LINE
        return self._auto.get(row, PERSON_LINE)

    def _location(self, text: str, line: RowLine) -> None:
        self.heading = text.strip("*").strip(" :")
        self.unit, self.country = "", self._places.find(self.heading)[1]
        line.kind = HEADING
        where = (
            f" ({self.country.name})" if self.country and self.country.name != self.heading else ""
        )
        line.text = (
            _("Row %(row)s: location “%(place)s”")
            % {
                "row": line.row,
                "place": self.heading,
            }
            + where
        )
        self._fits(line, 0, Interview, "grouping", self.heading)

    def _person_line(self, row: TableRow, text: str, line: RowLine) -> None:
        """One interview, date unknown: a person (or a group) under the current headings."""
        # A decision "group" or "person" forces the name cell's reading (Reader._name_cell).
        name, organisation, telephone = split_line(text)
        cells = TableRow(number=row.number, values=[name, organisation or self.unit])
        line.kind, line.interview = INTERVIEW, len(self.plans) + 1
        plan = Planned(number=line.interview, row=row.number, line=line, undated=True)
        self.plans.append(plan)
        plan.grouping, plan.country = self.heading, self.country
        participant = self._participant(cells, line)
        if participant is None:
            plan.bad = True
            return
        # The reading follows the name cell: "A. Person" corrected to a group reads as one.
        line.reading = GROUP_LINE if participant.cell.is_group else PERSON_LINE
        plan.participants.append(participant)
        if telephone or participant.cell.telephone:
            plan.mode = Interview.Mode.PHONE
