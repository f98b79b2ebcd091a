"""manage.py interview_overview: the selector's numbers, in CSV or as a table."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from evaluations.permissions import SYSTEM
from reports.selectors.overview import interview_overview
from reports.services import layouts
from tests.interviews.builders import log, unnamed
from tests.reports.test_overview import invented_example

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("interview_overview", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_csv_output_has_the_selectors_numbers(evaluation, team):
    invented_example(evaluation)

    out, _err = run("--evaluation", evaluation.slug)

    rows = list(csv.reader(io.StringIO(out)))
    table = interview_overview(evaluation=evaluation, user=team["lead"].user)
    assert rows[0] == ["category", "interviews", "participants"]
    assert rows[1:] == [
        [row.label, str(row.interviews.shown), str(row.participants.shown)]
        for row in [*table.rows, table.total]
    ]
    assert rows[-1] == ["Total", "10", "13"]


def test_csv_output_follows_the_chosen_layout_and_marks_unknown_group_sizes(evaluation, team):
    invented_example(evaluation)
    log(evaluation, unnamed("Visitors"), category="Employers")
    layout = layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Printed")
    layouts.override_set(
        layout=layout, by=SYSTEM, category=None, column="interviews", value=12, reason="As printed"
    )

    out, err = run("--evaluation", evaluation.slug, "--layout", "printed")

    rows = list(csv.reader(io.StringIO(out)))
    assert rows[5] == ["Employers", "2", "≥ 1"]
    assert rows[-1] == ["Total", "12", "≥ 13"]
    assert err.startswith("≥: at least this many participants.")


def test_table_output_is_aligned(evaluation, team):
    invented_example(evaluation)

    out, _err = run("--evaluation", evaluation.slug, "--format", "table")

    lines = out.splitlines()
    assert lines[0].split() == ["category", "interviews", "participants"]
    assert lines[1].split() == ["Headquarters", "4", "3"]
    assert lines[6].split() == ["Total", "10", "13"]
    assert len({len(line) for line in lines[:7]}) == 1


def test_unknown_evaluation_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No evaluation with the slug “nowhere”"):
        run("--evaluation", "nowhere")


def test_unknown_layout_lists_the_known_ones(evaluation):
    layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="As printed")
    layouts.layout_create(evaluation=evaluation, by=SYSTEM, name="Draft")

    with pytest.raises(CommandError, match=r"Known layouts: As printed, Draft\."):
        run("--evaluation", evaluation.slug, "--layout", "final")
