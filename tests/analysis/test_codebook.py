"""The codebook: three levels at most, names unique among siblings, and the REFI-QDA .qdc
file exported and imported into another evaluation giving the identical codebook."""

from __future__ import annotations

import csv
import io

import pytest
from defusedxml.ElementTree import fromstring
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from analysis.formats.qdc import NS, codebook_csv, qdc_bytes, read_qdc
from analysis.models import Code
from analysis.selectors.codebook import codebook_of
from analysis.services.codebook import code_save, codebook_import
from analysis.services.matrix import criterion_save, question_save
from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from tests.factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def with_questions(evaluation, *numbers):
    criterion = criterion_save(evaluation=evaluation, by=SYSTEM, label="R", name="Relevance")
    for number in numbers:
        question_save(criterion=criterion, by=SYSTEM, number=number, text=f"Question {number}?")
    return evaluation


@pytest.fixture
def codebook(evaluation):
    with_questions(evaluation, "a.1", "a.3")
    partners = code_save(
        evaluation=evaluation, by=SYSTEM, name="Partners", description="Who works with whom",
        color="#ff8800", questions=["a.3"],
    )  # fmt: skip
    unions = code_save(evaluation=evaluation, by=SYSTEM, name="Unions", parent=partners)
    code_save(
        evaluation=evaluation, by=SYSTEM, name="Domestic workers' unions", parent=unions,
        description="Line one\nline two & <three>", questions=["a.1", "a.3"],
    )  # fmt: skip
    code_save(evaluation=evaluation, by=SYSTEM, name="Funding")
    return evaluation


def test_codes_go_three_levels_deep_at_most(codebook):
    deepest = Code.objects.get(name="Domestic workers' unions")
    with pytest.raises(ValidationProblem, match="three levels deep at most"):
        code_save(evaluation=codebook, by=SYSTEM, name="Too deep", parent=deepest)
    unions = Code.objects.get(name="Unions")
    funding = Code.objects.get(name="Funding")
    partners = Code.objects.get(name="Partners")
    with pytest.raises(ValidationProblem, match="three levels deep at most"):
        code_save(evaluation=codebook, by=SYSTEM, code=partners, name="Partners", parent=funding)
    with pytest.raises(ValidationProblem, match="under itself"):
        code_save(evaluation=codebook, by=SYSTEM, code=partners, name="Partners", parent=unions)
    code_save(evaluation=codebook, by=SYSTEM, code=unions, name="Unions", parent=funding)
    assert Code.objects.get(pk=partners.pk).parent is None
    assert Code.objects.get(pk=unions.pk).parent == funding


def test_sibling_names_are_unique_but_cousins_may_share(codebook):
    with pytest.raises(ValidationProblem, match="already a code “Funding”"):
        code_save(evaluation=codebook, by=SYSTEM, name="Funding")
    code_save(
        evaluation=codebook, by=SYSTEM, name="Funding", parent=Code.objects.get(name="Partners")
    )
    assert Code.objects.filter(evaluation=codebook, name="Funding").count() == 2


def test_viewer_cannot_add_codes(codebook, team):
    with pytest.raises(PermissionDenied):
        code_save(evaluation=codebook, by=team["viewer"].user, name="Mine")


def test_qdc_round_trip_into_another_evaluation_is_identical(codebook, tmp_path):
    path = tmp_path / "codes.qdc"
    call_command(
        "codebook_export", evaluation=codebook.slug, output=str(path), stdout=io.StringIO()
    )
    other = with_questions(EvaluationFactory(), "a.1", "a.3")
    out = io.StringIO()
    call_command("codebook_import", str(path), evaluation=other.slug, stdout=out)
    assert "Added 4 codes, updated 0, 0 unchanged" in out.getvalue()
    assert codebook_of(user=SYSTEM, evaluation=other) == codebook_of(
        user=SYSTEM, evaluation=codebook
    )
    assert qdc_bytes(codebook_of(user=SYSTEM, evaluation=other)) == path.read_bytes()
    deepest = Code.objects.get(evaluation=other, name="Domestic workers' unions")
    assert deepest.parent.parent.name == "Partners"
    assert deepest.description == "Line one\nline two & <three>"
    assert sorted(deepest.questions.values_list("number", flat=True)) == ["a.1", "a.3"]
    assert deepest.guid == Code.objects.get(evaluation=codebook, name=deepest.name).guid
    again = io.StringIO()
    call_command("codebook_import", str(path), evaluation=other.slug, stdout=again)
    assert "Added 0 codes, updated 0, 4 unchanged" in again.getvalue()


def test_the_qdc_file_has_what_the_standard_requires(codebook):
    root = fromstring(qdc_bytes(codebook_of(user=SYSTEM, evaluation=codebook)))
    assert root.tag == f"{{{NS}}}CodeBook"
    codes = root.find(f"{{{NS}}}Codes")
    assert codes is not None
    every = list(root.iter(f"{{{NS}}}Code"))
    assert len(every) == 4
    for code in every:
        assert code.get("guid") and code.get("name") and code.get("isCodable") == "true"
    sets = root.findall(f"{{{NS}}}Sets/{{{NS}}}Set")
    assert [s.get("name") for s in sets] == ["a.1", "a.3"]
    assert len(sets[1].findall(f"{{{NS}}}MemberCode")) == 2


def test_dry_run_and_missing_questions(codebook, tmp_path):
    path = tmp_path / "codes.qdc"
    path.write_bytes(qdc_bytes(codebook_of(user=SYSTEM, evaluation=codebook)))
    other = EvaluationFactory()  # no evaluation questions
    out = io.StringIO()
    call_command("codebook_import", str(path), evaluation=other.slug, dry_run=True, stdout=out)
    assert "Would add 4 codes" in out.getvalue()
    assert "no evaluation question a.3 here; link left out" in out.getvalue()
    assert not Code.objects.filter(evaluation=other).exists()


def test_entities_and_other_files_are_refused(tmp_path, evaluation):
    bomb = tmp_path / "bomb.qdc"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        f'<CodeBook xmlns="{NS}"><Codes><Code guid="{"1" * 8}-1111-1111-1111-{"1" * 12}" '
        'name="&b;" isCodable="true"/></Codes></CodeBook>'
    )
    with pytest.raises(CommandError, match="DTD or entities"):
        call_command("codebook_import", str(bomb), evaluation=evaluation.slug)
    with pytest.raises(ValidationProblem, match="not a REFI-QDA codebook"):
        read_qdc(b"<Project/>")
    with pytest.raises(ValidationProblem, match="not valid XML"):
        read_qdc(b"<CodeBook")
    with pytest.raises(ValidationProblem, match="“zz” is not a GUID"):
        read_qdc(f'<CodeBook xmlns="{NS}"><Codes><Code guid="zz" name="A" isCodable="true"/>'
                 "</Codes></CodeBook>".encode())  # fmt: skip
    assert not Code.objects.exists()


def test_too_deep_file_changes_nothing(evaluation):
    guid = "00000000-0000-4000-8000-00000000000"
    nested = "".join(f'<Code guid="{guid}{n}" name="L{n}" isCodable="true">' for n in range(4))
    data = f'<CodeBook xmlns="{NS}"><Codes>{nested}{"</Code>" * 4}</Codes></CodeBook>'
    with pytest.raises(ValidationProblem, match="three levels deep"):
        codebook_import(evaluation=evaluation, by=SYSTEM, codes=read_qdc(data.encode()))
    assert not Code.objects.exists()


def test_csv_has_a_row_per_code_with_its_path(codebook):
    rows = list(
        csv.reader(io.StringIO(codebook_csv(codebook_of(user=SYSTEM, evaluation=codebook))))
    )
    assert rows[0] == ["Code", "Path", "Description", "Evaluation questions", "Colour", "GUID"]
    assert rows[3][:2] == [
        "Domestic workers' unions",
        "Partners > Unions > Domestic workers' unions",
    ]
    assert rows[1][3:5] == ["a.3", "#FF8800"]


def test_the_database_refuses_two_top_level_codes_of_one_name(evaluation):
    Code.objects.create(evaluation=evaluation, name="Same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(evaluation=evaluation, name="Same")
