"""manage.py import_people: report, dry run, sheets, duplicates policy, all or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from stakeholders.importing.columns import layout_remember
from stakeholders.models import ColumnLayout, Organisation, Person
from tests.stakeholders.test_importing import (
    GENERATED,
    csv_bytes,
    people_rows,
    registry,
    row,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_people", *args, stdout=out, no_color=True)
    return out.getvalue()


def test_import_reports_rows_and_counts_and_a_second_run_creates_nothing(tmp_path) -> None:
    registry()
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(people_rows()))
    output = run(str(path))
    assert f"Read {GENERATED + 13} rows." in output
    assert "Columns (recognised from the headers): Title → Honorific; Name → Name;" in output
    assert (
        f"Row {GENERATED + 4}: matched: anna beispiel. Already in the registry as “Anna "
        "Beispiel”." in output
    )
    assert (
        f"Row {GENERATED + 11}: possible duplicate: Anna Biespiel. Possibly the same as: "
        "Anna Beispiel (92.3)." in output
    )
    assert (
        f"Rows: {GENERATED + 13}; new {GENERATED + 2}, matched 7, possible duplicates 4, "
        "errors 0; organisations to create 4." in output
    )
    assert (
        f"Imported: {GENERATED + 6} people created, 5 updated, 2 unchanged; "
        "4 organisations created." in output
    )
    people = Person.objects.count()
    assert people == 5 + GENERATED + 6

    again = run(str(path))
    assert f"new 0, matched {GENERATED + 13}, possible duplicates 0, errors 0" in again
    assert f"Imported: 0 people created, 0 updated, {GENERATED + 13} unchanged" in again
    assert Person.objects.count() == people


def test_new_rows_are_listed_with_verbosity_2(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("Zoë Ångström", 4)]))
    assert "Row 2" not in run(str(path), "--dry-run")
    out = io.StringIO()
    call_command("import_people", str(path), "--dry-run", verbosity=2, stdout=out)
    assert (
        "Row 2: new: Zoë Ångström. New person. Creates the organisation “University of "
        "Geneva”." in out.getvalue()
    )


def test_dry_run_writes_nothing(tmp_path) -> None:
    registry()
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(people_rows()))
    before = Person.objects.count(), Organisation.objects.count()
    output = run(str(path), "--dry-run")
    assert output.rstrip().endswith("Dry run: nothing was written.")
    assert (Person.objects.count(), Organisation.objects.count()) == before


def test_error_rows_are_reported_and_nothing_is_imported(tmp_path) -> None:
    registry()
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes(people_rows(errors=True)))
    before = Person.objects.count()
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_people", str(path), stdout=out, no_color=True)
    last = GENERATED + 18
    assert str(refused.value).startswith("Nothing was imported: 4 rows have errors (rows ")
    assert (
        f"Row {last - 2}: error: Otieno Were. Country: “Atlantis” is not a known country."
        in out.getvalue()
    )
    assert f"Row {last - 3}: error: –. Name: The name is empty." in out.getvalue()
    assert Person.objects.count() == before


def test_possible_duplicates_are_created_with_a_warning_or_refused_on_request(tmp_path) -> None:
    registry()
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes([row("Anna Biespiel", 1), row("Zoë Ångström", 4)]))
    with pytest.raises(CommandError, match=r"rows 2 may be people already in the registry"):
        run(str(path), "--stop-on-duplicates")
    assert not Person.objects.filter(display_name__in=["Anna Biespiel", "Zoë Ångström"])
    output = run(str(path))
    assert "Row 2: possible duplicate: Anna Biespiel." in output
    assert Person.objects.filter(display_name="Anna Biespiel").count() == 1


def test_xlsx_sheet_option(tmp_path) -> None:
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes([row("Zoë Ångström", 4)]))
    assert "sheet “Contacts”, 1 rows" in run(str(path), "--sheet", "Contacts", "--dry-run")
    with pytest.raises(CommandError, match="The workbook has no sheet “Sheet9”"):
        run(str(path), "--sheet", "Sheet9")


def test_unreadable_or_missing_file_is_a_command_error(tmp_path) -> None:
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "missing.csv"))
    path = tmp_path / "people.csv"
    path.write_bytes(b"Organisation,Country\nILO,CH\n")
    with pytest.raises(CommandError, match="No column holds the name"):
        run(str(path))


def test_a_remembered_layout_is_used(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Who,Where\nZoë Ångström,Norway\n", encoding="utf-8")
    with pytest.raises(CommandError, match="No column holds the name"):
        run(str(path))
    layout_remember(["Who", "Where"], {"Who": "name", "Where": "country"})
    assert ColumnLayout.objects.count() == 1
    output = run(str(path))
    assert "Columns (as remembered for this layout): Who → Name; Where → Country." in output
    assert Person.objects.get().affiliations.get().country.code == "NO"
