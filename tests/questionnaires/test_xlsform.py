"""XLSForm in and out: the seeds and a KoboToolbox-style form round trip, pyxform (ODK's own
converter) accepts what we write, and every refusal names the sheet, row and column."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from pyxform.xls2xform import convert

from common.errors import ValidationProblem
from questionnaires.instrument_format import instrument_dump, instrument_parse
from questionnaires.instrument_format.xlsform import (
    instrument_file_text,
    is_workbook,
    xlsform_read,
    xlsform_write,
)
from tests.questionnaires.xlsform_books import (
    HEAD,
    KOBO_CHOICES,
    KOBO_SETTINGS,
    KOBO_SURVEY,
    sheet_rows,
    workbook,
)

SEEDS = sorted((Path(settings.BASE_DIR) / "seeds" / "instruments").glob("*.yaml"))


def xform(data: bytes, tmp_path: Path) -> str:
    """The XForm pyxform makes of a workbook; pyxform raises on any error."""
    path = tmp_path / "form.xlsx"
    path.write_bytes(data)
    result = convert(xlsform=str(path), validate=False)
    assert not [w for w in result.warnings if "missing" not in w], result.warnings
    return result.xform


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_seed_instruments_go_out_and_come_back_the_same(seed: Path, tmp_path) -> None:
    spec = instrument_parse(seed.read_text())
    data = xlsform_write(spec, version=3)
    assert is_workbook(data)
    back = xlsform_read(data)
    assert back == spec
    assert instrument_dump(back) == instrument_dump(spec)
    form = xform(data, tmp_path)
    assert f'id="{spec["key"]}"' in form and 'version="3"' in form
    first = spec["sections"][0]["questions"][0]
    assert f"<value>{first['text']['en']}</value>" in form.replace("&quot;", '"')


def test_the_staff_likert_block_is_a_group_of_one_list(tmp_path) -> None:
    seed = next(p for p in SEEDS if "staff" in p.name)
    data = xlsform_write(instrument_parse(seed.read_text()), version=1)
    survey = sheet_rows(data, "survey")
    header = survey[0]
    rows = [dict(zip(header, row, strict=True)) for row in survey[1:]]
    grid = [r for r in rows if r["type"] == "begin group" and r["appearance"] == "field-list"]
    assert [g["name"] for g in grid] == ["survey"]
    items = [r for r in rows if r["appearance"] == "likert"]
    assert {r["type"] for r in items} == {"select_one agree4"}
    assert [r["name"] for r in items] == ["C1", "C2", "C3", "C4", "C5", "C6"]
    choices = sheet_rows(data, "choices")
    assert [row[1] for row in choices if row[0] == "agree4"] == ["4", "3", "2", "1"]
    assert sheet_rows(data, "settings") == [
        ("form_title", "form_id", "version", "default_language"),
        ("ILO Staff Questionnaire", "ilo-staff-questionnaire-2008", "1", "English (en)"),
    ]


def test_a_kobo_form_is_read_with_its_kinds_languages_and_bounds(tmp_path) -> None:
    data = workbook(KOBO_SURVEY, KOBO_CHOICES, KOBO_SETTINGS)
    xform(data, tmp_path)  # the sample itself is a valid XLSForm
    spec = xlsform_read(data)
    assert (spec["key"], spec["kind"], spec["languages"]) == (
        "work-survey",
        "questionnaire",
        ["en", "fr"],
    )
    assert spec["title"] == {"en": "Work survey", "fr": "Work survey"}
    profile, opinions = spec["sections"]
    assert (profile["key"], profile["title"], profile["introduction"]) == (
        "profile", {"en": "Your work", "fr": "Votre travail"}, {"en": "About you", "fr": "Vous"}
    )  # fmt: skip
    kinds = {q["key"]: q["kind"] for s in spec["sections"] for q in s["questions"]}
    assert kinds == {
        "works": "single_choice", "years": "number", "areas": "multiple_choice", "mail": "email",
        "story": "long_text", "when": "date", "intro": "instruction", "o1": "likert",
        "o2": "likert", "share": "number",
    }  # fmt: skip
    works, years = profile["questions"][:2]
    assert works["required"] is True
    assert [c["code"] for c in works["choices"]] == ["y", "n"]
    assert works["choices"][1]["label"] == {"en": "No", "fr": "Non"}
    assert (years["min"], years["max"]) == (0, 60)
    assert opinions["questions"][-1]["min"] == 0.5
    (scale,) = spec["scales"]
    assert scale["key"] == "agree"
    assert [p["code"] for p in scale["points"]] == [1, 2]
    assert [p["code"] for p in scale["outside"]] == ["dk"]
    assert {q["block"] for q in opinions["questions"] if q["kind"] == "likert"} == {"grid"}
    assert years["show_if"] == {"question": "works", "equals": "y"}
    assert profile["questions"][4]["show_if"] == {"question": "areas", "in": ["b"]}
    # and it goes out and comes back the same
    again = xlsform_write(spec, version=1)
    assert xlsform_read(again) == spec
    xform(again, tmp_path)


def test_a_form_without_groups_or_settings_languages_gets_one_section() -> None:
    data = workbook(
        [["type", "name", "label"], ["text", "q1", "Name?"], ["integer", "q2", "Age?"]],
        settings=[["form_title", "form_id"], ["Flat", "flat"]],
    )
    spec = xlsform_read(data)
    assert spec["languages"] == ["en"]
    assert [(s["key"], [q["key"] for q in s["questions"]]) for s in spec["sections"]] == [
        ("section1", ["q1", "q2"])
    ]


def problem(survey, choices=None, settings_rows=None) -> ValidationProblem:
    data = workbook(survey, choices, settings_rows or KOBO_SETTINGS)
    with pytest.raises(ValidationProblem) as caught:
        xlsform_read(data)
    return caught.value


def row(**cells: str) -> list[str]:
    return [cells.get(column.split("::")[0], "") for column in HEAD]


def test_errors_name_the_sheet_row_and_column() -> None:
    found = problem(
        [
            HEAD,
            row(type="begin group", name="g", label="G"),
            row(type="geopoint", name="where", label="Where?"),
            row(type="integer", name="n", label="N", constraint=". > 3"),
            row(type="text", name="t", label="T", relevant="count-selected(${n}) > 1"),
            row(type="select_one nolist", name="s", label="S"),
            row(type="text", name="bad key!", label="K"),
            row(type="end group"),
        ]
    )
    errors = found.errors
    assert "the type “geopoint” has no counterpart" in errors["sheet survey, row 3, column type"][0]
    assert "(write . >= 1 and . <= 10)" in errors["sheet survey, row 4, column constraint"][0]
    assert (
        "“count-selected” has no counterpart" in (errors["sheet survey, row 5, column relevant"][0])
    )
    assert errors["sheet survey, row 6, column type"] == ["no list “nolist” in the choices sheet"]
    assert found.message.startswith("sheet survey, row 3, column type:")


def test_parser_rules_come_back_by_cell() -> None:
    found = problem(
        [
            ["type", "name", "label::English (en)", "label::French (fr)"],
            ["begin group", "g", "G", "G"],
            ["text", "bad key!", "K", "K"],
            ["text", "q2", "Only English", ""],
            ["select_one yn", "q3", "Q3", "Q3"],
            ["end group", "", "", ""],
        ],
        [["list_name", "name", "label::English (en)", "label::French (fr)"],
         ["yn", "y", "Yes", "Oui"], ["yn", "y", "Yes again", "Encore"]],
    )  # fmt: skip
    assert found.errors["sheet survey, row 3, column name"] == [
        "“bad key!” is not a key: use letters, digits, - _ ."
    ]
    assert found.errors["sheet survey, row 4, column label"] == ["missing translation: fr"]
    assert found.errors["sheet survey, row 5, column type"] == ["duplicate choice code(s): y"]


def test_structure_errors() -> None:
    found = problem(
        [
            ["type", "name", "label"],
            ["begin group", "a", "A"],
            ["begin group", "b", "B"],
            ["text", "x", "X"],
            ["end group", "", ""],
            ["begin repeat", "r", "R"],
            ["end group", "", ""],
            ["end group", "", ""],
            ["language", "", ""],
        ]
    )
    assert (
        "Likert block: its rows are select_one"
        in found.errors["sheet survey, row 4, column type"][0]
    )
    assert "repeats have no counterpart" in found.errors["sheet survey, row 6, column type"][0]
    assert found.errors["sheet survey, row 8, column type"] == [
        "“end group” without its “begin group”"
    ]


def test_unknown_language_and_missing_form_id() -> None:
    found = problem(
        [["type", "name", "label::Klingon (tlh)"], ["text", "q", "Q"]],
        settings_rows=[["form_title"], ["T"]],
    )
    assert (
        "unknown language “Klingon (tlh)”"
        in found.errors["sheet survey, row 1, column label::Klingon (tlh)"][0]
    )
    assert "“form_id” is required" in found.errors["sheet settings, row 2, column form_id"][0]


def test_a_form_in_french_only_is_asked_for_english() -> None:
    found = problem(
        [["type", "name", "label"], ["text", "q", "Nom ?"]],
        settings_rows=[["form_title", "form_id", "default_language"], ["T", "t", "French (fr)"]],
    )
    assert found.errors == {
        "sheet survey, row 1": [
            "the form has no English texts: add label::English (en) columns (an instrument is "
            "in English, and in other languages beside it)"
        ]
    }


def test_a_workbook_without_survey_and_other_bytes() -> None:
    book = openpyxl.Workbook()
    book.worksheets[0].append(["type", "name"])
    out = io.BytesIO()
    book.save(out)
    data_without_survey = out.getvalue()
    with pytest.raises(ValidationProblem, match="no “survey” sheet"):
        instrument_file_text(data_without_survey)
    with pytest.raises(ValidationProblem, match="neither an XLSForm workbook"):
        instrument_file_text(b"\xff\xfe not text")
    assert instrument_file_text(b"key: x\n") == "key: x\n"
    assert not is_workbook(b"PK\x03\x04 broken zip")


SKIP_SPEC_YAML = """\
consulta_instrument: 1
key: skip-form
kind: questionnaire
languages: [en, fr]
title: {en: Skips, fr: Sauts}
sections:
  - key: A
    title: {en: First, fr: Premier}
    questions:
      - key: A1
        kind: single_choice
        text: {en: "Works?", fr: "Travaille ?"}
        choices:
          - {code: y, label: {en: "Yes", fr: Oui}}
          - {code: n, label: {en: "No", fr: Non}}
      - key: A2
        kind: number
        text: {en: "Years?", fr: "Années ?"}
        min: 0
      - key: A3
        kind: multiple_choice
        text: {en: Areas, fr: Domaines}
        choices:
          - {code: a, label: {en: A, fr: A}}
          - {code: b, label: {en: B, fr: B}}
  - key: B
    title: {en: Second, fr: Second}
    questions:
      - key: B1
        kind: long_text
        text: {en: "Why?", fr: "Pourquoi ?"}
"""
SKIPS = {
    ("A", "A2"): {"question": "A1", "equals": "y"},
    ("A", "A3"): {"all": [{"question": "A2", "gt": 3}, {"question": "A1", "answered": True}]},
    ("B", "B1"): {"question": "A3", "not_in": ["a"]},
}
SECTION_SKIP = {"any": [{"question": "A3", "in": ["a", "b"]}, {"question": "A2", "lte": 2}]}


def skip_spec() -> dict:
    """A spec with conditions on questions and a section, as the skip-logic parser makes it."""
    spec = instrument_parse(SKIP_SPEC_YAML)
    for section in spec["sections"]:
        section["show_if"] = SECTION_SKIP if section["key"] == "B" else None
        for q in section["questions"]:
            q["show_if"] = SKIPS.get((section["key"], q["key"]))
    return spec


def test_a_skip_logic_instrument_goes_out_as_relevant_that_pyxform_accepts(tmp_path) -> None:
    spec = skip_spec()
    data = xlsform_write(spec, version=1)
    form = xform(data, tmp_path)
    assert "relevant=\" /data/A/A1  = 'y'\"" in form
    survey = sheet_rows(data, "survey")
    relevant = {row[1]: row[survey[0].index("relevant")] for row in survey[1:]}
    assert relevant["A3"] == "${A2} > 3 and ${A1} != ''"
    assert relevant["B"] == "(selected(${A3}, 'a') or selected(${A3}, 'b')) or ${A2} <= 2"
    assert relevant["B1"] == "${A3} != '' and not(selected(${A3}, 'a'))"
    assert xlsform_read(data) == spec


def test_a_relevant_on_a_later_question_is_refused_at_its_cell() -> None:
    survey = [list(r) for r in KOBO_SURVEY]
    survey[3][7] = "${years} > 2"  # on row 4, "works" reads "years" of row 5
    found = problem(survey, KOBO_CHOICES)
    assert found.errors == {
        "sheet survey, row 4, column relevant": [
            "question “years” comes later (or is this one): a condition can only read an answer "
            "given before it"
        ]
    }


FILE_AND_CONSENT_YAML = """\
consulta_instrument: 1
key: returns
kind: questionnaire
languages: [en]
title: {en: Country summary}
consent:
  notice: {en: "We keep your file for the evaluation only."}
  checkbox: {en: "I agree"}
sections:
  - key: A
    title: {en: Summary}
    questions:
      - key: summary
        kind: file
        text: {en: "Upload the corrected country summary"}
        accept: [pdf, docx]
        max_size: 5MB
"""


def test_a_file_question_and_the_consent_page_go_out_and_come_back(tmp_path) -> None:
    spec = instrument_parse(FILE_AND_CONSENT_YAML)
    data = xlsform_write(spec, version=1)
    xform(data, tmp_path)  # ODK's converter takes the file question
    survey = sheet_rows(data, "survey")
    (row,) = [r for r in survey[1:] if r[1] == "summary"]
    assert row[0] == "file"
    again = xlsform_read(data)
    assert again == spec
    (question,) = again["sections"][0]["questions"]
    assert (question["kind"], question["accept"], question["max_size"]) == (
        "file", ["pdf", "docx"], 5 * 1024 * 1024,
    )  # fmt: skip
    assert again["consent"]["checkbox"] == {"en": "I agree"}
