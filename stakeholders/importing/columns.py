"""The columns of a people file: which field each header holds, recognised from the usual
headers and their synonyms or remembered per file layout, and the mapping checked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import ValidationProblem
from common.names import normalise_text
from common.spreadsheets import TableRow, header_signature
from stakeholders.models import ColumnLayout

LAYOUT_KIND = "people"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    synonyms: tuple[str, ...]
    several: bool = False  # several columns may feed it (their values are added up)


FIELDS = (
    Field("name", gettext_lazy("Name"),
          ("name", "full name", "person", "names", "participant", "interviewee", "nom",
           "nombre")),
    Field("given_name", gettext_lazy("Given name"),
          ("given name", "given names", "first name", "first names", "forename", "prenom")),
    Field("family_name", gettext_lazy("Family name"),
          ("family name", "surname", "last name", "nom de famille", "apellido", "apellidos")),
    Field("honorific", gettext_lazy("Honorific"),
          ("honorific", "title", "salutation", "civility")),
    Field("sex", gettext_lazy("Sex"), ("sex", "gender")),
    Field("organisation", gettext_lazy("Organisation"),
          ("organisation", "organization", "organisation name", "organization name",
           "institution", "agency", "employer")),
    Field("acronym", gettext_lazy("Organisation acronym"),
          ("acronym", "abbreviation", "organisation acronym", "organization acronym")),
    Field("unit", gettext_lazy("Unit / department"), ("unit", "department", "division")),
    Field("job_title", gettext_lazy("Job title"),
          ("job title", "function", "position", "post", "designation", "role")),
    Field("office", gettext_lazy("Office"), ("office", "duty station")),
    Field("country", gettext_lazy("Country"), ("country", "pays", "pais")),
    Field("email", gettext_lazy("E-mail"),
          ("email", "e mail", "email address", "e mail address", "mail"), several=True),
    Field("phone", gettext_lazy("Phone"),
          ("phone", "telephone", "tel", "mobile", "phone number", "telephone number"),
          several=True),
    Field("stakeholder_group", gettext_lazy("Stakeholder group"),
          ("stakeholder group", "group", "constituent", "constituency", "stakeholder")),
    Field("language", gettext_lazy("Language"), ("language", "preferred language")),
    Field("tags", gettext_lazy("Tags"), ("tags", "tag", "labels"), several=True),
    Field("aliases", gettext_lazy("Other names"),
          ("alias", "aliases", "other names", "also known as"), several=True),
    Field("notes", gettext_lazy("Notes"),
          ("notes", "note", "comments", "comment", "remarks"), several=True),
)  # fmt: skip
FIELD_BY_KEY = {f.key: f for f in FIELDS}
NAME_FIELDS = ("name", "given_name", "family_name")


def _header_key(header: str) -> str:
    """'E-mail 2', 'EMAIL', 'e-mail (work)' -> 'email': case, accents, punctuation, spaces
    and a trailing number ignored."""
    return re.sub(r"\d+$", "", normalise_text(header).replace(" ", ""))


SYNONYMS = {_header_key(s): f.key for f in FIELDS for s in f.synonyms}


def recognise(headers: Sequence[str]) -> dict[str, str]:
    """{header: field key or ""} from the usual headers; a field that takes one column gets
    the first header that names it."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        if header in mapping:
            continue
        key = SYNONYMS.get(_header_key(header), "")
        if key and not FIELD_BY_KEY[key].several and key in taken:
            key = ""
        mapping[header] = key
        taken.add(key)
    return mapping


def mapping_for(headers: Sequence[str]) -> tuple[dict[str, str], bool]:
    """The mapping remembered for this layout, else the recognised one; and whether it was
    remembered."""
    layout = ColumnLayout.objects.filter(
        signature=header_signature(headers, kind=LAYOUT_KIND)
    ).first()
    if layout is None:
        return recognise(headers), False
    remembered = layout.mapping or {}
    mapping = {h: remembered.get(normalise_text(h), "") for h in headers}
    return {h: (k if k in FIELD_BY_KEY else "") for h, k in mapping.items()}, True


def layout_remember(headers: Sequence[str], mapping: Mapping[str, str]) -> None:
    """Remember the mapping for files with these headers (case and accents ignored)."""
    ColumnLayout.objects.update_or_create(
        signature=header_signature(headers, kind=LAYOUT_KIND),
        defaults={
            "headers": list(headers),
            "mapping": {normalise_text(h): mapping.get(h, "") for h in headers},
        },
    )


def mapping_validate(headers: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping for every header ("" = not imported); refuses unknown columns or fields,
    a one-column field given twice, and a mapping without a name."""
    problems: dict[str, list[str]] = {}
    mapping = {str(h): "" if k is None else str(k) for h, k in mapping.items()}
    for header, key in mapping.items():
        if header not in headers:
            problems.setdefault(header, []).append(
                _("The file has no column “%(column)s”. Its columns: %(columns)s.")
                % {"column": header, "columns": ", ".join(headers)}
            )
        elif key and key not in FIELD_BY_KEY:
            problems.setdefault(header, []).append(
                _("“%(field)s” is not a field of a person. Use one of: %(fields)s.")
                % {"field": key, "fields": ", ".join(FIELD_BY_KEY)}
            )
    cleaned = {h: (mapping.get(h) or "") for h in headers}
    used: dict[str, str] = {}
    for header, key in cleaned.items():
        single = key in FIELD_BY_KEY and not FIELD_BY_KEY[key].several
        if single and used.get(key, header) != header:
            problems.setdefault(header, []).append(
                _("“%(field)s” is already taken from column “%(column)s”.")
                % {"field": FIELD_BY_KEY[key].label, "column": used[key]}
            )
        used.setdefault(key, header)
    if problems:
        first = next(iter(problems.values()))[0]
        raise ValidationProblem(first, errors={f"mapping.{h}": m for h, m in problems.items()})
    if not set(NAME_FIELDS) & set(cleaned.values()):
        message = _(
            "No column holds the name: map a column to Name, or to Given name and Family name "
            "(the file's columns: %(columns)s)."
        ) % {"columns": ", ".join(headers)}
        raise ValidationProblem(message, errors={"mapping": [message]})
    return cleaned


@dataclass(frozen=True)
class Columns:
    headers: list[str]
    indexes: dict[str, list[int]]

    def value(self, row: TableRow, key: str) -> tuple[str, str]:
        """(header, text) of the first non-empty cell of the field; the first header if none."""
        for i in self.indexes.get(key, []):
            if row.values[i]:
                return self.headers[i], row.values[i]
        return self.header(key), ""

    def values(self, row: TableRow, key: str) -> list[tuple[str, str]]:
        return [(self.headers[i], row.values[i]) for i in self.indexes.get(key, [])]

    def header(self, key: str) -> str:
        found = self.indexes.get(key)
        return self.headers[found[0]] if found else str(FIELD_BY_KEY[key].label)


def column_indexes(headers: Sequence[str], mapping: Mapping[str, str]) -> Columns:
    indexes: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        if mapping.get(header):
            indexes.setdefault(mapping[header], []).append(i)
    return Columns(headers=list(headers), indexes=indexes)
