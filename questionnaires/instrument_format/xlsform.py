"""XLSForm (the spreadsheet format of KoboToolbox, ODK and SurveyCTO) ⇄ the canonical spec.

`xlsform_read(data)` turns a workbook into the same document mapping a YAML file holds and
checks it with the YAML parser itself, so the rules and messages are shared; every problem is
reported with its sheet, row and column instead of a line. `xlsform_write(spec)` (in
xlsform_write) writes the workbook back. What XLSForm has no column for (a question's printed
label, notes, details, the instrument's introduction…) travels in a `consulta` column and sheet
of JSON, which ODK tools ignore, so that import → export → import keeps the instrument.
"""

from __future__ import annotations

import io
import zipfile

from common.errors import ValidationProblem
from questionnaires.instrument_format.dumper import instrument_dump
from questionnaires.instrument_format.parser import instrument_check
from questionnaires.instrument_format.xlsform_sheets import (
    XLSX_MEDIA_TYPE,
    WorkbookReader,
)
from questionnaires.instrument_format.xlsform_survey import SheetDocument
from questionnaires.instrument_format.xlsform_write import xlsform_write

__all__ = [
    "XLSX_MEDIA_TYPE",
    "instrument_file_text",
    "is_workbook",
    "xlsform_read",
    "xlsform_to_yaml",
    "xlsform_write",
]


def is_workbook(data: bytes) -> bool:
    """An .xlsx workbook (a zip holding xl/workbook.xml), told by its content, not its name."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def xlsform_read(data: bytes) -> dict:
    """Read and check an XLSForm workbook: the canonical spec, or a ValidationProblem naming
    the sheet, row and column of every error."""
    reader = WorkbookReader(data)
    sheets = reader.workbook()
    builder = SheetDocument(reader, sheets)
    document = builder.document()
    reader.problems.raise_if_any()
    return instrument_check(document, reader.problems)


def xlsform_to_yaml(data: bytes) -> str:
    """The canonical YAML of an XLSForm workbook (what instrument_load reads)."""
    return instrument_dump(xlsform_read(data))


def instrument_file_text(data: bytes) -> str:
    """An uploaded instrument file as the YAML text instrument_load reads: an XLSForm workbook
    is converted (told by its content, whatever the file's name), anything else must be UTF-8
    YAML."""
    if is_workbook(data):
        return xlsform_to_yaml(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationProblem(
            "The file is neither an XLSForm workbook (.xlsx) nor UTF-8 text (YAML).",
            errors={"file": ["neither .xlsx nor UTF-8 text"]},
        ) from exc
