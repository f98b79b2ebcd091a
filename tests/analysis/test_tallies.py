"""Tallies: distinct people per code and attribute, n per column, suppression for viewers as
in the Likert tables, and the share in words."""

from __future__ import annotations

import pytest
from django.utils import translation

from analysis.selectors.tallies import code_tallies
from analysis.services.codings import coding_create
from analysis.services.wording import share_words_set
from analysis.wording import Thresholds, noun_of, share_words
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from interviews.services import ParticipantInput
from interviews.services.notes import note_add
from tests.analysis.builders import answered, codes, noted, open_answers
from tests.interviews.builders import group, log
from tests.reports.builders import staff_version

pytestmark = pytest.mark.django_db
GOV, WORKERS, NGO = "Government", "Workers' organisations", "NGO/civil society"


def code(evaluation, answer_or_note, *chosen):
    source = (
        {"answer": answer_or_note}
        if hasattr(answer_or_note, "response")
        else {"note": answer_or_note}
    )
    return coding_create(
        evaluation=evaluation, by=SYSTEM, start=0, end=7, codes=list(chosen), **source
    )


@pytest.fixture
def coded(evaluation, team):
    version = staff_version(evaluation)
    answers = open_answers(
        answered(evaluation, "team", *[GOV] * 6, *[WORKERS] * 2, version=version)
    )
    answers += open_answers(answered(evaluation, "lead", *[NGO] * 5, version=version))
    book = codes(evaluation)
    for answer in answers[:5]:  # five Government respondents
        code(evaluation, answer, book["funding"])
    code(evaluation, answers[0], book["funding"])  # a second excerpt: the same person
    code(evaluation, answers[6], book["funding"])  # one Workers respondent
    code(evaluation, answers[1], book["unions"])
    code(evaluation, answers[2], book["unions"])
    code(evaluation, answers[8], book["unions"])  # lead-only: counted, suppressed
    return evaluation, book


def cells(table, name):
    row = next(r for r in table.rows if r.code == name)
    return [c.count for c in row.cells], row.total.count


def test_the_lead_sees_distinct_people_unsuppressed(coded, team):
    evaluation, _book = coded
    table = code_tallies(
        user=team["lead"].user, evaluation=evaluation, by="stakeholder_group", unsuppressed=True
    )
    assert [(c.label, c.n) for c in table.columns] == [(GOV, 6), (NGO, 5), (WORKERS, 2)]
    assert table.n == 13 and table.noun == "respondents"
    assert cells(table, "Funding") == ([5, 0, 1], 6)
    assert cells(table, "Shortfall") == ([0, 0, 0], 0)
    assert cells(table, "Unions") == ([2, 1, 0], 3)
    funding = next(r for r in table.rows if r.code == "Funding")
    assert funding.cells[0].words == "most of the 6 respondents"
    assert funding.total.words == "about half of the 13 respondents"
    assert [r.depth for r in table.rows] == [1, 2, 1]


def test_a_viewer_sees_small_cells_suppressed(coded, team):
    evaluation, _book = coded
    table = code_tallies(user=team["viewer"].user, evaluation=evaluation, by="stakeholder_group")
    assert table.suppressed and table.threshold == 5
    # Workers (n 2) hidden whole, and the next smallest group with it; Government shown.
    assert [(c.label, c.n) for c in table.columns] == [(GOV, 6), (NGO, None), (WORKERS, None)]
    assert cells(table, "Funding") == ([5, None, None], 6)
    assert cells(table, "Unions") == ([None, None, None], 3)
    unions = next(r for r in table.rows if r.code == "Unions")
    assert [c.words for c in unions.cells] == ["", "", ""]
    assert table.hidden > 0
    with pytest.raises(Exception, match="unsuppressed"):
        code_tallies(
            user=team["evaluator"].user, evaluation=evaluation, by="region", unsuppressed=True
        )


def test_by_instrument_and_an_unknown_attribute(coded, team):
    evaluation, _book = coded
    table = code_tallies(
        user=team["lead"].user, evaluation=evaluation, by="instrument", unsuppressed=True
    )
    assert [c.label for c in table.columns] == ["ilo-staff-questionnaire-2008"]
    assert cells(table, "Funding") == ([6], 6)
    with pytest.raises(ValidationProblem, match="Tally by one of"):
        code_tallies(user=team["lead"].user, evaluation=evaluation, by="colour")


def test_interview_participants_count_once_and_groups_by_headcount(evaluation, team):
    book = codes(evaluation)
    note = noted(evaluation)  # Ana (Government) and Ben (Workers)
    code(evaluation, note, book["funding"])
    code(evaluation, note, book["funding"])  # twice: still the same two people
    group_interview = log(
        evaluation,
        ParticipantInput(group_label="Ministry team", headcount=4, stakeholder_group=group("ngo")),
        ParticipantInput(group_label="Delegates", stakeholder_group=group("ngo")),
    )
    other = note_add(interview=group_interview, by=SYSTEM, text="The delegates agreed fully.")
    code(evaluation, other, book["funding"])
    table = code_tallies(
        user=team["lead"].user, evaluation=evaluation, by="stakeholder_group", unsuppressed=True
    )
    assert table.noun == "participants"
    assert [(c.label, c.n, c.n_at_least) for c in table.columns] == [
        (GOV, 1, False), (NGO, 4, True), (WORKERS, 1, False)
    ]  # fmt: skip
    funding = next(r for r in table.rows if r.code == "Funding")
    assert [(c.count, c.at_least) for c in funding.cells] == [(1, False), (4, True), (1, False)]
    assert (funding.total.count, funding.total.at_least) == (6, True)


@pytest.mark.parametrize(
    ("count", "n", "words"),
    [
        (0, 28, "none of the 28 respondents"),
        (1, 28, "one of the 28 respondents"),
        (3, 28, "few of the 28 respondents"),
        (7, 28, "about a quarter of the 28 respondents"),
        (10, 28, "about a third of the 28 respondents"),
        (14, 28, "about half of the 28 respondents"),
        (15, 28, "a majority of the 28 respondents"),
        (21, 28, "most of the 28 respondents"),
        (28, 28, "all 28 respondents"),
        (3, 0, ""),
    ],
)
def test_share_words(count, n, words):
    assert share_words(count, n, "respondents") == words


def test_thresholds_are_set_per_evaluation_by_the_lead(coded, team):
    evaluation, _book = coded
    assert (
        share_words(15, 28, "respondents", Thresholds(most_from=52)) == "most of the 28 respondents"
    )
    with pytest.raises(ValidationProblem, match="must rise"):
        share_words_set(evaluation=evaluation, by=team["lead"].user, few_below=30,
                        quarter_below=20, third_below=40, most_from=75)  # fmt: skip
    share_words_set(evaluation=evaluation, by=team["lead"].user, few_below=20,
                    quarter_below=30, third_below=50, most_from=90)  # fmt: skip
    table = code_tallies(
        user=team["lead"].user, evaluation=evaluation, by="region", unsuppressed=True
    )
    funding = next(r for r in table.rows if r.code == "Funding")
    assert funding.total.words == "about a third of the 13 respondents"  # 6/13 = 46 % < 50


def test_share_words_speak_french_and_spanish():
    with translation.override("fr"):
        assert share_words(15, 28, noun_of(True, False)) == "une majorité des 28 répondants"
    with translation.override("es"):
        assert share_words(10, 28, noun_of(False, True)) == (
            "alrededor de un tercio de los 28 participantes"
        )
