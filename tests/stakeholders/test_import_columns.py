"""Which field each column of a people file holds: recognition, remembered layouts, checks."""

from __future__ import annotations

import pytest

from common.errors import ValidationProblem
from common.spreadsheets import TableRow
from stakeholders.importing.columns import (
    column_indexes,
    layout_remember,
    mapping_for,
    mapping_validate,
    recognise,
)
from stakeholders.importing.reader import Lookups, row_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Name", "name"), ("FULL NAME", "name"), ("Given name", "given_name"),
        ("First name", "given_name"), ("Family name", "family_name"), ("Surname", "family_name"),
        ("Last name", "family_name"), ("Organisation", "organisation"),
        ("Organization", "organisation"), ("Unit", "unit"), ("Department", "unit"),
        ("Job title", "job_title"), ("Function", "job_title"), ("Position", "job_title"),
        ("Country", "country"), ("E-mail", "email"), ("Email", "email"), ("e-mail 2", "email"),
        ("E-mail (work)", "email"), ("Phone", "phone"), ("Telephone", "phone"),
        ("Stakeholder group", "stakeholder_group"), ("Group", "stakeholder_group"),
        ("Constituent", "stakeholder_group"), ("Language", "language"),
        ("Honorific", "honorific"), ("Title", "honorific"), ("Sex", "sex"), ("Gender", "sex"),
        ("Office", "office"), ("Tags", "tags"), ("Acronym", "acronym"), ("Notes", "notes"),
        ("Remarks", "notes"), ("Also known as", "aliases"), ("Favourite colour", ""),
    ],
)  # fmt: skip
def test_usual_headers_and_synonyms_are_recognised(header: str, field: str) -> None:
    assert recognise([header]) == {header: field}


def test_a_one_column_field_takes_the_first_header_and_several_take_all() -> None:
    headers = ["Name", "Full name", "E-mail", "E-mail 2", "Phone", "Mobile"]
    assert recognise(headers) == {
        "Name": "name", "Full name": "", "E-mail": "email", "E-mail 2": "email",
        "Phone": "phone", "Mobile": "phone",
    }  # fmt: skip


def test_several_email_and_phone_columns_and_cells_are_added_up() -> None:
    headers = ["Name", "E-mail", "E-mail 2", "Phone", "Mobile"]
    columns = column_indexes(headers, recognise(headers))
    values = ["Anna", "a@example.org; A@EXAMPLE.org", "b@example.org", "+41 1; +41 2", "+41 1"]
    data = row_data(TableRow(2, values), columns, Lookups())
    assert data.emails == ["a@example.org", "b@example.org"]
    assert data.phones == ["+41 1", "+41 2"]
    assert data.problems == []


def test_cells_are_checked_and_each_problem_names_its_column() -> None:
    headers = ["Name", "Sex", "Language", "Office", "Country"]
    columns = column_indexes(headers, recognise(headers))
    data = row_data(TableRow(9, ["Anna", "q", "Klingon", "Atlantis HQ", "vn"]), columns, Lookups())
    assert [column for column, _message in data.problems] == ["Sex", "Language", "Office"]
    assert data.country.code == "VN"
    good = row_data(TableRow(3, ["Anna", "Woman", "Français", "", ""]), columns, Lookups())
    assert (good.sex, good.language, good.problems) == ("f", "fr", [])


def test_a_remembered_layout_is_found_whatever_the_case_of_the_headers() -> None:
    layout_remember(["Who", "Where"], {"Who": "name", "Where": "country"})
    assert mapping_for(["WHO", "where"]) == ({"WHO": "name", "where": "country"}, True)
    assert mapping_for(["Where", "Who"]) == ({"Where": "", "Who": ""}, False)


def test_mapping_problems_are_reported_per_column() -> None:
    with pytest.raises(ValidationProblem) as refused:
        mapping_validate(["Name", "Mail"], {"Name": "name", "Mail": "mail", "Phone": "phone"})
    assert set(refused.value.errors) == {"mapping.Mail", "mapping.Phone"}
    assert mapping_validate(["Given", "Family"], {"Given": "given_name", "Family": None}) == {
        "Given": "given_name", "Family": ""
    }  # fmt: skip
