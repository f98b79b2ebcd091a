"""The responses as statistics software reads them: one row per response the user may read
(reports.selectors.raw decides which, as for the Raw sheet), one value per variable
(reports.statistics.variables), written as SPSS .sav or Stata .dta through pyreadstat.

SPSS and Stata files carry their row count in their header, so pyreadstat writes a whole
table: the rows are gathered in memory first (a few hundred bytes a response; the row limit
below keeps a single file in bounds). Labels are cut to what each format holds (SPSS: 256
bytes a variable label, 120 a value label; Stata: 80 characters a variable label): the
codebook keeps them whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from common.errors import ValidationProblem
from questionnaires.documents import parts
from questionnaires.models import Question
from reports.selectors.raw import raw_response_count, raw_response_documents
from reports.statistics.variables import Variable

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from questionnaires.models import Distribution

MAX_ROWS = 1_000_000  # responses in one .sav or .dta file
SPSS_LABEL_BYTES = 256
SPSS_VALUE_LABEL_BYTES = 120
STATA_LABEL_CHARS = 80
STATA_MISSING_LETTERS = "abcdefghijklmnopqrstuvwxyz"
SPSS_MISSING_VALUES = 3  # discrete missing values SPSS keeps on a variable (else a range)

Progress = Callable[[int, int, str], None]


def cut_bytes(text: str, limit: int) -> str:
    """`text` in at most `limit` UTF-8 bytes, with "…" when cut (never half a character)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    data = text.encode("utf-8")[: limit - 3]
    return data.decode("utf-8", errors="ignore").rstrip() + "…"


def cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(text: Any) -> float | None:
    try:
        return float(Decimal(str(text)))
    except (InvalidOperation, ValueError, TypeError):
        return None


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _reader(variable: Variable) -> Callable[[dict], object]:
    """The function giving the variable's value from a response's answers document: a number
    (codes by the variable's values), a text, a date, or None when not answered."""
    key, kind = variable.question, variable.question_kind
    if variable.other:
        return lambda document: parts(document.get(key))[1] or None
    if variable.choice:
        code = variable.choice

        def selected(document: dict) -> object:
            if key not in document:
                return None
            main, _text = parts(document[key])
            return 1 if isinstance(main, list) and code in main else 0

        return selected
    if kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.LIKERT):
        numbers = {v.code: v.number for v in variable.values}
        return lambda document: numbers.get(parts(document.get(key))[0])
    if kind == Question.Kind.NUMBER:
        return lambda document: _number(document[key]) if key in document else None
    if kind == Question.Kind.DATE:
        return lambda document: _date(document[key]) if key in document else None
    return lambda document: parts(document.get(key))[0] or None


def data_rows(
    *,
    user: User | AnonymousUser,
    distribution: Distribution,
    variables: list[Variable],
    cutoff: dt.datetime,
) -> Iterator[list[object]]:
    """One row per response `user` may read (submitted by `cutoff`), a value per variable."""
    readers = [_reader(v) for v in variables if v.question]
    for head, document in raw_response_documents(
        user=user, distribution=distribution, cutoff=cutoff
    ):
        yield [*head, *(read(document) for read in readers)]


def _columns(
    user: User | AnonymousUser,
    distribution: Distribution,
    variables: list[Variable],
    cutoff: dt.datetime,
    progress: Progress | None,
) -> list[list[object]]:
    """The values by variable (a list per column), the rows counted for `progress`."""
    count = raw_response_count(user=user, distribution=distribution, cutoff=cutoff)
    if count > MAX_ROWS:
        raise ValidationProblem(
            _(
                "%(count)s responses are more than one SPSS or Stata file takes here "
                "(%(limit)s): export them as CSV for R instead."
            )
            % {"count": f"{count:,}", "limit": f"{MAX_ROWS:,}"}
        )
    columns: list[list[object]] = [[] for _v in variables]
    step = _("Reading the responses")
    for done, row in enumerate(
        data_rows(user=user, distribution=distribution, variables=variables, cutoff=cutoff), 1
    ):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
        if progress is not None:
            progress(done, count, step)
    return columns


def _frame(variables: list[Variable], columns: list[list[object]], *, stata: bool) -> Any:
    """A pandas DataFrame for pyreadstat: numbers as floats (missing: NaN, or Stata's
    missing letter), texts without None (Stata's long texts refuse it), dates as dates."""
    import pandas as pd

    data: dict[str, Any] = {}
    for variable, values in zip(variables, columns, strict=True):
        if variable.kind == "number":
            letters = _stata_letters(variable) if stata else {}
            if letters:
                data[variable.name] = pd.Series(
                    [letters.get(v, v) if v is not None else None for v in values], dtype=object
                )
            else:
                data[variable.name] = pd.Series(values, dtype="float64")
        elif variable.kind == "string":
            data[variable.name] = pd.Series(
                ["" if v is None else str(v) for v in values], dtype=object
            )
        else:
            data[variable.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(data)


def _stata_letters(variable: Variable) -> dict[object, str]:
    """Stata's extended missing values for the variable's missing codes: .a, .b, … in order."""
    return {v.number: STATA_MISSING_LETTERS[i] for i, v in enumerate(variable.missing[:26])}


def spss_missing(variable: Variable) -> list[Any]:
    """SPSS's user-missing values: up to three codes, else the range from the lowest to the
    highest (the codes outside the scale are numbered together, above the scale)."""
    numbers = sorted(v.number for v in variable.missing)
    if len(numbers) <= SPSS_MISSING_VALUES:
        return numbers
    return [{"lo": numbers[0], "hi": numbers[-1]}]


def sav_write(
    path: str | Path,
    *,
    distribution: Distribution,
    user: User | AnonymousUser,
    variables: list[Variable],
    cutoff: dt.datetime,
    language: str = "en",
    progress: Progress | None = None,
) -> int:
    """Write the .sav file; returns the number of responses."""
    import pyreadstat

    columns = _columns(user, distribution, variables, cutoff, progress)
    frame = _frame(variables, columns, stata=False)
    coded = [v for v in variables if v.values]
    pyreadstat.write_sav(
        frame,
        str(path),
        file_label=cut_bytes(distribution.title, 64),
        column_labels={v.name: cut_bytes(v.label(language), SPSS_LABEL_BYTES) for v in variables},
        variable_value_labels={
            v.name: {
                float(x.number): cut_bytes(x.label(language), SPSS_VALUE_LABEL_BYTES)
                for x in v.values
            }
            for v in coded
        },
        missing_ranges={v.name: spss_missing(v) for v in coded if v.missing},
        variable_measure={v.name: v.measure for v in variables},
    )
    return len(columns[0]) if columns else 0


def dta_write(
    path: str | Path,
    *,
    distribution: Distribution,
    user: User | AnonymousUser,
    variables: list[Variable],
    cutoff: dt.datetime,
    language: str = "en",
    progress: Progress | None = None,
) -> int:
    """Write the .dta file (Stata 15, UTF-8); returns the number of responses."""
    import pyreadstat

    columns = _columns(user, distribution, variables, cutoff, progress)
    frame = _frame(variables, columns, stata=True)
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[str]] = {}
    for v in variables:
        if not v.values:
            continue
        letters = _stata_letters(v)
        value_labels[v.name] = {
            letters.get(x.number, x.number): x.label(language) for x in v.values
        }
        if letters:
            missing[v.name] = list(letters.values())
    pyreadstat.write_dta(
        frame,
        str(path),
        file_label=cut_chars(distribution.title, 80),
        column_labels={v.name: cut_chars(v.label(language), STATA_LABEL_CHARS) for v in variables},
        variable_value_labels=value_labels,
        missing_user_values=missing,
    )
    return len(columns[0]) if columns else 0
