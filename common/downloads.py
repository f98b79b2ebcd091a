"""File downloads the pages and the API share: CSV streamed row by row (UTF-8 with a BOM, so
Excel reads accents right), every cell that a spreadsheet would run as a formula kept as text."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterable, Iterator, Sequence

from django.http import StreamingHttpResponse

from common.spreadsheets import safe_cell


class _Echo:
    """A file-like sink for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


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

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{safe_filename(filename)}"'
    return response
