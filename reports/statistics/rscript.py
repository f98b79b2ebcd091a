"""The responses as CSV with an R script beside it that reads the CSV and applies what the
CSV cannot hold: variable labels, value labels (factors) and missing-value codes.

The CSV has one column per variable (reports.statistics.variables), codes as numbers, dates as
2026-05-01, times as 2026-05-01 14:30:00 in the distribution's time zone, UTF-8 without a BOM.
Text a spreadsheet would run as a formula starts with a quote, as in every CSV Consulta writes
(common.spreadsheets.safe_cell); the script takes it off. The script needs base R only; when
the haven package is installed it makes coded variables haven::labelled_spss, which keep the
codes and the missing-value codes, instead of factors."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING

from common.spreadsheets import safe_cell
from reports.statistics.variables import Variable

if TYPE_CHECKING:
    from questionnaires.models import Distribution


def csv_value(value: object) -> object:
    """One cell: whole numbers without ".0", times to the second, text kept from formulas."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_cell(value)


def csv_write(handle: IO[str], variables: list[Variable], rows: Iterable[list[object]]) -> int:
    """Write the header (the variable names) and the rows; returns the number of rows."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow([v.name for v in variables])
    count = 0
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
        count += 1
    return count


def r_string(text: str) -> str:
    """`text` as an R string literal."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    escaped = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


def _vector(pairs: Iterable[tuple[str, str]], indent: str = "  ") -> str:
    items = [f"{indent}{r_string(name)} = {value}" for name, value in pairs]
    closing = indent[:-2]
    return "c(\n" + ",\n".join(items) + f"\n{closing})" if items else "c()"


R_CLASSES = {"number": "numeric", "string": "character", "date": "character"}


def r_script(
    *,
    distribution: Distribution,
    variables: list[Variable],
    csv_name: str,
    count: int,
    generated_at: dt.datetime,
    language: str = "en",
) -> str:
    """The R script reading `csv_name` (in the script's folder or the working directory)."""
    coded = [v for v in variables if v.values]
    strings = [v.name for v in variables if v.kind == "string"]
    dates = [v.name for v in variables if v.kind == "date"]
    times = [v.name for v in variables if v.kind == "datetime"]
    ordered = [v.name for v in coded if v.measure == "ordinal"]
    classes = _vector((v.name, r_string(R_CLASSES.get(v.kind, "character"))) for v in variables)
    labels = _vector((v.name, r_string(v.label(language))) for v in variables)
    value_labels = ",\n".join(
        f"  {r_string(v.name)} = "
        + _vector(((x.label(language), str(x.number)) for x in v.values), "    ")
        for v in coded
    )
    missing = ",\n".join(
        f"  {r_string(v.name)} = c({', '.join(str(x.number) for x in v.missing)})"
        for v in coded
        if v.missing
    )
    zone = distribution.time_zone or "UTC"

    def names(items: list[str]) -> str:
        return "c(" + ", ".join(r_string(n) for n in items) + ")"

    return f"""# {_comment(distribution.title)}: {count} responses, written by Consulta on \
{generated_at:%Y-%m-%d %H:%M} UTC.
# Reads {_comment(csv_name)} and applies the variable labels, the value labels and the
# missing-value codes (the codebook describes every variable). Run it with
#   source("{_comment(csv_name.rsplit(".", 1)[0])}.R", encoding = "UTF-8")
# Base R only. When the haven package is installed, coded variables become
# haven::labelled_spss (codes, labels and missing-value codes kept); otherwise factors, with
# the missing-value codes (Don't know, Not applicable …) as NA. Set use_haven <- FALSE to
# get factors anyway.

csv_file <- {r_string(csv_name)}
use_haven <- requireNamespace("haven", quietly = TRUE)

col_classes <- {classes}

data <- read.csv(
  csv_file,
  fileEncoding = "UTF-8",
  colClasses = col_classes,
  na.strings = "",
  check.names = FALSE,
  stringsAsFactors = FALSE
)

# Texts a spreadsheet would take for a formula were written with a leading quote: remove it.
for (name in {names(strings)}) {{
  data[[name]] <- sub("^'(?=[=+@\\t\\r-])", "", data[[name]], perl = TRUE)
}}
for (name in {names(dates)}) {{
  data[[name]] <- as.Date(data[[name]])
}}
for (name in {names(times)}) {{
  data[[name]] <- as.POSIXct(data[[name]], format = "%Y-%m-%d %H:%M:%S", tz = {r_string(zone)})
}}

variable_labels <- {labels}

value_labels <- list(
{value_labels}
)

missing_codes <- list(
{missing}
)

ordered_variables <- {names(ordered)}

for (name in names(value_labels)) {{
  codes <- value_labels[[name]]
  missing <- missing_codes[[name]]
  if (use_haven) {{
    data[[name]] <- haven::labelled_spss(
      data[[name]], labels = codes, na_values = missing, label = variable_labels[[name]]
    )
  }} else {{
    values <- data[[name]]
    values[values %in% missing] <- NA
    kept <- codes[!(codes %in% missing)]
    ordered <- name %in% ordered_variables
    if (ordered) kept <- sort(kept)  # a scale's factor runs from its lowest code up
    data[[name]] <- factor(values, levels = unname(kept), labels = names(kept), ordered = ordered)
  }}
}}

for (name in names(variable_labels)) {{
  attr(data[[name]], "label") <- variable_labels[[name]]
}}
"""


def _comment(text: str) -> str:
    """Text for one line of an R comment."""
    return " ".join(text.split())
