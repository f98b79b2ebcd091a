"""The name cell and the interviewers' initials of a "List of persons interviewed", read
without the database: the importer reads them, the export writes names that read back the same,
the entry form and the services split and match initials the same way.

`read_name_cell` reads a name with its markers ("(2nd)", "(6 people)", "(tel)"), `reads_as_person`
tells a lone name from a heading, `split_interviewers` and `initials_key` read the Interviewers
cell. What the registry knows comes in through the `is_known_organisation` callable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from common.names import brackets, fold, parse_name, without_brackets

__all__ = [
    "NameCell",
    "initials_key",
    "read_name_cell",
    "reads_as_person",
    "split_interviewers",
]

# --- interviewers ---------------------------------------------------------------------------

_INTERVIEWER_SEP = re.compile(r"\s*(?:[&,/;\n]|\band\b)\s*", re.IGNORECASE)


def split_interviewers(text: str | None) -> list[str]:
    """Initials as written: 'MS &VVdV' -> ['MS', 'VVdV']; 'AX and BY' -> ['AX', 'BY']."""
    return [part.strip() for part in _INTERVIEWER_SEP.split(text or "") if part.strip()]


def initials_key(initials: str) -> str:
    """The key initials are matched by, case-insensitively: 'V. vd V.' -> 'vvdv'."""
    return re.sub(r"[\s.]+", "", initials).casefold()


# --- the name cell --------------------------------------------------------------------------

_NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty",
        ),
        start=1,
    )
}  # fmt: skip
_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# "twenty-one", "thirty five", "forty": the tens, alone or with a unit.
_TENS_WORDS = {
    word: 10 * n
    for n, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), start=2
    )
}
_UNITS = "|".join(list(_NUMBER_WORDS)[:9])
_LONGEST_FIRST = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_COUNT = rf"(\d+|(?:{'|'.join(_TENS_WORDS)})(?:[- ](?:{_UNITS}))?|{_LONGEST_FIRST})"
_PEOPLE = r"people|persons|representatives|participants|members|officials|delegates|staff"
# "(6 people)", "(3 union representatives)"; in the text: "Eight members of the Committee".
_HEADCOUNT = re.compile(rf"{_COUNT}\s+(?:[^\W\d_]+\s+){{0,2}}?(?:{_PEOPLE})", re.IGNORECASE)
_HEADCOUNT_IN_TEXT = re.compile(rf"\b{_HEADCOUNT.pattern}\b", re.IGNORECASE)
_FOLLOW_UP = re.compile(
    rf"(?:(\d+)\s*(?:st|nd|rd|th)|({'|'.join(_ORDINAL_WORDS)}))"
    r"(?:\s+(?:interview|meeting|time|visit))?"
    r"|(?:follow[\s-]*up|repeat)(?:\s+(?:interview|meeting))?",
    re.IGNORECASE,
)
_TELEPHONE = re.compile(
    r"(?:by\s+)?(?:tel\.?|phone|telephone)(?:\s+(?:interview|call))?", re.IGNORECASE
)
_GROUP_WORDS = re.compile(
    r"\b(groups?|members|representatives|delegations?|delegates|officials|participants|staff"
    r"|debrief(?:ing)?|teams?|ministry|ministries|committees?|unions?|federations?"
    r"|associations?|offices?|departments?|secretariats?)\b"
)
_INITIAL = re.compile(r"(?<![^\W\d_])[^\W\d_]\.")  # "F." in "F. PLACEHOLDER"
_LETTERED = re.compile(r"[^\W_]*[^\W\d_][^\W_]*")  # words with at least one letter
_HYPHEN_WRAP = re.compile(r"(?<=\w)-[ \t]*\n\s*")  # "Double-\nBarrel"
_UNCLOSED = re.compile(r"\s*[(\[]([^()\[\]]*)$")  # "A. Example (2nd"
_STRAY = ' \t*•·–—_,;:"“”()[]-'


@dataclass(frozen=True)
class NameCell:
    """What a name cell says: who (or which group), and the markers typed around the name.

    `display` is the name to show and match (no markers, honorifics or stray punctuation;
    letters exactly as typed); `original` is the cell as typed, to keep beside it.
    `headcount` is None when unknown; `group_reason` says why the cell was read as a group,
    for the dry-run report ("all capitals", "the word “ministry”", "(6 people)", "(group)").
    """

    original: str
    display: str
    honorific: str = ""
    follow_up: bool = False
    headcount: int | None = None
    is_group: bool = False
    group_reason: str = ""
    about: str = ""
    telephone: bool = False


@dataclass
class _Markers:
    """The bracketed remarks of a name cell, sorted by meaning."""

    follow_up: bool = False
    first: bool = False  # "(1st)": a marker, but not a follow-up
    headcount: int | None = None
    headcount_reason: str = ""
    forced: str = ""  # "group" or "person"
    telephone: bool = False
    about: list[str] = field(default_factory=list)


def read_name_cell(
    text: str | None, *, is_known_organisation: Callable[[str], bool] | None = None
) -> NameCell:
    """Read a name cell: 'Mr.\\nD. Demo', 'A. Example (2nd)', 'Ministry of Examples (5 people)'.

    `is_known_organisation(name)` lets the caller say that a name is an organisation or
    acronym known to the registry; it is asked only when nothing else decided.
    `(person)` undoes any group reading (and its headcount); `(group)` forces one.
    """
    original = text or ""
    rest, markers = _split_markers(original)
    parsed = parse_name(rest)
    bare = rest[len(parsed.honorific) :].strip() if parsed.honorific else rest
    reason = _group_reason(bare, markers)
    known = is_known_organisation if markers.forced != "person" and bare else None
    if not reason and known and known(_trimmed(bare)):
        reason = _("an organisation known to the registry")
    person = markers.forced == "person"
    return NameCell(
        original=original,
        display=_trimmed(bare) if reason else parsed.display,
        honorific="" if reason else parsed.honorific,
        follow_up=markers.follow_up,
        headcount=None if person else markers.headcount,
        is_group=bool(reason),
        group_reason=reason,
        about="; ".join(markers.about),
        telephone=markers.telephone,
    )


def reads_as_person(text: str | None) -> bool:
    """Whether a lone first cell reads as a person rather than a heading.

    A row with only its first cell filled is a heading ('Headquarters', 'Example City') or a
    co-participant ('B. Sample'). It reads as a person when it has an initial with a dot, an
    honorific, or a person's marker ('(2nd)', '(tel)', '(person)'), and does not read as a group.
    """
    rest, markers = _split_markers(text or "")
    if markers.forced == "person":
        return True
    parsed = parse_name(rest)
    bare = rest[len(parsed.honorific) :].strip() if parsed.honorific else rest
    if _group_reason(bare, markers):
        return False
    return bool(
        parsed.honorific
        or markers.follow_up
        or markers.first
        or markers.telephone
        or _INITIAL.search(bare)
    )


def _split_markers(text: str) -> tuple[str, _Markers]:
    """The name without its brackets (lines joined, stray punctuation off), and the markers."""
    unwrapped = " ".join(_HYPHEN_WRAP.sub("-", text).split())
    remarks = brackets(unwrapped)
    rest = without_brackets(unwrapped)
    if unclosed := _UNCLOSED.search(rest):
        remarks.append(unclosed[1].strip())
        rest = rest[: unclosed.start()]
    markers = _Markers()
    for remark in remarks:
        _read_remark(remark, markers)
    rest = rest.strip(_STRAY)
    match = _HEADCOUNT_IN_TEXT.search(rest)
    if match and markers.headcount is None and _count(match[1]) > 1:  # not "one of the staff"
        markers.headcount = _count(match[1])
        markers.headcount_reason = _("the words “%(words)s”") % {"words": match[0]}
    return rest, markers


def _read_remark(remark: str, markers: _Markers) -> None:
    """Sort one bracketed remark; '(2nd, tel)' is read piece by piece, the rest is `about`."""
    unknown = [
        piece for piece in re.split(r"\s*[,;]\s*", remark) if not _read_piece(piece, markers)
    ]
    if about := ", ".join(piece for piece in unknown if piece):
        markers.about.append(about)


def _read_piece(piece: str, markers: _Markers) -> bool:
    """Record one remark piece in `markers`; False when it is not a marker."""
    piece = piece.strip().rstrip(".")
    key = piece.casefold()
    if key in ("group", "group interview"):
        markers.forced = markers.forced or "group"
    elif key in ("person", "individual"):
        markers.forced = "person"
    elif _TELEPHONE.fullmatch(piece):
        markers.telephone = True
    elif match := _HEADCOUNT.fullmatch(piece):
        markers.headcount = _count(match[1])
        markers.headcount_reason = f"({piece})"
    elif match := _FOLLOW_UP.fullmatch(piece):
        ordinal = int(match[1]) if match[1] else _ORDINAL_WORDS.get((match[2] or "").casefold())
        markers.follow_up = markers.follow_up or ordinal is None or ordinal > 1
        markers.first = markers.first or ordinal == 1
    else:
        return False
    return True


def _count(typed: str) -> int:
    """'6' -> 6, 'Eight' -> 8, 'twenty-one' -> 21."""
    if typed.isdigit():
        return int(typed)
    words = {**_NUMBER_WORDS, **_TENS_WORDS}
    return sum(words[word] for word in re.split(r"[- ]", typed.casefold()) if word)


def _group_reason(bare: str, markers: _Markers) -> str:
    """Why a name (without honorific and brackets) reads as a group; '' when it does not."""
    if markers.forced == "person":
        return ""
    if markers.forced == "group":
        return "(group)"
    if markers.headcount is not None:
        return markers.headcount_reason
    if match := _GROUP_WORDS.search(fold(bare)):
        return _("the word “%(word)s”") % {"word": match[1]}
    if _all_capitals(bare):
        return _("all capitals")
    return ""


def _all_capitals(name: str) -> bool:
    """'NTUC HQ', 'EXORG': every word in capitals, one of two letters or more, no initial
    with a dot (so 'F. PLACEHOLDER' is a person with a capitalised surname)."""
    if _INITIAL.search(name):
        return False
    words = _LETTERED.findall(name)
    return (
        bool(words)
        and all(word.isupper() for word in words)
        and any(sum(ch.isalpha() for ch in word) >= 2 for word in words)
    )


def _trimmed(name: str) -> str:
    """A group's name without trailing punctuation (a person's goes through parse_name)."""
    return name.strip(_STRAY).rstrip(" .,;:")
