"""A file question's limits in the instrument file: the types it accepts and its largest file."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from questionnaires.files import FILE_TYPES, size_parse, size_write
from questionnaires.instrument_format.lines import Path, Problems


def accept_parse(values: list, path: Path, problems: Problems) -> list[str]:
    """The file types a file question accepts: a list of type codes (none: all)."""
    codes: list[str] = []
    for i, code in enumerate(values):
        code = str(code).strip().lower().lstrip(".")
        if code not in FILE_TYPES:
            problems.add(
                (*path, i), f"unknown file type “{code}”; expected among: {', '.join(FILE_TYPES)}"
            )
        elif code in codes:
            problems.add((*path, i), f"file type “{code}” is listed twice")
        else:
            codes.append(code)
    return codes


def max_size_parse(value: Any, path: Path, problems: Problems) -> int | None:
    """The largest file a file question accepts: 10MB, 500KB or bytes."""
    if value is None:
        return None
    size = size_parse(value)
    ceiling = settings.FILE_ANSWER_MAX_BYTES
    if size is None:
        problems.add(path, f"“{value}” is not a size; write it like 10MB or 500KB")
    elif size > ceiling:
        most = size_write(ceiling)
        problems.add(path, f"{size_write(size)} is above the most accepted ({most})")
        return None
    return size
