"""File questions in the instrument format, and the check of an uploaded file: its size
before anything is read, its type by its content."""

from __future__ import annotations

import io

import pytest

from common.errors import ValidationProblem
from questionnaires.files import content_type_of, file_check, size_parse, size_write
from questionnaires.instrument_format import instrument_dump, instrument_parse
from tests.questionnaires.file_makers import FILE_INSTRUMENT, PDF, docx_bytes, xlsx_bytes


def test_a_file_question_round_trips_exactly() -> None:
    spec = instrument_parse(FILE_INSTRUMENT)
    question = spec["sections"][0]["questions"][1]
    assert (question["kind"], question["accept"], question["max_size"]) == (
        "file",
        ["pdf", "docx", "xlsx"],
        1024 * 1024,
    )
    assert instrument_dump(spec) == FILE_INSTRUMENT
    assert instrument_parse(instrument_dump(spec)) == spec


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "    max_size: 10 parsecs",
            "line 25: sections[0].questions[1].max_size: “10 parsecs” is not a size",
        ),
        (
            "    max_size: 900MB",
            "line 25: sections[0].questions[1].max_size: 900MB is above the most accepted (20MB)",
        ),
    ],
)
def test_a_wrong_size_is_refused_with_its_line(line: str, expected: str) -> None:
    text = FILE_INSTRUMENT.replace("    max_size: 1MB", line)
    with pytest.raises(ValidationProblem) as refused:
        instrument_parse(text)
    assert expected in refused.value.message


def test_an_unknown_type_is_refused_with_its_line() -> None:
    text = FILE_INSTRUMENT.replace("    - docx", "    - exe")
    with pytest.raises(ValidationProblem) as refused:
        instrument_parse(text)
    assert (
        "line 23: sections[0].questions[1].accept[1]: unknown file type “exe”"
        in refused.value.message
    )


def test_limits_on_another_kind_are_refused() -> None:
    text = FILE_INSTRUMENT.replace(
        "    kind: short_text\n", "    kind: short_text\n    accept: [pdf]\n"
    )
    with pytest.raises(ValidationProblem) as refused:
        instrument_parse(text)
    assert "only file questions take “accept” and “max_size”" in refused.value.message


@pytest.mark.parametrize(
    ("text", "size"), [("10MB", 10 * 1024 * 1024), ("500 KB", 512_000), (2048, 2048), ("0", None)]
)
def test_sizes_read_and_write_back(text: object, size: int | None) -> None:
    assert size_parse(text) == size
    if size:
        assert size_parse(size_write(size)) == size


@pytest.mark.parametrize(
    ("content", "name", "found"),
    [
        (PDF, "report.docx", "pdf"),  # the name says docx: the content decides
        (docx_bytes(), "report.pdf", "docx"),
        (xlsx_bytes(), "data.bin", "xlsx"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "summary.pdf", ""),  # a program named .pdf
        (b"country;score\nGhana;4\n", "scores.csv", "csv"),
    ],
)
def test_the_type_is_decided_by_content(content: bytes, name: str, found: str) -> None:
    accept = ["pdf", "docx", "xlsx", "csv", "txt"]
    assert content_type_of(io.BytesIO(content), name=name, accept=accept) == found


class Unreadable(io.BytesIO):
    """A file that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("a file too large was read")


def test_a_file_too_large_is_refused_before_it_is_read() -> None:
    with pytest.raises(ValidationProblem) as refused:
        file_check(
            Unreadable(), size=3 * 1024 * 1024, name="big.pdf", accept=["pdf"], max_size=1024 * 1024
        )
    assert refused.value.message == "The file is 3 MB; this question accepts files up to 1 MB."


def test_a_file_of_another_type_is_refused_saying_what_it_is() -> None:
    with pytest.raises(ValidationProblem) as refused:
        file_check(io.BytesIO(PDF), size=len(PDF), name="a.pdf", accept=["docx"], max_size=None)
    assert refused.value.message == (
        "This file is not an accepted type (its content is PDF); upload one of: Word (.docx)."
    )


def test_the_site_limit_caps_a_question_without_one(settings) -> None:
    settings.FILE_ANSWER_MAX_BYTES = 10
    with pytest.raises(ValidationProblem, match="accepts files up to 10 B"):
        file_check(io.BytesIO(PDF), size=len(PDF), name="a.pdf", accept=[], max_size=None)
