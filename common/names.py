"""Names as people write them: one normal form for matching, and similarity for proposing
that two spellings are the same person. Display names are never rewritten by this module;
only the matching key is normalised."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz

# Honorifics and titles dropped from the matching key (and from a parsed display name).
HONORIFICS = frozenset(
    {
        "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "hon",
        "h e", "he", "excellency", "m", "mme", "mlle", "sr", "sra", "srta", "don", "dona",
        "herr", "frau", "ing", "dott", "dssa",
    }
)  # fmt: skip
BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
SPACES = re.compile(r"\s+")

# Scores (0–100) from `similarity`: at or above LIKELY a pair is proposed as the same person.
LIKELY = 85.0


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'García-López' -> 'garcia-lopez'; 'ß' -> 'ss'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Letters NFKD does not decompose.
    stripped = stripped.translate(str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
                                                 "đ": "d", "Đ": "D", "æ": "ae", "Æ": "AE",
                                                 "œ": "oe", "Œ": "OE", "ı": "i"}))  # fmt: skip
    return stripped.casefold()


def brackets(text: str) -> list[str]:
    """The remarks in brackets: 'A. Example (2nd)' -> ['2nd']."""
    return [(a or b).strip() for a, b in BRACKETS.findall(text)]


def without_brackets(text: str) -> str:
    return SPACES.sub(" ", BRACKETS.sub(" ", text)).strip()


def _words(text: str) -> list[str]:
    return [w for w in NON_WORD.sub(" ", fold(text)).replace("_", " ").split() if w]


def normalise(name: str) -> str:
    """The matching key of a person's name.

    Drops bracketed markers, honorifics and punctuation, folds case and accents, and turns
    "Family, Given" into "given family": 'Mr. GARCÍA-LÓPEZ, José (2nd)' -> 'jose garcia lopez'.
    """
    return " ".join(_words(_given_first(_strip_honorifics(without_brackets(name))[1])))


def _given_first(text: str) -> str:
    """'Family, Given' -> 'Given Family'; anything else unchanged."""
    if text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given:
            family, given = _strip_honorifics(family)[1], _strip_honorifics(given)[1]
            return f"{given} {family}"
    return text


def _strip_honorifics(text: str) -> tuple[str, str]:
    """('Mr. Dr.', 'Anna Beispiel') from 'Mr. Dr. Anna Beispiel'; a lone title stays a name."""
    tokens = text.split()
    taken: list[str] = []
    while len(tokens) > 1:
        if normalise_text(tokens[0]) in HONORIFICS:
            taken.append(tokens.pop(0))
        elif normalise_text(" ".join(tokens[:2])) in HONORIFICS:  # "H. E."
            taken.extend(tokens[:2])
            tokens = tokens[2:]
        else:
            break
    return " ".join(taken), " ".join(tokens)


def normalise_text(text: str) -> str:
    """The matching key of an organisation, country or group name: folded words only."""
    return " ".join(_words(without_brackets(text)))


def similarity(a: str, b: str) -> float:
    """0–100: how alike two normalised names are, insensitive to word order
    ('anna beispiel' / 'anna biespiel' ≈ 92; 'jose garcia' / 'garcia jose' = 100)."""
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


# The same measure, for rapidfuzz.process over many names (runs in C).
SCORER = fuzz.token_sort_ratio


@dataclass(frozen=True)
class ParsedName:
    """A name cell taken apart: what to show, how to match, and the parts people typed."""

    display: str
    normalised: str
    honorific: str = ""
    given: str = ""
    family: str = ""
    remarks: list[str] = field(default_factory=list)


def parse_name(text: str) -> ParsedName:
    """Split a typed name into honorific, given and family names, keeping its letters exactly.

    'Mr. José GARCÍA-LÓPEZ.' -> display 'José GARCÍA-LÓPEZ', honorific 'Mr.';
    'Beispiel, Anna' -> display 'Anna Beispiel', given 'Anna', family 'Beispiel'.
    """
    remarks = brackets(text)
    core = SPACES.sub(" ", without_brackets(text)).strip(" ,;:-")
    honorific, core = _strip_honorifics(core)
    core = _given_first(core)
    display = core.rstrip(" .,;:") if not re.search(r"\b\w\.$", core) else core
    tokens = display.split(" ") if display else []
    given, family = ("", "")
    if len(tokens) >= 2:
        given, family = " ".join(tokens[:-1]), tokens[-1]
    elif tokens:
        family = tokens[0]
    return ParsedName(
        display=display,
        normalised=normalise(display),
        honorific=honorific,
        given=given,
        family=family,
        remarks=remarks,
    )
