"""One row of a people file read into checked values, with a problem per bad cell named by
its column; countries, groups, offices and organisations looked up once per distinct cell."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import CharField, Model
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from common.names import normalise_text, parse_name
from common.spreadsheets import TableRow
from stakeholders.importing.columns import NAME_FIELDS, Columns
from stakeholders.models import (
    Affiliation,
    Country,
    Office,
    Organisation,
    Person,
    PersonAlias,
    StakeholderGroup,
    Tag,
)
from stakeholders.selectors.groups import group_find
from stakeholders.selectors.organisations import organisation_find
from stakeholders.selectors.places import country_find

SEX_WORDS = {
    "f": ("f", "female", "woman", "w", "femme", "mujer", "femenino", "feminin", "femenina"),
    "m": ("m", "male", "man", "homme", "hombre", "masculino", "masculin", "h"),
    "x": ("x", "other", "diverse", "non binary", "nonbinary", "d"),
}
SEX_BY_WORD = {w: code for code, words in SEX_WORDS.items() for w in words}
KIND_BY_GROUP = {
    "government": Organisation.Kind.GOVERNMENT,
    "workers": Organisation.Kind.WORKERS,
    "employers": Organisation.Kind.EMPLOYERS,
    "un-io": Organisation.Kind.INTERNATIONAL,
    "ngo": Organisation.Kind.NGO,
    "academic": Organisation.Kind.ACADEMIC,
    "donor": Organisation.Kind.DONOR,
    "staff": Organisation.Kind.UNIT,
}
# Organisations that belong to one country (a ministry, a national union): a new one is
# created in the row's country, and one found in another country is not the same.
NATIONAL_KINDS = {
    Organisation.Kind.GOVERNMENT,
    Organisation.Kind.WORKERS,
    Organisation.Kind.EMPLOYERS,
}


@dataclass(eq=False)
class OrgRef:
    """An organisation cell: one found in the registry, or one the import will create (the
    same OrgRef for every row naming it, so it is created once per file)."""

    name: str
    found: Organisation | None = None
    acronym: str = ""
    kind: str = Organisation.Kind.OTHER
    country: Country | None = None
    group: StakeholderGroup | None = None

    @property
    def key(self) -> tuple[str, int]:
        return ("org", self.found.pk) if self.found else ("new", id(self))

    @property
    def label(self) -> str:
        return str(self.found) if self.found else self.name


@dataclass
class RowData:
    number: int
    typed: str = ""
    display: str = ""
    key: str = ""
    given: str = ""
    family: str = ""
    honorific: str = ""
    sex: str = ""
    language: str = ""
    notes: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    organisation: OrgRef | None = None
    unit: str = ""
    job_title: str = ""
    office: Office | None = None
    country: Country | None = None
    group: StakeholderGroup | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def affiliation(self) -> tuple:
        """What an affiliation from this row is, to compare with existing ones."""
        org = self.organisation.key if self.organisation else None
        return (org, self.unit.casefold(), self.job_title.casefold(), self.office_id)

    @property
    def office_id(self) -> int | None:
        return self.office.pk if self.office else None

    @property
    def has_affiliation(self) -> bool:
        return bool(self.organisation or self.unit or self.job_title or self.office
                    or self.country or self.group)  # fmt: skip


class Lookups:
    """Countries, groups, offices, organisations and languages named in a file, each looked up
    once per distinct cell."""

    def __init__(self) -> None:
        self._countries: dict[str, Country | None] = {}
        self._groups: dict[str, StakeholderGroup | None] = {}
        self._orgs: dict[tuple, OrgRef] = {}

    def country(self, text: str) -> Country | None:
        if text not in self._countries:
            self._countries[text] = country_find(text)
        return self._countries[text]

    def group(self, text: str) -> StakeholderGroup | None:
        if text not in self._groups:
            self._groups[text] = group_find(text)
        return self._groups[text]

    @cached_property
    def offices(self) -> dict[str, Office]:
        return {normalise_text(o.name): o for o in Office.objects.select_related("country")}

    @cached_property
    def languages(self) -> dict[str, str]:
        codes = {code for code, _name in settings.LANGUAGES} | set(LANG_INFO)
        found = {normalise_text(code): code for code in codes if len(code) <= 8}
        for code, info in LANG_INFO.items():
            if "name" in info and len(code) <= 8:
                found.setdefault(normalise_text(info["name"]), code)
                found.setdefault(normalise_text(info["name_local"]), code)
        return found

    def organisation(
        self,
        name: str,
        acronym: str,
        *,
        country: Country | None,
        group: StakeholderGroup | None,
    ) -> OrgRef:
        kind = KIND_BY_GROUP.get(group.code, Organisation.Kind.OTHER) if group else "other"
        national = kind in NATIONAL_KINDS
        home = country if national else None
        cache_key = (normalise_text(name), normalise_text(acronym), home.pk if home else None)
        if cache_key not in self._orgs:
            found = (organisation_find(name, country=home) if name else None) or (
                organisation_find(acronym, country=home) if acronym else None
            )
            if found and national and found.country_id and home and found.country_id != home.pk:
                found = None  # the ministry of another country
            self._orgs[cache_key] = OrgRef(
                name=" ".join((name or acronym).split()),
                found=found,
                acronym=acronym,
                kind=kind,
                country=home,
                group=group,
            )
        return self._orgs[cache_key]

    def new_organisations(self) -> list[OrgRef]:
        return [ref for ref in self._orgs.values() if ref.found is None]


def _split(text: str, separators: str) -> list[str]:
    return [p.strip() for p in re.split(f"[{separators}]", text) if p.strip()]


def row_data(row: TableRow, columns: Columns, lookups: Lookups) -> RowData:
    """One row's cells as checked values, with a (column, message) for each bad cell."""
    data = RowData(number=row.number)
    _read_name(data, row, columns)
    _read_person(data, row, columns, lookups)
    _read_affiliation(data, row, columns, lookups)
    _check_lengths(data, row, columns)
    return data


def _check_lengths(data: RowData, row: TableRow, columns: Columns) -> None:
    """A cell longer than its place in the registry is an error at its row and column in the
    dry run: the import never cuts it short."""
    typed_in = (
        columns.value(row, "name")[0]
        if "name" in columns.indexes
        else columns.header("given_name" if "given_name" in columns.indexes else "family_name")
    )
    parsed = parse_name(data.typed)
    org = data.organisation
    checks: list[tuple[str, type[Model], str, list[str]]] = [
        ("name", Person, "display_name", [data.display]),
        ("given_name", Person, "given_name", [data.given or parsed.given]),
        ("family_name", Person, "family_name", [data.family or parsed.family]),
        ("honorific", Person, "honorific", [data.honorific]),
        ("organisation", Organisation, "name", [org.name if org else ""]),
        ("acronym", Organisation, "acronym", [org.acronym if org else ""]),
        ("unit", Affiliation, "unit", [data.unit]),
        ("job_title", Affiliation, "job_title", [data.job_title]),
        ("aliases", PersonAlias, "name", data.aliases),
        ("tags", Tag, "name", data.tags),
    ]
    flagged = {column for column, _message in data.problems}
    for key, model, field_name, texts in checks:
        if columns.indexes.get(key):
            column = columns.value(row, key)[0]
        else:  # a name's parts read from the Name cell
            column = typed_in if key in (*NAME_FIELDS, "honorific") else ""
        limit = _max_length(model, field_name)
        longest = max((len(text) for text in texts), default=0)
        if longest > limit and column and column not in flagged:
            flagged.add(column)
            message = _("The text has %(length)s characters; the most accepted is %(limit)s.")
            data.problems.append(
                (column, message % {"length": f"{longest:,}", "limit": f"{limit:,}"})
            )


def _max_length(model: type[Model], field_name: str) -> int:
    column = model._meta.get_field(field_name)
    if not isinstance(column, CharField) or not column.max_length:
        raise TypeError(f"{model.__name__}.{field_name} is not a text column with a limit.")
    return column.max_length


def _read_name(data: RowData, row: TableRow, columns: Columns) -> None:
    column, name = columns.value(row, "name")
    _c, data.given = columns.value(row, "given_name")
    _c, data.family = columns.value(row, "family_name")
    _c, data.honorific = columns.value(row, "honorific")
    data.typed = name or f"{data.given} {data.family}".strip()
    if "name" not in columns.indexes:
        column = columns.header("given_name" if "given_name" in columns.indexes else "family_name")
    parsed = parse_name(data.typed)
    data.display, data.key = parsed.display, parsed.normalised
    data.honorific = data.honorific or parsed.honorific
    if not data.typed:
        data.problems.append((column, _("The name is empty.")))
    elif not data.key:
        data.problems.append(
            (column, _("“%(name)s” does not contain a name.") % {"name": data.typed})
        )


def _read_person(data: RowData, row: TableRow, columns: Columns, lookups: Lookups) -> None:
    for column, cell in columns.values(row, "email"):
        for email in _split(cell.replace("mailto:", ""), r";,\s"):
            try:
                validate_email(email)
            except ValidationError:
                data.problems.append(
                    (column, _("“%(email)s” is not a valid e-mail address.") % {"email": email})
                )
            else:
                if email.lower() not in {e.lower() for e in data.emails}:
                    data.emails.append(email)
    data.phones = list(dict.fromkeys(p for _c, cell in columns.values(row, "phone")
                                     for p in _split(cell, ";,\n")))  # fmt: skip
    data.tags = list(dict.fromkeys(t for _c, cell in columns.values(row, "tags")
                                   for t in _split(cell, ";,\n")))  # fmt: skip
    data.aliases = [a for _c, cell in columns.values(row, "aliases") for a in _split(cell, ";\n")]
    data.notes = "\n".join(cell for _c, cell in columns.values(row, "notes") if cell)
    column, sex = columns.value(row, "sex")
    if sex:
        data.sex = SEX_BY_WORD.get(normalise_text(sex), "")
        if not data.sex:
            data.problems.append(
                (column, _("“%(value)s” is not a sex: use F, M or X.") % {"value": sex})
            )
    column, language = columns.value(row, "language")
    if language:
        data.language = lookups.languages.get(normalise_text(language), "")
        if not data.language:
            data.problems.append(
                (column, _("“%(value)s” is not a known language; use a code such as en, fr "
                           "or es.") % {"value": language})
            )  # fmt: skip


def _read_affiliation(data: RowData, row: TableRow, columns: Columns, lookups: Lookups) -> None:
    column, country = columns.value(row, "country")
    if country:
        data.country = lookups.country(country)
        if data.country is None:
            data.problems.append(
                (column, _("“%(value)s” is not a known country.") % {"value": country})
            )
    column, group = columns.value(row, "stakeholder_group")
    if group:
        data.group = lookups.group(group)
        if data.group is None:
            known = ", ".join(StakeholderGroup.objects.filter(active=True).values_list(
                "name", flat=True))  # fmt: skip
            data.problems.append(
                (column, _("“%(value)s” is not a known stakeholder group (known: %(known)s).")
                 % {"value": group, "known": known})
            )  # fmt: skip
    column, office = columns.value(row, "office")
    if office:
        data.office = lookups.offices.get(normalise_text(office))
        if data.office is None:
            data.problems.append(
                (column, _("“%(value)s” is not an office in the registry; add the office first "
                           "or leave the cell empty.") % {"value": office})
            )  # fmt: skip
    _c, data.unit = columns.value(row, "unit")
    _c, data.job_title = columns.value(row, "job_title")
    _c, name = columns.value(row, "organisation")
    _c, acronym = columns.value(row, "acronym")
    if name or acronym:
        data.organisation = lookups.organisation(
            name, acronym, country=data.country, group=data.group
        )
