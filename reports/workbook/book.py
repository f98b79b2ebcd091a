"""The evaluation workbook's writer: common.xlsx's Book with the report tables' formats
(percentages, means, warnings, totals), counting the raw responses it writes too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from common import xlsx
from common.xlsx import MAX_SHEET_ROWS, BookStats, Progress, Sheet, write_cell

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MAX_SHEET_ROWS", "Book", "Progress", "Sheet", "WorkbookStats", "write_cell"]

FORMATS: dict[str, dict[str, Any]] = {
    **xlsx.FORMATS,
    "percent": {"num_format": "0.0"},
    "mean": {"num_format": "0.00"},
    "warning": {"bold": True, "font_color": "#9C0006"},
    "total": {"bold": True, "top": 1},
}


@dataclass
class WorkbookStats(BookStats):
    raw_responses: int = 0
    raw_left_out: int = 0  # submitted while the book was written, past the sheets' room


class Book(xlsx.Book):
    """The evaluation workbook being written."""

    stats: WorkbookStats

    def __init__(
        self,
        target: str | Path | IO[bytes],
        *,
        progress: Progress | None = None,
        total: int = 0,
        tmpdir: str | Path | None = None,
    ) -> None:
        super().__init__(target, progress=progress, total=total, formats=FORMATS, tmpdir=tmpdir)
        self.stats = WorkbookStats()
