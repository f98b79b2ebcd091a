"""The analysis's sheets in the evaluation workbook, read back with openpyxl: a viewer gets
the matrix, the codebook and the tallies suppressed, never the excerpts; an evaluator gets
the excerpts they may read, with their attribution."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from analysis.services.codings import coding_create
from analysis.services.matrix import criterion_save, question_save
from evaluations.permissions import SYSTEM
from reports.workbook import workbook_write
from tests.analysis.builders import answered, codes, noted, open_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(evaluation):
    criterion = criterion_save(evaluation=evaluation, by=SYSTEM, label="R", name="Relevance")
    question_save(criterion=criterion, by=SYSTEM, number="a.1", text="Is it relevant?")
    book = codes(evaluation)
    for answer in open_answers(answered(evaluation, "team", *["Government"] * 6, "Donor"))[:4]:
        coding_create(evaluation=evaluation, by=SYSTEM, answer=answer, start=0, end=7,
                      codes=[book["funding"]])  # fmt: skip
    secret = open_answers(answered(evaluation, "lead", "Government"))[0]
    coding_create(evaluation=evaluation, by=SYSTEM, answer=secret, start=8, end=11,
                  codes=[book["unions"]])  # fmt: skip
    coding_create(evaluation=evaluation, by=SYSTEM, note=noted(evaluation), start=4, end=12,
                  codes=[book["unions"]])  # fmt: skip
    return evaluation


def sheets(evaluation, user=None):
    out = io.BytesIO()
    workbook_write(out, evaluation=evaluation, user=user)
    book = load_workbook(io.BytesIO(out.getvalue()))
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


def test_a_viewer_gets_the_framework_and_suppressed_tallies_not_excerpts(coded):
    found = sheets(coded)
    assert {"Evaluation matrix", "Codebook", "Code tallies"} <= set(found)
    assert "Coded excerpts" not in found
    assert found["Evaluation matrix"][1][:4] == ["R", "Relevance", None, "a.1"]
    assert [row[1] for row in found["Codebook"][1:]] == ["Funding", "Funding > Shortfall", "Unions"]
    tallies = found["Code tallies"]
    assert tallies[1][0] == "Stakeholder group"
    funding = next(row for row in tallies if row[0] == "Funding")
    assert funding[1:3] == ["<5", "<5"]  # Donor (n 1) hidden, and Government with it
    assert funding[-1] == "about a third of the 10 people"  # 4 of 7 + 1 + 2 participants


def test_an_evaluator_gets_the_excerpts_they_may_read(coded, team):
    found = sheets(coded, team["evaluator"].user)
    excerpts = found["Coded excerpts"]
    assert excerpts[0][:3] == ["Codes", "Excerpt", "Attribution"]
    texts = [row[1] for row in excerpts[1:]]
    assert texts.count("Funding") == 4 and "official" in texts
    assert "was" not in texts  # the lead-only excerpt stays with the lead
    assert "an official in Nairobi" in [row[2] for row in excerpts[1:]]
    assert "a respondent (Government, Africa)" in [row[2] for row in excerpts[1:]]


def test_an_evaluation_without_analysis_gets_no_analysis_sheets(evaluation):
    assert not {"Evaluation matrix", "Codebook", "Code tallies"} & set(sheets(evaluation))
