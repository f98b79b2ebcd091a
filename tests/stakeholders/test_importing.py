"""The people import at the service: what each row of a realistic file becomes, exact counts,
idempotence, all or nothing, and what matched rows add."""

from __future__ import annotations

import csv
import io
import random

import pytest
from openpyxl import Workbook

from common.errors import ValidationProblem
from common.names import normalise, similarity
from common.spreadsheets import read_table
from evaluations.permissions import SYSTEM
from stakeholders import services
from stakeholders.importing.columns import recognise
from stakeholders.importing.matching import RegistryIndex
from stakeholders.importing.plan import analyse
from stakeholders.importing.writer import people_import
from stakeholders.models import (
    Affiliation,
    Country,
    NotDuplicate,
    Organisation,
    Person,
    PersonAlias,
    StakeholderGroup,
)
from stakeholders.selectors import person_candidates
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

HEADERS = [
    "Title", "Name", "Organisation", "Acronym", "Department", "Function", "Country", "E-mail",
    "Telephone", "Constituent", "Language", "Sex", "Notes",
]  # fmt: skip
# (organisation, acronym, stakeholder group, country as typed)
ORGANISATIONS = [
    ("Ministry of Labour, Invalids and Social Affairs", "MOLISA", "Government", "Vietnam"),
    ("International Labour Organization", "", "UN", "Switzerland"),
    ("Federation of Kenya Employers", "FKE", "Employers", "KE"),
    ("Trade Union Congress of Tanzania", "TUCTA", "Workers", "UR Tanzania"),
    ("University of Geneva", "", "Academic", "Switzerland"),
    ("", "ILO", "UN", "Côte d'Ivoire"),
]
REGISTRY = ["Anna Beispiel", "Mohammed Al-Rashid", "Nguyễn Thị Minh Khai", "Kwame Mensah",
            "Ingrid Solberg"]  # fmt: skip
GENERATED = 240
SYLLABLES = ["ka", "lo", "mi", "ru", "te", "sa", "vo", "ne", "di", "pa", "zu", "ho", "be", "fi",
             "go", "ja", "qu", "we", "xi", "yo"]  # fmt: skip


def registry() -> dict[str, Person]:
    """The registry before the import: five people (one with an alias) and the ILO."""
    OrganisationFactory(name="International Labour Organization", acronym="ILO")
    people = {
        "anna": services.person_create(by=SYSTEM, name="Anna Beispiel",
                                       emails=["anna.beispiel@example.org"]),
        "mohammed": services.person_create(by=SYSTEM, name="Mohammed Al-Rashid"),
        "khai": services.person_create(by=SYSTEM, name="Nguyễn Thị Minh Khai",
                                       emails=["khai@example.org"], aliases=["Minh Khai Nguyen"]),
        "kwame": services.person_create(by=SYSTEM, name="Kwame Mensah",
                                        emails=["kwame@example.org"]),
        "ingrid": services.person_create(by=SYSTEM, name="Ingrid Solberg",
                                         emails=["ingrid@example.org"]),
    }  # fmt: skip
    return people


def generated_names(count: int) -> list[str]:
    """Invented names, far (similarity < 70) from each other and from the registry's."""
    rng = random.Random(20080601)  # noqa: S311 -- repeatable test data, not a secret
    names: list[str] = []
    keys = [normalise(n) for n in REGISTRY]
    while len(names) < count:
        name = " ".join(
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            for _ in range(2)
        )
        key = normalise(name)
        if all(similarity(key, k) < 70 for k in keys):
            names.append(name)
            keys.append(key)
    return names


def row(name: str, org: int = 0, **cells: str) -> dict[str, str]:
    organisation, acronym, group, country = ORGANISATIONS[org]
    values = {"Name": name, "Organisation": organisation, "Acronym": acronym,
              "Constituent": group, "Country": country}  # fmt: skip
    values.update(cells)
    return {h: values.get(h, "") for h in HEADERS}


def people_rows(*, errors: bool = False) -> list[dict[str, str]]:
    """A few hundred rows: new people, people already in the registry (by name, by alias, in
    capitals, with an honorific), repeats within the file, near duplicates and, optionally,
    four rows with errors."""
    rows = [
        row(name, i % len(ORGANISATIONS), Function="Officer" if i % 3 else "",
            Department=f"Unit {i % 7}", **{"E-mail": f"person{i}@example.org",
            "Telephone": f"+41 22 799 {i:04d}", "Language": ["en", "French", "es"][i % 3],
            "Sex": ["F", "male", ""][i % 3]})
        for i, name in enumerate(generated_names(GENERATED))
    ]  # fmt: skip
    rows += [
        # new, with letters that must survive exactly
        row("Zoë Ångström", 4, Function="Researcher", **{"E-mail": "zoe@example.org"}),
        row("José García-López", 0, Title="Mr.", Function="Director"),
        # already in the registry
        row("anna beispiel", 1, Function="Programme officer"),
        row("Mr. Kwame MENSAH", 2, **{"E-mail": "kwame@example.org"}),
        row("Minh Khai Nguyen", 0, Function="Vice-minister"),  # an alias
        row("Nguyễn Thị Minh Khai", 0, Function="Vice-minister"),
        row("Ingrid Solberg", 1, **{"E-mail": "ingrid.solberg@example.org"}),
        # the same person as a row above
        row("José Garcia Lopez", 0, Function="Director", **{"E-mail": "jose@example.org"}),
        row("Zoe Angstrom", 4),
        # near duplicates of registry people, and an address someone else has
        row("Anna Biespiel", 1),
        row("Mohamed Al Rashid", 5),
        row("Ingrid Sohlberg", 3),
        row("Ama Owusu", 2, **{"E-mail": "kwame@example.org"}),
    ]  # fmt: skip
    if errors:
        rows += [
            row("", 1, Function="Nobody"),
            row("Otieno Were", 2, Country="Atlantis"),
            row("Lena Vogt", 1, **{"E-mail": "lena.vogt@"}),
            row("Pham Van Dong", 0, Constituent="Martians"),
        ]
    return rows


def csv_bytes(rows: list[dict[str, str]], *, delimiter: str = ",", encoding: str = "utf-8-sig"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADERS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Contacts"
    sheet.append(HEADERS)
    for values in rows:
        sheet.append([values[h] for h in HEADERS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(content: bytes, filename: str = "people.csv", decisions=None):
    table = read_table(content, filename)
    return table, analyse(table, recognise(table.headers), decisions)


def status_of(analysis, number: int) -> dict:
    return next(r for r in analysis.report if r["row"] == number)


def by_name(analysis, name: str) -> dict:
    return next(r for r in analysis.report if r["name"] == name)


COUNTS = {"new": GENERATED + 2, "matched": 7, "duplicate": 4, "error": 0}


def test_dry_run_reports_exact_counts_and_writes_nothing() -> None:
    registry()
    before = (Person.objects.count(), Organisation.objects.count(), Affiliation.objects.count())
    _table, analysis = check(csv_bytes(people_rows(errors=True)))
    counts = {k: analysis.counts[k] for k in COUNTS}
    assert counts == {**COUNTS, "error": 4}
    assert analysis.counts["rows"] == GENERATED + 17
    assert analysis.counts["organisations"] == 4  # ILO exists; four are new
    after = (Person.objects.count(), Organisation.objects.count(), Affiliation.objects.count())
    assert after == before


def test_rows_are_classified_with_row_numbers_and_reasons() -> None:
    people = registry()
    _table, analysis = check(csv_bytes(people_rows(errors=True)))
    first_special = GENERATED + 2  # header is row 1
    zoe = status_of(analysis, first_special)
    assert (zoe["name"], zoe["status"]) == ("Zoë Ångström", "new")
    assert by_name(analysis, "anna beispiel")["person_id"] == people["anna"].pk
    assert by_name(analysis, "Kwame MENSAH")["status"] == "matched"
    assert by_name(analysis, "Minh Khai Nguyen")["person_id"] == people["khai"].pk
    repeat = by_name(analysis, "José Garcia Lopez")
    assert (repeat["status"], repeat["same_as_row"]) == ("matched", first_special + 1)
    assert "Same person as row" in repeat["message"]
    near = by_name(analysis, "Anna Biespiel")
    assert near["status"] == "duplicate"
    assert [(c["person_id"], c["score"]) for c in near["candidates"]] == [(people["anna"].pk, 92.3)]
    assert near["choices"] == [f"merge:{people['anna'].pk}", "new", "skip"]
    owner = by_name(analysis, "Ama Owusu")
    assert owner["status"] == "duplicate"
    assert owner["candidates"][0]["person_id"] == people["kwame"].pk
    assert "Kwame Mensah" in owner["message"]
    errors = {r["row"]: r for r in analysis.report if r["status"] == "error"}
    last = GENERATED + 17 + 1
    assert sorted(errors) == [last - 3, last - 2, last - 1, last]
    assert errors[last - 3]["problems"] == [{"column": "Name", "message": "The name is empty."}]
    assert errors[last - 2]["problems"][0]["column"] == "Country"
    assert "“Atlantis” is not a known country." in errors[last - 2]["message"]
    assert errors[last - 1]["problems"] == [
        {"column": "E-mail", "message": "“lena.vogt@” is not a valid e-mail address."}
    ]
    assert errors[last]["problems"][0]["column"] == "Constituent"
    assert "“Martians” is not a known stakeholder group" in errors[last]["message"]


def test_commit_of_a_file_with_an_error_row_writes_nothing() -> None:
    registry()
    before = (Person.objects.count(), Organisation.objects.count(), PersonAlias.objects.count())
    table = read_table(csv_bytes(people_rows(errors=True)), "people.csv")
    with pytest.raises(ValidationProblem) as refused:
        people_import(table=table, mapping=recognise(table.headers), by=SYSTEM)
    last = GENERATED + 18
    assert refused.value.message.startswith("Nothing was imported: 4 rows have errors (rows ")
    assert f"{last - 3}, {last - 2}, {last - 1}, {last}" in refused.value.message
    assert f"row {last - 2}" in refused.value.errors
    after = (Person.objects.count(), Organisation.objects.count(), PersonAlias.objects.count())
    assert after == before


def test_commit_creates_people_and_organisations_once_and_a_second_import_creates_nothing():
    people = registry()
    content = csv_bytes(people_rows())
    table = read_table(content, "people.csv")
    analysis, counts = people_import(table=table, mapping=recognise(table.headers), by=SYSTEM)
    assert {k: analysis.counts[k] for k in COUNTS} == COUNTS
    # new people, plus the four possible duplicates kept separate by default
    assert counts["created"] == GENERATED + 2 + 4
    assert Person.objects.count() == len(REGISTRY) + GENERATED + 6
    assert counts["organisations_created"] == 4
    assert Organisation.objects.count() == 5
    molisa = Organisation.objects.get(acronym="MOLISA")
    assert (molisa.kind, molisa.country.code) == ("government", "VN")
    assert molisa.stakeholder_group.code == "government"
    assert Organisation.objects.get(name="University of Geneva").country is None
    # one per generated row, José once (his repeat row adds none), Khai once (two rows)
    assert molisa.affiliations.count() == GENERATED // 6 + 2
    zoe = Person.objects.get(display_name="Zoë Ångström")
    assert zoe.emails == ["zoe@example.org"]
    jose = Person.objects.get(normalised="jose garcia lopez")
    assert (jose.display_name, jose.honorific) == ("José García-López", "Mr.")
    assert jose.emails == ["jose@example.org"]  # added by the repeat row
    assert people["ingrid"].pk in Person.objects.filter(
        emails__icontains="ingrid.solberg@example.org"
    ).values_list("pk", flat=True)

    snapshot = (
        Person.objects.count(),
        Organisation.objects.count(),
        Affiliation.objects.count(),
        PersonAlias.objects.count(),
    )
    again, counts = people_import(table=read_table(content, "people.csv"),
                                  mapping=recognise(table.headers), by=SYSTEM)  # fmt: skip
    assert {k: again.counts[k] for k in COUNTS} == {
        "new": 0, "matched": GENERATED + 13, "duplicate": 0, "error": 0
    }  # fmt: skip
    assert counts == {"created": 0, "updated": 0, "unchanged": GENERATED + 13,
                      "organisations_created": 0}  # fmt: skip
    assert snapshot == (
        Person.objects.count(),
        Organisation.objects.count(),
        Affiliation.objects.count(),
        PersonAlias.objects.count(),
    )


def test_xlsx_written_with_openpyxl_reads_back_like_the_csv() -> None:
    registry()
    rows = people_rows(errors=True)
    table = read_table(xlsx_bytes(rows), "people.xlsx")
    assert table.sheet == "Contacts"
    assert table.headers == HEADERS
    assert [r.number for r in table.rows[:2]] == [2, 3]
    assert table.rows[GENERATED].values[1] == "Zoë Ångström"
    from_csv = read_table(csv_bytes(rows, delimiter=";", encoding="utf-8"), "people.csv")
    assert [r.values for r in table.rows] == [r.values for r in from_csv.rows]
    analysis = analyse(table, recognise(table.headers))
    assert {k: analysis.counts[k] for k in COUNTS} == {**COUNTS, "error": 4}


def test_matched_rows_add_email_phone_alias_and_a_new_affiliation_only_when_different() -> None:
    anna = services.person_create(by=SYSTEM, name="Anna Beispiel", emails=["anna@example.org"])
    ilo = OrganisationFactory(name="International Labour Organization", acronym="ILO")
    services.affiliation_add(person=anna, organisation=ilo, job_title="Programme officer")
    rows = [
        row("Anna Beispiel", 1, Function="Programme officer", Telephone="+41 22 799 6111"),
        row("Anna Beispiel", 5, **{"E-mail": "anna.beispiel@ilo.org"}),  # ILO by acronym
        row("Anna Beispiel", 4, Function="Visiting fellow"),
        row("Anna Biespiel", 1, Function="Programme officer"),
    ]
    table = read_table(csv_bytes(rows), "people.csv")
    decisions = {"5": f"merge:{anna.pk}"}
    analysis, counts = people_import(
        table=table, mapping=recognise(table.headers), by=SYSTEM, decisions=decisions
    )
    assert [r["status"] for r in analysis.report] == ["matched", "matched", "matched", "duplicate"]
    assert "phone +41 22 799 6111" in analysis.report[0]["message"]
    assert "a new affiliation" not in analysis.report[0]["message"]
    assert analysis.report[1]["same_as_row"] == 2
    assert "Nothing new" not in analysis.report[1]["message"]
    assert counts == {"created": 0, "updated": 4, "unchanged": 0, "organisations_created": 1}
    anna.refresh_from_db()
    assert anna.emails == ["anna@example.org", "anna.beispiel@ilo.org"]
    assert anna.phones == ["+41 22 799 6111"]
    assert list(anna.aliases.values_list("name", "source")) == [("Anna Biespiel", "import")]
    assert sorted(
        (a.organisation.name, a.job_title) for a in anna.affiliations.all()
    ) == [("International Labour Organization", "Programme officer"),
          ("University of Geneva", "Visiting fellow")]  # fmt: skip
    assert Person.objects.count() == 1

    # Once merged, the other spelling is an alias: the same file again is all "matched".
    again = analyse(read_table(csv_bytes(rows), "people.csv"), recognise(table.headers))
    assert [r["status"] for r in again.report] == ["matched"] * 4
    assert all("Nothing new" in r["message"] for r in again.report)


def test_decisions_skip_and_keep_separate() -> None:
    people = registry()
    rows = [row("Anna Biespiel", 1), row("Mohamed Al Rashid", 1), row("Zoë Ångström", 4)]
    table = read_table(csv_bytes(rows), "people.csv")
    decisions = {"2": "new", "3": "skip", "4": "skip"}
    analysis, counts = people_import(
        table=table, mapping=recognise(table.headers), by=SYSTEM, decisions=decisions
    )
    assert [r["action"] for r in analysis.report] == ["create", "skip", "skip"]
    assert analysis.counts["skipped"] == 2
    assert counts["created"] == 1
    created = Person.objects.get(display_name="Anna Biespiel")
    assert NotDuplicate.objects.filter(
        first=min(created, people["anna"], key=lambda p: p.pk),
        second=max(created, people["anna"], key=lambda p: p.pk),
    ).exists()
    assert not Person.objects.filter(display_name__in=["Mohamed Al Rashid", "Zoë Ångström"])


def test_a_choice_that_does_not_fit_is_an_error_row() -> None:
    registry()
    table = read_table(csv_bytes([row("Anna Biespiel", 1), row("Zoë Ångström", 4)]), "p.csv")
    analysis = analyse(table, recognise(table.headers), {"2": "merge:999999", "3": "new"})
    assert [r["status"] for r in analysis.report] == ["error", "error"]
    assert "does not fit this row" in analysis.report[0]["message"]


def test_stop_on_duplicates_refuses_the_file() -> None:
    registry()
    table = read_table(csv_bytes([row("Zoë Ångström", 4), row("Anna Biespiel", 1)]), "p.csv")
    with pytest.raises(ValidationProblem, match="rows 3 may be people already"):
        people_import(
            table=table, mapping=recognise(table.headers), by=SYSTEM, stop_on_duplicates=True
        )
    assert not Person.objects.filter(display_name="Zoë Ångström").exists()


def test_two_people_of_the_same_name_the_email_says_which() -> None:
    first = PersonFactory(display_name="Maria Silva", emails=["maria.silva@example.org"])
    second = PersonFactory(display_name="Maria Silva", emails=["msilva@example.org"])
    rows = [
        row("Maria Silva", 1, **{"E-mail": "msilva@example.org"}),
        row("Maria Silva", 1),
    ]
    # The second row repeats the first one's name: it is the same person as row 2.
    analysis = analyse(read_table(csv_bytes(rows), "p.csv"), recognise(HEADERS))
    assert analysis.report[0]["person_id"] == second.pk
    assert analysis.report[1]["same_as_row"] == 2
    alone = analyse(read_table(csv_bytes(rows[1:]), "p.csv"), recognise(HEADERS))
    assert alone.report[0]["status"] == "duplicate"
    assert {c["person_id"] for c in alone.report[0]["candidates"]} == {first.pk, second.pk}
    assert "2 people in the registry have this name." in alone.report[0]["message"]


def test_given_and_family_name_columns_and_honorific_column() -> None:
    content = (
        "First name,Surname,Honorific,Organization,Gender,Country\n"
        "Zoë,Ångström,Dr.,University of Geneva,female,CH\n"
        "José,García-López,,,M,Côte d'Ivoire\n"
    ).encode()
    table = read_table(content, "people.csv")
    assert recognise(table.headers) == {
        "First name": "given_name", "Surname": "family_name", "Honorific": "honorific",
        "Organization": "organisation", "Gender": "sex", "Country": "country",
    }  # fmt: skip
    _analysis, counts = people_import(table=table, mapping=recognise(table.headers), by=SYSTEM)
    assert counts["created"] == 2
    zoe = Person.objects.get(family_name="Ångström")
    assert (zoe.display_name, zoe.given_name, zoe.honorific, zoe.sex) == (
        "Zoë Ångström", "Zoë", "Dr.", "f"
    )  # fmt: skip
    jose = Person.objects.get(given_name="José")
    assert jose.affiliations.get().country == Country.objects.get(code="CI")


def test_no_name_column_is_a_file_error() -> None:
    table = read_table(b"Organisation,Country\nILO,Switzerland\n", "p.csv")
    with pytest.raises(ValidationProblem, match="No column holds the name"):
        analyse(table, recognise(table.headers))


def test_unknown_column_or_field_in_an_explicit_mapping_is_refused() -> None:
    table = read_table(b"Name,Country\nZo\xc3\xab,CH\n", "p.csv")
    with pytest.raises(ValidationProblem) as refused:
        analyse(table, {"Name": "name", "Email": "email"})
    assert refused.value.message.startswith("The file has no column “Email”.")
    with pytest.raises(ValidationProblem, match="“nationality” is not a field"):
        analyse(table, {"Name": "name", "Country": "nationality"})
    with pytest.raises(ValidationProblem, match="already taken from column “Name”"):
        analyse(table, {"Name": "name", "Country": "name"})


def test_a_national_organisation_is_one_per_country_created_once_per_file() -> None:
    rows = [
        row("Lan Pham", 0),
        row("Minh Tran", 0, Country="Viet Nam"),
        row("Juma Kapuya", 0, Country="UR Tanzania"),
    ]
    table = read_table(csv_bytes(rows), "p.csv")
    _analysis, counts = people_import(table=table, mapping=recognise(HEADERS), by=SYSTEM)
    assert counts["organisations_created"] == 2
    ministries = Organisation.objects.filter(acronym="MOLISA").order_by("country__code")
    assert [(m.country.code, m.affiliations.count()) for m in ministries] == [("TZ", 1), ("VN", 2)]


def test_group_decides_the_kind_of_a_new_organisation() -> None:
    rows = [row("Lan Pham", 3), row("Minh Tran", 1, Organisation="Helvetas", Constituent="")]
    people_import(table=read_table(csv_bytes(rows), "p.csv"), mapping=recognise(HEADERS), by=SYSTEM)
    assert Organisation.objects.get(acronym="TUCTA").kind == "workers"
    helvetas = Organisation.objects.get(name="Helvetas")
    assert (helvetas.kind, helvetas.stakeholder_group) == ("other", None)
    assert StakeholderGroup.objects.get(code="workers").organisations.count() == 1


def test_registry_index_proposes_what_person_candidates_proposes() -> None:
    registry()
    for name in ["Anna Biespiel", "Mohamed Al Rashid", "Ingrid Sohlberg", "Nguyen Minh Khai"]:
        expected = [(c.person_id, c.score) for c in person_candidates(name)]
        assert [(c.person_id, c.score) for c in RegistryIndex().near(normalise(name))] == expected
        assert expected
