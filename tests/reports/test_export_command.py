"""manage.py export_workbook: the same workbook as the export job, with a progress bar."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reports.services.exports import export_build, export_request
from tests.reports.builders import staff_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(evaluation, team):
    return staff_survey(
        evaluation,
        [
            {"attributes": {"region": "Africa"}, "answers": {"C1": "4", "B1": "=1+1"}},
            {"attributes": {"region": "Asia"}, "answers": {"C1": "2", "B1": "Fine"}},
        ],
    )


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_workbook", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def contents(workbook) -> dict[str, list[tuple]]:
    """Every sheet's values, but the About sheet's time of writing."""
    return {
        sheet.title: [row for row in sheet.iter_rows(values_only=True) if row[0] != "Generated at"]
        for sheet in workbook.worksheets
    }


def test_the_command_writes_what_the_export_job_writes(evaluation, team, answered, tmp_path):
    evaluator = team["evaluator"].user
    output = tmp_path / "book.xlsx"
    out, err = run(
        "--evaluation", evaluation.slug, "--output", str(output), "--user", evaluator.email.upper()
    )
    assert f"Wrote {output}" in out and "raw responses" in out
    assert "[" + "#" * 30 + "] 100%" in err
    job = export_request(evaluation=evaluation, by=evaluator, kind="workbook", parameters={})
    export_build(job_id=job.pk)
    job.refresh_from_db()
    from_job = contents(load_workbook(job.file.open("rb")))
    from_command = contents(load_workbook(output))
    assert from_command == from_job
    assert "Open answers" in from_command


def test_without_a_user_the_file_is_a_viewers_view(evaluation, team, answered, tmp_path):
    output = tmp_path / "viewer.xlsx"
    run("--evaluation", evaluation.slug, "--output", str(output))
    workbook = load_workbook(output)
    assert "Open answers" not in workbook.sheetnames
    assert not [name for name in workbook.sheetnames if name.startswith("Raw")]
    texts = {c for s in workbook.worksheets for row in s.iter_rows(values_only=True) for c in row}
    assert "=1+1" not in texts
    assert "A viewer's view (no particular user)" in texts


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--evaluation", "nope"], "No evaluation with the slug “nope”"),
        (["--user", "ghost@example.org"], "No user with the e-mail address"),
        (["--unsuppressed"], "--unsuppressed needs --user"),
        (["--output", "/no/such/folder/book.xlsx"], "does not exist"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(evaluation, tmp_path, args, message) -> None:
    base = {"--evaluation": evaluation.slug, "--output": str(tmp_path / "x.xlsx")}
    for flag, value in zip(args[::2], args[1::2], strict=False):
        base[flag] = value
    flags = [a for a in args if a == "--unsuppressed"]
    with pytest.raises(CommandError, match=message):
        run(*[item for pair in base.items() for item in pair], *flags)
    assert not (tmp_path / "x.xlsx").exists()


def test_only_a_lead_gets_the_unsuppressed_file(evaluation, team, tmp_path) -> None:
    output = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="Only the lead evaluator"):
        run(
            "--evaluation", evaluation.slug, "--output", str(output),
            "--user", team["evaluator"].user.email, "--unsuppressed",
        )  # fmt: skip
    run(
        "--evaluation", evaluation.slug, "--output", str(output),
        "--user", team["lead"].user.email, "--unsuppressed",
    )  # fmt: skip
    about = [row for row in load_workbook(output)["About"].iter_rows(values_only=True)]
    assert ("View", "UNSUPPRESSED (lead view)") in about
