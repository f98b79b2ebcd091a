"""The evaluation matrix: default criteria, questions and planned sources, and its files (CSV,
XLSX, YAML) read back exactly, through the services and the commands."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from analysis.formats.matrix_format import MatrixSource, matrix_file, read_matrix
from analysis.models import Criterion, EvaluationQuestion, PlannedSource
from analysis.selectors.matrix import matrix_of
from analysis.services.matrix import (
    criteria_defaults,
    criterion_save,
    matrix_replace,
    question_save,
    sources_set,
)
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from questionnaires.services import instrument_load
from stakeholders.models import StakeholderGroup
from stakeholders.services.groups import group_delete
from tests.conftest import STAFF_FILE
from tests.factories import EvaluationFactory

pytestmark = pytest.mark.django_db
STAFF = "ilo-staff-questionnaire-2008"


@pytest.fixture
def matrix(evaluation, team, staff_version):
    lead = team["lead"].user
    relevance, design = criteria_defaults(evaluation=evaluation, by=lead)[:2]
    a3 = question_save(
        criterion=relevance, by=lead, number="a.3", text="Is the  strategy relevant?"
    )
    a4 = question_save(criterion=relevance, by=lead, number="a.4", text="=SUM(A1) a formula?")
    question_save(criterion=design, by=lead, number="b.1", text="Were indicators set?")
    sources_set(
        question=a3,
        by=lead,
        sources=[
            MatrixSource("question", f"{STAFF}:1:B1"),
            MatrixSource("group", "Governments"),  # an alias
            MatrixSource("document", "Programme and Budget 2006-07\nsecond line"),
        ],
    )
    sources_set(question=a4, by=lead, sources=[MatrixSource("document", "-minus first")])
    return evaluation


def test_defaults_are_the_six_criteria_once(evaluation, team):
    made = criteria_defaults(evaluation=evaluation, by=team["lead"].user)
    again = criteria_defaults(evaluation=evaluation, by=team["lead"].user)
    assert [c.label for c in made] == [
        "Relevance", "Design", "Effectiveness", "Efficiency", "Management", "Impact"
    ]  # fmt: skip
    assert again == []
    assert Criterion.objects.get(evaluation=evaluation, label="Relevance").name == (
        "Relevance and strategic fit"
    )
    assert len(Criterion.objects.get(label="Efficiency").description) > 60


def test_viewer_and_data_entry_cannot_change_the_matrix(evaluation, team):
    for role in ("viewer", "data_entry"):
        with pytest.raises(PermissionDenied):
            criteria_defaults(evaluation=evaluation, by=team[role].user)
    assert not Criterion.objects.exists()


def test_question_numbers_are_unique_in_an_evaluation(matrix, team):
    criterion = Criterion.objects.get(evaluation=matrix, label="Design")
    with pytest.raises(ValidationProblem, match=r"already a question numbered a\.3"):
        question_save(criterion=criterion, by=team["lead"].user, number="a.3", text="Again?")


def test_text_is_stored_as_a_cell_reads_it(matrix):
    assert EvaluationQuestion.objects.get(number="a.3").text == "Is the strategy relevant?"


def test_unknown_sources_are_refused_with_where(matrix, team):
    question = EvaluationQuestion.objects.get(number="a.3")
    with pytest.raises(ValidationProblem, match="no instrument question “nope:1:B1”"):
        sources_set(
            question=question, by=team["lead"].user, sources=[MatrixSource("question", "nope:1:B1")]
        )
    with pytest.raises(ValidationProblem, match="no stakeholder group “Martians”"):
        sources_set(
            question=question, by=team["lead"].user, sources=[MatrixSource("group", "Martians")]
        )
    assert question.sources.count() == 3  # unchanged


@pytest.mark.parametrize("form", ["csv", "xlsx", "yaml"])
def test_export_import_export_is_exact(matrix, staff_version, form):
    first = matrix_file(matrix_of(user=SYSTEM, evaluation=matrix), form)
    other = EvaluationFactory()
    # the other evaluation has the same instrument, for the question sources
    instrument_load(evaluation=other, text=STAFF_FILE.read_text(), by=SYSTEM)
    criteria = read_matrix(first, f"matrix.{form}")
    matrix_replace(evaluation=other, by=SYSTEM, criteria=criteria)
    second = matrix_file(matrix_of(user=SYSTEM, evaluation=other), form)
    if form == "xlsx":
        assert read_matrix(second, "m.xlsx") == read_matrix(first, "m.xlsx")
    else:
        assert second == first
    assert matrix_of(user=SYSTEM, evaluation=other) == matrix_of(user=SYSTEM, evaluation=matrix)
    sources = PlannedSource.objects.filter(question__evaluation=other, question__number="a.3")
    assert [s.kind for s in sources] == ["question", "group", "document"]
    assert sources[0].instrument_question.version.instrument.evaluation == other
    assert sources[1].stakeholder_group.name == "Government"


def test_csv_keeps_formula_text_as_text(matrix):
    data = matrix_file(matrix_of(user=SYSTEM, evaluation=matrix), "csv").decode()
    assert "'=SUM(A1) a formula?" in data
    assert "'-minus first" in data


def test_import_updates_in_place_and_removes_what_is_gone(matrix):
    question = EvaluationQuestion.objects.get(number="a.3")
    criteria = matrix_of(user=SYSTEM, evaluation=matrix)
    criteria[0].questions[0].text = "Changed?"
    del criteria[1:]  # only Relevance stays
    counts = matrix_replace(evaluation=matrix, by=SYSTEM, criteria=criteria)
    assert counts == {"criteria": 1, "questions": 2, "sources": 4}
    question.refresh_from_db()
    assert question.text == "Changed?"  # same row: codes linked to it stay linked
    assert list(Criterion.objects.filter(evaluation=matrix).values_list("label", flat=True)) == [
        "Relevance"
    ]


def test_bad_rows_are_refused_with_their_row_number(matrix):
    text = (
        "Criterion,Criterion name,Criterion description,Question number,Question,"
        "Source kind,Source\n"
        "R,Relevance,,a.1,Why?,group,Government\n"
        "R,Relevance,,a.1,Why?,colour,blue\n"
    )
    with pytest.raises(ValidationProblem, match="Row 3: the source kind “colour”"):
        read_matrix(text.encode(), "m.csv")
    with pytest.raises(ValidationProblem, match="criterion 1: “name” is missing"):
        read_matrix(b"criteria:\n- label: R\n", "m.yaml")


def test_commands_round_trip_and_refuse_bad_files(matrix, tmp_path):
    out = io.StringIO()
    call_command("matrix_export", evaluation=matrix.slug, format="yaml", stdout=out)
    path = tmp_path / "m.yaml"
    path.write_text(out.getvalue())
    criterion = Criterion.objects.get(evaluation=matrix, label="Design")
    criterion_save(evaluation=matrix, by=SYSTEM, criterion=criterion, label="Design", name="Other")
    done = io.StringIO()
    call_command("matrix_import", str(path), evaluation=matrix.slug, stdout=done)
    assert "Imported 6 criteria, 3 evaluation questions and 4 planned sources" in done.getvalue()
    assert Criterion.objects.get(pk=criterion.pk).name == "Validity of design"
    path.write_text("criteria: 3\n")
    with pytest.raises(CommandError, match="must be a list"):
        call_command("matrix_import", str(path), evaluation=matrix.slug)
    xlsx = tmp_path / "m.xlsx"
    call_command(
        "matrix_export",
        evaluation=matrix.slug,
        format="xlsx",
        output=str(xlsx),
        stdout=io.StringIO(),
    )
    assert read_matrix(xlsx.read_bytes(), "m.xlsx") == matrix_of(user=SYSTEM, evaluation=matrix)


def test_a_draft_replaced_takes_its_planned_sources_with_it(matrix, staff_version):
    assert not staff_version.is_frozen
    changed = STAFF_FILE.read_text().replace("title: ILO Staff Questionnaire", "title: Changed", 1)
    result = instrument_load(evaluation=matrix, text=changed, by=SYSTEM)
    assert result.outcome == "draft replaced"
    sources = PlannedSource.objects.filter(question__number="a.3")
    assert [s.kind for s in sources] == ["group", "document"]


def test_an_unused_group_deleted_takes_its_planned_sources_with_it(matrix):
    donor = StakeholderGroup.objects.get(code="donor")
    question = EvaluationQuestion.objects.get(number="b.1")
    sources_set(question=question, by=SYSTEM, sources=[MatrixSource("group", "Donor")])
    group_delete(by=SYSTEM, group=donor)
    assert not question.sources.exists()
