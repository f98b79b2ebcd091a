"""Loading instrument files: bad input named by line with nothing saved; versions freeze."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from common.errors import ValidationProblem
from evaluations.permissions import SYSTEM
from history.models import Entry
from questionnaires.models import Instrument, InstrumentVersion, Question, Scale
from questionnaires.selectors import version_spec
from questionnaires.services import instrument_load, version_freeze

pytestmark = pytest.mark.django_db

STAFF = (
    Path(settings.BASE_DIR) / "seeds" / "instruments" / "ilo_staff_questionnaire_2008.yaml"
).read_text()

MINIMAL = """\
consulta_instrument: 1
key: mini
kind: questionnaire
languages: [en, fr]
title: {en: Mini, fr: Mini}
scales:
  - key: yn
    points:
      - {code: 1, label: {en: "Yes", fr: Oui}}
      - {code: 0, label: {en: "No", fr: Non}}
sections:
  - key: S
    questions:
      - key: q1
        kind: likert
        scale: yn
        block: b
        text: {en: "Fine?", fr: "Bien ?"}
"""


def load(evaluation, text: str):
    return instrument_load(evaluation=evaluation, text=text, by=SYSTEM)


def problem_of(evaluation, text: str) -> ValidationProblem:
    with pytest.raises(ValidationProblem) as caught:
        load(evaluation, text)
    assert not Instrument.objects.exists()
    assert not Scale.objects.exists()
    return caught.value


def test_minimal_file_loads(evaluation) -> None:
    result = load(evaluation, MINIMAL)
    assert result.summary() == "mini version 1 (created): 1 sections, 1 questions"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("title: {en: Mini, fr: Mini}", "title: [unclosed", "line 6: not valid YAML"),
        (
            "kind: questionnaire",
            "kind: survey",
            "line 3: kind: unknown kind “survey”; expected one of: questionnaire, interview_guide",
        ),
        (
            "        kind: likert",
            "        kind: lickert",
            "line 15: sections[0].questions[0].kind: unknown kind “lickert”",
        ),
        (
            '{code: 0, label: {en: "No", fr: Non}}',
            '{code: 1, label: {en: "No", fr: Non}}',
            "line 10: scales[0].points[1].code: duplicate scale code “1”",
        ),
        (
            'text: {en: "Fine?", fr: "Bien ?"}',
            'text: {en: "Fine?"}',
            "line 18: sections[0].questions[0].text: missing translation: fr",
        ),
        (
            "title: {en: Mini, fr: Mini}",
            "title: {en: Mini, fr: Mini}\ntitle: Again",
            "line 6: title is given twice",
        ),
        (
            "        scale: yn",
            "        scale: agree",
            "line 16: sections[0].questions[0].scale: unknown scale “agree”",
        ),
        ("key: mini", "key: mini\ncolour: blue", "line 3: colour: unknown field “colour”"),
    ],
)
def test_bad_files_are_rejected_with_the_line(
    evaluation, old: str, new: str, expected: str
) -> None:
    assert old in MINIMAL
    problem = problem_of(evaluation, MINIMAL.replace(old, new, 1))
    assert problem.message.startswith(expected), problem.message


def test_condition_on_an_unknown_attribute_is_rejected(evaluation) -> None:
    text = MINIMAL + "        applies_to: {attribute: shoe_size, in: ['42']}\n"
    problem = problem_of(evaluation, text)
    assert problem.message.startswith(
        "line 19: sections[0].questions[0].applies_to.attribute: unknown attribute “shoe_size”"
    )
    assert "stakeholder_group" in problem.message


def test_every_problem_is_listed_by_line(evaluation) -> None:
    text = MINIMAL.replace("kind: questionnaire", "kind: survey").replace(
        "        kind: likert", "        kind: lickert"
    )
    problem = problem_of(evaluation, text)
    assert set(problem.errors) == {"line 3", "line 15"}
    assert problem.message.endswith("(and 1 more)")


def test_empty_file(evaluation) -> None:
    assert problem_of(evaluation, "").message == "line 1: the file is empty"


def test_a_frozen_version_never_changes_and_a_seventh_statement_makes_version_2(evaluation) -> None:
    first = load(evaluation, STAFF).version
    version_freeze(version=first)
    before = version_spec(first)
    seventh = (
        "  - key: C7\n    label: 7)\n    kind: likert\n    text: A seventh statement.\n"
        "    scale: agree4\n    block: survey\n"
    )
    second = load(evaluation, STAFF + seventh)
    assert (second.outcome, second.version.number) == ("new version", 2)
    assert version_spec(first) == before
    assert first.questions.filter(section__key="C").count() == 6
    assert second.version.questions.filter(section__key="C").count() == 7
    # The two versions share the scale, and C1 keeps its key in both.
    assert set(Question.objects.filter(key="C1").values_list("block__scale__key", flat=True)) == {
        "agree4"
    }
    assert load(evaluation, STAFF + seventh).outcome == "unchanged"


def test_a_draft_is_replaced_in_place(evaluation) -> None:
    first = load(evaluation, MINIMAL).version
    changed = load(evaluation, MINIMAL.replace('"Fine?"', '"Good?"'))
    assert (changed.outcome, changed.version.pk) == ("draft replaced", first.pk)
    assert InstrumentVersion.objects.count() == 1
    assert Question.objects.get().text == {"en": "Good?", "fr": "Bien ?"}


def test_a_scale_with_the_same_key_but_other_points_is_refused(evaluation) -> None:
    load(evaluation, MINIMAL)
    other = MINIMAL.replace("key: mini", "key: other").replace(
        '{en: "No", fr: Non}', '{en: "Never", fr: Jamais}'
    )
    with pytest.raises(ValidationProblem, match="already has a scale “yn” with other points"):
        load(evaluation, other)
    assert not Instrument.objects.filter(key="other").exists()


def test_kind_cannot_change_under_the_same_key(evaluation) -> None:
    load(evaluation, MINIMAL)
    with pytest.raises(ValidationProblem, match="already a Questionnaire"):
        load(evaluation, MINIMAL.replace("kind: questionnaire", "kind: interview_guide"))


def test_load_and_dump_commands(evaluation, tmp_path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(MINIMAL)
    out = io.StringIO()
    call_command(
        "load_instrument", str(path), "--evaluation", evaluation.slug, "--dry-run", stdout=out
    )
    assert out.getvalue().startswith("Dry run, nothing saved: mini version 1 (created)")
    assert not Instrument.objects.exists()
    call_command("load_instrument", str(path), "--evaluation", evaluation.slug, stdout=out)
    dumped = io.StringIO()
    call_command("dump_instrument", f"{evaluation.slug}/mini", "--version", "1", stdout=dumped)
    assert "title:\n  en: Mini\n  fr: Mini\n" in dumped.getvalue()
    path.write_text(dumped.getvalue())
    out = io.StringIO()
    call_command("load_instrument", str(path), "--evaluation", evaluation.slug, stdout=out)
    assert out.getvalue().startswith("Unchanged: mini is the same as its version 1")


def test_loading_unchanged_content_says_unchanged_and_changes_nothing(evaluation, tmp_path) -> None:
    path = tmp_path / "staff.yaml"
    path.write_text(STAFF)
    call_command(
        "load_instrument", str(path), "--evaluation", evaluation.slug, stdout=io.StringIO()
    )
    version = InstrumentVersion.objects.get()
    questions = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    entries = Entry.objects.count()
    out = io.StringIO()
    call_command("load_instrument", str(path), "--evaluation", evaluation.slug, stdout=out)
    assert out.getvalue() == (
        "Unchanged: ilo-staff-questionnaire-2008 is the same as its version 1; nothing was saved\n"
    )
    assert "draft replaced" not in out.getvalue()
    assert list(InstrumentVersion.objects.values_list("pk", "number")) == [(version.pk, 1)]
    assert list(Question.objects.order_by("pk").values_list("pk", flat=True)) == questions
    assert Entry.objects.count() == entries


def test_load_command_reports_lines_and_saves_nothing(evaluation, tmp_path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINIMAL.replace("kind: questionnaire", "kind: survey"))
    with pytest.raises(
        CommandError, match=r"bad.yaml: rejected, nothing saved.\n  line 3: kind: unknown kind"
    ):
        call_command("load_instrument", str(path), "--evaluation", evaluation.slug)
    with pytest.raises(CommandError, match="No evaluation with the short name “nope”"):
        call_command("load_instrument", str(path), "--evaluation", "nope")
    with pytest.raises(CommandError, match="No instrument “nope/x”"):
        call_command("dump_instrument", "nope/x")
    assert not Instrument.objects.exists()
