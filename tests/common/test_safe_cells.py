"""Cells we write are safe: no formulas from people's text, no control characters, text within
Excel's limit, sheet names Excel accepts."""

from __future__ import annotations

import pytest

from common.spreadsheets import (
    CELL_MAX_CHARS,
    FORMULA_STARTS,
    safe_cell,
    safe_sheet_name,
    safe_text,
)


def test_control_characters_are_replaced_and_line_breaks_kept() -> None:
    assert safe_text("a\x00b\x07c\x1bd") == "a\ufffdb\ufffdc\ufffdd"
    assert safe_text("one\r\ntwo\rthree\nfour\tfive") == "one\ntwo\nthree\nfour\tfive"
    assert safe_text("\tstarts with a tab") == "\tstarts with a tab"
    assert safe_text("lone \ud800 surrogate") == "lone \ufffd surrogate"


def test_text_past_the_cell_limit_is_cut_with_a_visible_marker() -> None:
    cut = safe_text("x" * 40_000)
    assert len(cut) == CELL_MAX_CHARS
    assert cut.endswith("… [cut: 40,000 characters]")
    assert cut.startswith("x" * 32_000)
    assert safe_text("y" * CELL_MAX_CHARS) == "y" * CELL_MAX_CHARS


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Raw: Staff [2008] / HQ?", "Raw Staff 2008 HQ"),
        ("a*b\\c", "a b c"),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("[]:*?", "Sheet"),
        ("A questionnaire title far longer than thirty-one", "A questionnaire title far longe"),
    ],
)
def test_sheet_names_are_stripped_and_cut(name: str, expected: str) -> None:
    assert safe_sheet_name(name) == expected
    assert len(safe_sheet_name(name)) <= 31


def test_sheet_names_are_unique_whatever_the_case_and_recorded_as_taken() -> None:
    taken: set[str] = set()
    names = [safe_sheet_name(n, taken) for n in ["Raw", "raw", "RAW", "x" * 40, "x" * 35]]
    assert names == ["Raw", "raw (2)", "RAW (3)", "x" * 31, "x" * 27 + " (2)"]
    assert taken == set(names)
    assert safe_sheet_name("History") == "History (2)"  # Excel keeps that name for itself


def test_csv_cell_and_workbook_share_the_formula_starts() -> None:
    assert FORMULA_STARTS == ("=", "+", "-", "@", "\t", "\r")
    assert [safe_cell(v) for v in ["=1+1", "@SUM(A1)", "ok", 5]] == ["'=1+1", "'@SUM(A1)", "ok", 5]
