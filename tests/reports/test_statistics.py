"""SPSS, Stata and R: the responses written as .sav, .dta and CSV + R script, read back with
pyreadstat (values, variable labels, value labels, missing-value codes), with their codebook;
the same responses as the Raw sheet gives the same user."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile

import pyreadstat
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from evaluations.permissions import SYSTEM
from questionnaires.models import Distribution, Question, Section
from questionnaires.services import instrument_load
from reports.statistics import statistics_write, variables
from reports.statistics.variables import Namer, _applies_when, coded_values
from tests.reports.builders import survey

pytestmark = pytest.mark.django_db

LONG = (
    "How far do you agree that the programme's technical assistance " + "really " * 40 + "helped?"
)


def t(en: str, fr: str = "") -> str:
    """A text in English and French, as YAML."""
    french = fr or f"(fr) {en}"
    return f"{{en: {json.dumps(en)}, fr: {json.dumps(french)}}}"


STATS_YAML = f"""\
consulta_instrument: 1
key: stats-check
kind: questionnaire
languages: [en, fr]
title: {t("Statistics check")}
scales:
- key: agree4dk
  name: {t("Agreement")}
  points:
  - {{code: 4, label: {t("Strongly agree", "Tout à fait d'accord")}}}
  - {{code: 3, label: {t("Agree")}}}
  - {{code: 2, label: {t("Disagree")}}}
  - {{code: 1, label: {t("Strongly disagree")}}}
  outside:
  - {{code: dk, label: {t("Don't know", "Ne sait pas")}}}
  - {{code: na, label: {t("Not applicable")}}}
sections:
- key: S
  title: {t("All")}
  questions:
  - key: colour
    kind: single_choice
    text: {t("Favourite colour?", "Couleur préférée ?")}
    choices:
    - {{code: r, label: {t("Red")}}}
    - {{code: o, label: {t("Other")}, other: true}}
  - key: years
    kind: single_choice
    text: {t("Years in the post")}
    choices:
    - {{code: 1, label: {t("Less than one")}}}
    - {{code: 5, label: {t("One to five")}}}
  - key: tools
    kind: multiple_choice
    text: {t("Tools used?")}
    choices:
    - {{code: mail, label: {t("E-mail")}}}
    - {{code: tel, label: {t("Telephone")}}}
    - {{code: x, label: {t("Something else")}, other: true}}
  - {{key: staff, kind: number, text: {t("How many staff?")}}}
  - {{key: since, kind: date, text: {t("Since when?")}}}
  - key: views
    kind: long_text
    text: {t("Your views")}
    applies_to: {{attribute: region, in: [Africa]}}
  - {{key: "if", kind: short_text, text: {t("A reserved word")}}}
  - {{key: L1, kind: likert, text: {t(LONG)}, scale: agree4dk, block: b}}
  - {{key: L2, kind: likert, text: {t("It works")}, scale: agree4dk, block: b}}
"""

ANSWERS = {
    "colour": "o",
    "colour__other": "Teal",
    "years": "5",
    "tools": ["mail", "x"],
    "tools__other": "Fax",
    "staff": "12.5",
    "since": "2020-01-31",
    "views": "=1+1 and more",
    "if": "été",
    "L1": "4",
    "L2": "dk",
}


@pytest.fixture
def distribution(evaluation, team) -> Distribution:
    return stats_distribution(evaluation)


def stats_distribution(evaluation) -> Distribution:
    """Three responses: every kind of answer (team), a sparse one (team), one for the lead."""
    version = instrument_load(evaluation=evaluation, text=STATS_YAML, by=SYSTEM).version
    return survey(
        evaluation,
        version,
        [
            {"attributes": {"region": "Africa"}, "answers": ANSWERS, "route": "team"},
            {
                "attributes": {"region": "Asia"},
                "answers": {"L1": "na", "tools": ["tel"]},
                "route": "team",
            },
            {"answers": {"L1": "1", "if": "lead only"}, "route": "lead"},
        ],
        confidentiality=Distribution.Confidentiality.RESPONDENT,
        title="Staff survey — été",
    )


def by_name(distribution):
    return {v.name: v for v in variables(distribution)}


# --- variables ------------------------------------------------------------------------------


def test_names_are_valid_unique_and_renaming_is_recorded() -> None:
    namer = Namer()
    assert namer.name("Q1") == ("Q1", "")
    assert namer.name("q1") == ("q1_2", "q1")  # SPSS names ignore case
    assert namer.name("2nd-question") == ("v2nd_question", "2nd-question")
    assert namer.name("if") == ("if_", "if")
    assert namer.name("str12") == ("str12_", "str12")
    long = "a" * 40
    first, renamed = namer.name(long)
    assert first == "a" * 32 and renamed == long
    assert namer.name(long)[0] == "a" * 30 + "_2"


def test_codes_are_numbers_where_they_are_and_missing_codes_follow_the_scale() -> None:
    values = coded_values(
        [("4", {"en": "SA"}, True), ("1", {"en": "SD"}, True), ("dk", {"en": "DK"}, False)]
    )
    assert [(v.number, v.code, v.missing) for v in values] == [
        (4, "4", False),
        (1, "1", False),
        (97, "dk", True),
    ]
    letters = coded_values([("r", {}, True), ("g", {}, True)])
    assert [(v.number, v.code) for v in letters] == [(1, "r"), (2, "g")]
    wide = coded_values([("0", {}, True), ("95", {}, True), ("x", {}, False)])
    assert wide[-1].number == 997


def test_variables_of_every_kind(distribution) -> None:
    found = by_name(distribution)
    assert list(found) == [
        "response", "submitted_at", "channel", "region",
        "colour", "colour_other", "years",
        "tools_mail", "tools_tel", "tools_x", "tools_other",
        "staff", "since", "views", "if_", "L1", "L2",
    ]  # fmt: skip
    assert found["if_"].renamed_from == "if"
    assert [(v.number, v.code) for v in found["years"].values] == [(1, "1"), (5, "5")]
    assert found["L1"].texts["en"] == LONG
    assert found["tools_x"].texts["en"] == "Tools used?: Something else"
    assert found["views"].applies_when == "Region is Africa"


def test_applies_when_describes_conditions_on_earlier_answers() -> None:
    question = Question(key="L3", applies_to={"attribute": "region", "in": ["Africa", "Asia"]})
    question.section = Section(key="S")
    question.show_if = {"question": "colour", "equals": "r"}  # the skip-logic field, when merged
    names = {"colour": "A1", "colour:r": "Red"}
    assert _applies_when(question, "en", names) == "Region is Africa / Asia; A1 is “Red”"


# --- SPSS ------------------------------------------------------------------------------------


def test_sav_reads_back_with_values_labels_and_missing_codes(distribution, team, tmp_path) -> None:
    path = tmp_path / "out.sav"
    written = statistics_write(
        path, distribution=distribution, user=team["lead"].user, format="sav"
    )
    assert written.responses == 3
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["colour"] == "Favourite colour?"
    assert len(labels["L1"].encode()) <= 256 and labels["L1"].endswith("…")
    assert meta.variable_value_labels["L1"] == {
        4.0: "Strongly agree",
        3.0: "Agree",
        2.0: "Disagree",
        1.0: "Strongly disagree",
        97.0: "Don't know",
        98.0: "Not applicable",
    }
    assert meta.variable_value_labels["colour"] == {1.0: "Red", 2.0: "Other"}
    assert meta.missing_ranges["L1"] == [{"lo": 97.0, "hi": 97.0}, {"lo": 98.0, "hi": 98.0}]
    assert meta.variable_measure["L1"] == "ordinal"
    rows = {row["if_"]: row for row in frame.to_dict("records")}
    full = rows["été"]
    assert full["colour"] == 2 and full["colour_other"] == "Teal" and full["years"] == 5
    assert (full["tools_mail"], full["tools_tel"], full["tools_x"]) == (1, 0, 1)
    assert full["tools_other"] == "Fax" and full["staff"] == 12.5
    assert full["since"] == dt.date(2020, 1, 31) and full["views"] == "=1+1 and more"
    assert (full["L1"], full["L2"]) == (4, 97) and full["region"] == "Africa"
    sparse = rows[""]
    assert sparse["L1"] == 98 and sparse["tools_tel"] == 1 and sparse["tools_mail"] == 0
    assert frame["colour"].isna().sum() == 2  # unanswered: system-missing
    # Read as SPSS users see them by default: the missing codes are missing.
    plain, _meta = pyreadstat.read_sav(str(path))
    assert sorted(plain["L1"].dropna()) == [1.0, 4.0]


def test_team_member_gets_no_lead_only_response(distribution, team, tmp_path) -> None:
    path = tmp_path / "team.sav"
    written = statistics_write(
        path, distribution=distribution, user=team["evaluator"].user, format="sav"
    )
    frame, _meta = pyreadstat.read_sav(str(path))
    assert written.responses == 2 and "lead only" not in set(frame["if_"])


def test_viewer_may_not_export(distribution, team, tmp_path) -> None:
    with pytest.raises(PermissionDenied):
        statistics_write(
            tmp_path / "x.sav", distribution=distribution, user=team["viewer"].user, format="sav"
        )
    assert not (tmp_path / "x.sav").exists()


def test_anonymous_responses_keep_the_day_only(evaluation, team, tmp_path) -> None:
    version = instrument_load(evaluation=evaluation, text=STATS_YAML, by=SYSTEM).version
    anonymous = survey(
        evaluation,
        version,
        [{"answers": {"L1": "3"}, "name": "Ada Lovelace"}],
        confidentiality=Distribution.Confidentiality.ANONYMOUS,
    )
    path = tmp_path / "anonymous.sav"
    statistics_write(path, distribution=anonymous, user=team["lead"].user, format="sav")
    frame, meta = pyreadstat.read_sav(str(path))
    (row,) = frame.to_dict("records")
    assert isinstance(row["submitted_at"], dt.date) and not isinstance(
        row["submitted_at"], dt.datetime
    )
    assert "Ada" not in str(row) and row["L1"] == 3
    assert meta.original_variable_types["submitted_at"].startswith("DATE")


# --- Stata -----------------------------------------------------------------------------------


def test_dta_reads_back_with_extended_missing_values(distribution, team, tmp_path) -> None:
    path = tmp_path / "out.dta"
    statistics_write(path, distribution=distribution, user=team["lead"].user, format="dta")
    frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert len(labels["L1"]) == 80 and LONG.startswith(labels["L1"][:-1])
    # pyreadstat lists the missing letters found in the data: "Not applicable" in L1, "Don't
    # know" in L2.
    assert meta.missing_user_values == {"L1": ["b"], "L2": ["a"]}
    assert meta.variable_value_labels["L1"] == {
        4: "Strongly agree",
        3: "Agree",
        2: "Disagree",
        1: "Strongly disagree",
        "a": "Don't know",
        "b": "Not applicable",
    }
    rows = {row["if_"]: row for row in frame.to_dict("records")}
    assert rows["été"]["L2"] == "a" and rows[""]["L1"] == "b" and rows["lead only"]["L1"] == 1
    assert rows["été"]["tools_x"] == 1 and rows["été"]["since"] == dt.date(2020, 1, 31)


# --- CSV and R -------------------------------------------------------------------------------


def test_csv_with_r_script_and_codebook(distribution, team, tmp_path) -> None:
    path = tmp_path / "survey.csv"
    written = statistics_write(
        path, distribution=distribution, user=team["lead"].user, format="csv"
    )
    assert written.paths == [
        str(path),
        str(tmp_path / "survey.R"),
        str(tmp_path / "survey-codebook.csv"),
    ]
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    full = next(r for r in rows if r["if_"] == "été")
    assert full["L1"] == "4" and full["L2"] == "97" and full["staff"] == "12.5"
    assert full["views"] == "'=1+1 and more"  # kept from spreadsheets; the script unquotes
    assert full["tools_tel"] == "0" and full["since"] == "2020-01-31"
    script = (tmp_path / "survey.R").read_text(encoding="utf-8")
    assert 'csv_file <- "survey.csv"' in script
    assert "read.csv(" in script and 'fileEncoding = "UTF-8"' in script
    assert '"L1" = c(\n    "Strongly agree" = 4,' in script
    assert '"L1" = c(97, 98)' in script
    assert "if (ordered) kept <- sort(kept)" in script  # Likert factors: 1 < 2 < 3 < 4
    assert '"if_" = "A reserved word"' in script
    assert "haven::labelled_spss" in script and 'requireNamespace("haven"' in script
    assert '"if_" = "character"' in script and '"staff" = "numeric"' in script
    assert script.count("(") == script.count(")") and script.count("{") == script.count("}")
    book = list(csv.reader(io.StringIO((tmp_path / "survey-codebook.csv").read_text("utf-8"))))
    names = [row[0] for row in book[1:]]
    assert names == list(by_name(distribution))  # every variable


def test_codebook_lines(distribution, team, tmp_path) -> None:
    path = tmp_path / "book.csv"
    call_command(
        "export_codebook",
        evaluation=distribution.evaluation.slug,
        distribution=str(distribution.pk),
        output=str(path),
        user=team["evaluator"].user.email,
    )
    header, *rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    line = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert header[3:5] == ["Label (en)", "Label (fr)"]
    assert line["colour"]["Label (fr)"] == "Couleur préférée ?"
    assert line["if_"]["Renamed from"] == "if"
    assert line["L1"]["Label (en)"] == LONG  # whole, not cut
    assert line["L1"]["Values and labels"].startswith("4 = Strongly agree; 3 = Agree")
    assert "97 = Don't know [dk]" in line["L1"]["Values and labels"]
    assert line["L1"]["Missing-value codes"].endswith("Stata: .a = 97, .b = 98")
    assert line["views"]["Applies when"] == "Region is Africa"
    assert line["colour"]["Applies when"] == "Always"
    # The evaluator reads the two team responses: L1 answered by both (one "Not applicable").
    assert line["L1"]["n answered"] == "2" and line["if_"]["n answered"] == "1"
    assert line["tools_mail"]["n answered"] == "2"


def test_export_responses_command(distribution, team, tmp_path) -> None:
    out = io.StringIO()
    call_command(
        "export_responses",
        evaluation=distribution.evaluation.slug,
        distribution=str(distribution.pk),
        format="dta",
        output=str(tmp_path / "x.dta"),
        user=team["lead"].user.email,
        stdout=out,
    )
    assert "3 responses" in out.getvalue()
    with pytest.raises(CommandError, match="individual responses"):
        call_command(
            "export_responses",
            evaluation=distribution.evaluation.slug,
            distribution=str(distribution.pk),
            format="sav",
            output=str(tmp_path / "y.sav"),
            user=team["viewer"].user.email,
        )
    with pytest.raises(CommandError, match="No distribution"):
        call_command(
            "export_responses",
            evaluation=distribution.evaluation.slug,
            distribution="999999",
            format="sav",
            output=str(tmp_path / "z.sav"),
        )


def test_r_bundle_is_one_zip(distribution, team, tmp_path) -> None:
    path = tmp_path / "bundle.zip"
    statistics_write(
        path, distribution=distribution, user=team["lead"].user, format="csv", bundle="bundle"
    )
    with zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["bundle-codebook.csv", "bundle.R", "bundle.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bundle.zip"]
