"""File downloads the pages and the API share: CSV streamed row by row (UTF-8 with a BOM, so
Excel reads accents right), every cell that a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from common.spreadsheets import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
SAV_TYPE = "application/x-spss-sav"
DTA_TYPE = "application/x-stata-dta"
ZIP_TYPE = "application/zip"
CONTENT_TYPES = {
    "xlsx": XLSX_TYPE,
    "csv": CSV_TYPE,
    "sav": SAV_TYPE,
    "dta": DTA_TYPE,
    "zip": ZIP_TYPE,
}
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def query_flag(request: HttpRequest, name: str) -> bool:
    """`?name=1` (or true, yes, on, in any case) on a page's query string."""
    return request.GET.get(name, "").strip().lower() in TRUE_WORDS


class _Echo:
    """A file-like sink for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def content_type_of(filename: str) -> str:
    """The content type of a file we wrote, by its extension (else plain bytes)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return CONTENT_TYPES.get(extension, "application/octet-stream")


def safe_filename(name: str) -> str:
    """A download name without characters that browsers or shells trip on."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) or "download"


def csv_download(
    rows: Iterable[Sequence[object]], filename: str, *, bom: bool = True
) -> StreamingHttpResponse:
    """Stream the rows as a CSV attachment named `filename`."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        if bom:
            yield codecs.BOM_UTF8.decode("utf-8")
        for row in rows:
            yield writer.writerow([safe_cell(cell) for cell in row])

    return _attachment(StreamingHttpResponse(lines(), content_type=CSV_TYPE), filename)


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    """An Excel workbook already built in memory as an attachment named `filename`."""
    return _attachment(HttpResponse(content, content_type=XLSX_TYPE), filename)


def _attachment(response: HttpResponse | StreamingHttpResponse, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response
