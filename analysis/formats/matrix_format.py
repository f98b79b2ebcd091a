"""The evaluation matrix as files: one flat table (CSV, XLSX) or one YAML document, both read
back into the same plain values (MatrixCriterion …) that analysis.services.matrix writes.

The table has a row per planned source; a question without sources, and a criterion without
questions, get a row of their own with the columns to the right left blank. A criterion's name
and description are repeated on each of its rows. Source kinds are the stable codes `question`
(INSTRUMENT:VERSION:QUESTION, e.g. staff-2008:1:B3), `group` (a stakeholder group's name) and
`document` (free text). Export, import and export again give the same file (tests)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from common.spreadsheets import FORMULA_STARTS, Table, cell_text, read_table, safe_cell
from common.upload_limits import limits, problem, too_large_message
from common.xlsx import Book

HEADERS = (
    "Criterion",
    "Criterion name",
    "Criterion description",
    "Question number",
    "Question",
    "Source kind",
    "Source",
)
KINDS = ("question", "group", "document")
FORMATS = ("csv", "xlsx", "yaml")


@dataclass
class MatrixSource:
    kind: str
    ref: str
    where: str = field(default="", compare=False)


@dataclass
class MatrixQuestion:
    number: str
    text: str
    sources: list[MatrixSource] = field(default_factory=list)
    where: str = field(default="", compare=False)


@dataclass
class MatrixCriterion:
    label: str
    name: str
    description: str = ""
    questions: list[MatrixQuestion] = field(default_factory=list)
    where: str = field(default="", compare=False)


def _problem(where: str, message: str) -> ValidationProblem:
    text = f"{where}: {message}" if where else message
    return ValidationProblem(text, errors={"file": [text]})


# --- writing -----------------------------------------------------------------------------------


def matrix_rows(criteria: list[MatrixCriterion]) -> list[list[str]]:
    """The flat table, header first."""
    rows: list[list[str]] = [list(HEADERS)]
    for criterion in criteria:
        head = [criterion.label, criterion.name, criterion.description]
        if not criterion.questions:
            rows.append([*head, "", "", "", ""])
        for question in criterion.questions:
            ask = [question.number, question.text]
            if not question.sources:
                rows.append([*head, *ask, "", ""])
            for source in question.sources:
                rows.append([*head, *ask, source.kind, source.ref])
    return rows


def matrix_csv(criteria: list[MatrixCriterion]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in matrix_rows(criteria):
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()


def matrix_xlsx(criteria: list[MatrixCriterion]) -> bytes:
    out = io.BytesIO()
    with Book.open(out) as book:
        sheet = book.sheet(_("Evaluation matrix"), (14, 30, 50, 10, 60, 10, 40), freeze=1)
        sheet.table(matrix_rows(criteria))
    return out.getvalue()


def matrix_yaml(criteria: list[MatrixCriterion]) -> str:
    document = {
        "criteria": [
            {
                "label": criterion.label,
                "name": criterion.name,
                "description": criterion.description,
                "questions": [
                    {
                        "number": question.number,
                        "text": question.text,
                        "sources": [{source.kind: source.ref} for source in question.sources],
                    }
                    for question in criterion.questions
                ],
            }
            for criterion in criteria
        ]
    }
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def matrix_file(criteria: list[MatrixCriterion], form: str) -> bytes:
    """The matrix in one of FORMATS, as bytes."""
    if form == "xlsx":
        return matrix_xlsx(criteria)
    text = matrix_yaml(criteria) if form == "yaml" else matrix_csv(criteria)
    return text.encode("utf-8")


# --- reading -----------------------------------------------------------------------------------


def _unquoted(value: str) -> str:
    """A CSV cell without the quote our writer put before text a spreadsheet would run."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def read_matrix(data: bytes, filename: str) -> list[MatrixCriterion]:
    """The matrix of a CSV, XLSX or YAML file; a ValidationProblem naming the row otherwise."""
    if filename.lower().endswith((".yaml", ".yml")):
        if len(data) > limits().max_bytes:
            raise problem(too_large_message(limits().max_bytes))
        return _from_yaml(data)
    return _from_table(read_table(data, filename))


def _from_table(table: Table) -> list[MatrixCriterion]:
    wanted = [h.casefold() for h in HEADERS]
    found = [h.casefold() for h in table.headers[: len(HEADERS)]]
    if found != wanted:
        raise _problem(
            "",
            _("The header row must be: %(headers)s.") % {"headers": ", ".join(HEADERS)},
        )
    criteria: dict[str, MatrixCriterion] = {}
    questions: dict[str, MatrixQuestion] = {}
    for row in table.rows:
        where = _("Row %(row)s") % {"row": row.number}
        label, name, description, number, text, kind, ref = (
            _unquoted(value) for value in row.values[: len(HEADERS)]
        )
        if not label:
            raise _problem(where, _("the criterion is missing."))
        criterion = criteria.get(label)
        if criterion is None:
            criterion = criteria[label] = MatrixCriterion(label, name, description, where=where)
        elif (name, description) != (criterion.name, criterion.description):
            raise _problem(
                where,
                _("criterion “%(label)s” has another name or description than on %(first)s.")
                % {"label": label, "first": criterion.where.lower()},
            )
        if not number:
            if text or kind or ref:
                raise _problem(where, _("the question number is missing."))
            continue
        question = questions.get(number)
        if question is None:
            question = questions[number] = MatrixQuestion(number, text, where=where)
            criterion.questions.append(question)
        elif question.text != text or question not in criterion.questions:
            raise _problem(
                where,
                _("question %(number)s differs from %(first)s.")
                % {"number": number, "first": question.where.lower()},
            )
        if kind or ref:
            question.sources.append(_source(kind, ref, where))
    return list(criteria.values())


def _source(kind: str, ref: str, where: str) -> MatrixSource:
    if kind not in KINDS:
        raise _problem(
            where,
            _("the source kind “%(kind)s” is not one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(KINDS)},
        )
    if not ref:
        raise _problem(where, _("the source is empty."))
    return MatrixSource(kind, ref, where)


def _text(value: Any, where: str, name: str, *, required: bool = True) -> str:
    if value is None:
        if required:
            raise _problem(where, _("“%(name)s” is missing.") % {"name": name})
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _problem(where, _("“%(name)s” must be text.") % {"name": name})
    text = cell_text(value)
    if required and not text:
        raise _problem(where, _("“%(name)s” is missing.") % {"name": name})
    return text


def _list(value: Any, where: str, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _problem(where, _("“%(name)s” must be a list.") % {"name": name})
    return value


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _problem(where, _("expected a mapping of names to values."))
    return value


def _from_yaml(data: bytes) -> list[MatrixCriterion]:
    try:
        document = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise _problem("", _("The file is not valid YAML: %(error)s") % {"error": exc}) from exc
    top = _mapping(document, _("The file"))
    criteria = []
    for i, item in enumerate(_list(top.get("criteria"), "criteria", "criteria"), start=1):
        where = _("criterion %(n)s") % {"n": i}
        raw = _mapping(item, where)
        criterion = MatrixCriterion(
            label=_text(raw.get("label"), where, "label"),
            name=_text(raw.get("name"), where, "name"),
            description=_text(raw.get("description"), where, "description", required=False),
            where=where,
        )
        for j, entry in enumerate(_list(raw.get("questions"), where, "questions"), start=1):
            at = _("%(where)s, question %(n)s") % {"where": where, "n": j}
            fields = _mapping(entry, at)
            question = MatrixQuestion(
                number=_text(fields.get("number"), at, "number"),
                text=_text(fields.get("text"), at, "text"),
                where=at,
            )
            for k, source in enumerate(_list(fields.get("sources"), at, "sources"), start=1):
                place = _("%(where)s, source %(n)s") % {"where": at, "n": k}
                pair = _mapping(source, place)
                if len(pair) != 1:
                    raise _problem(place, _("write one kind and its source, e.g. “group: NGO”."))
                ((kind, ref),) = pair.items()
                question.sources.append(_source(str(kind), _text(ref, place, str(kind)), place))
            criterion.questions.append(question)
        criteria.append(criterion)
    return criteria
