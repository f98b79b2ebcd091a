"""One questionnaire's raw responses for statistics software: SPSS (.sav), Stata (.dta), and
CSV with an R script, each with its codebook.

variables.py names and describes the variables; data.py writes .sav and .dta (pyreadstat);
rscript.py the CSV and the R script; codebook.py the codebook (CSV, or a workbook sheet).
The responses are those the Raw sheet gives the same user (reports.selectors.raw: the roles
that read individual responses; lead-only responses for the lead; anonymous responses
without who answered), read once per file."""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.permissions import Action, can
from reports.selectors.raw import ensure_may_read_responses, raw_response_count
from reports.statistics.codebook import Counts, codebook_csv, codebook_sheet, counted
from reports.statistics.data import Progress, data_rows, dta_write, sav_write
from reports.statistics.rscript import csv_write, r_script
from reports.statistics.variables import Variable, variables

if TYPE_CHECKING:
    from pathlib import Path

    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from common.xlsx import Book
    from questionnaires.models import Distribution

__all__ = [
    "FORMATS",
    "Written",
    "codebook_sheet_write",
    "codebook_write",
    "statistics_write",
    "variables",
]

BEAT_ROWS = 2000  # responses counted between two progress reports of a workbook's codebook

# The files an export job can build, by the `format` it is asked for: (extension, label).
FORMATS = {
    "sav": ("sav", "SPSS (.sav)"),
    "dta": ("dta", "Stata (.dta)"),
    "r": ("zip", "CSV + R script + codebook (.zip)"),
    "codebook": ("csv", "Codebook (.csv)"),
}


@dataclass
class Written:
    """What was written: the files, and the responses in them."""

    paths: list[str]
    responses: int


def _languages(distribution: Distribution) -> list[str]:
    return list(distribution.version.languages or ["en"])


def _counts(found: list[Variable]) -> Counts:
    return Counts(0, [0] * len(found))


def codebook_write(
    path: str | Path, *, distribution: Distribution, user: User | AnonymousUser
) -> Written:
    """The codebook as CSV, its n answered counted over the responses `user` may read."""
    ensure_may_read_responses(user, distribution)
    found = variables(distribution)
    counts = _counts(found)
    cutoff = timezone.now()
    for _row in counted(
        data_rows(user=user, distribution=distribution, variables=found, cutoff=cutoff), counts
    ):
        pass
    with open(path, "w", encoding="utf-8", newline="") as handle:
        codebook_csv(handle, found, counts, _languages(distribution))
    return Written([str(path)], counts.responses)


def codebook_sheet_write(
    book: Book,
    *,
    distribution: Distribution,
    user: User | AnonymousUser,
    cutoff: dt.datetime | None = None,
) -> None:
    """The codebook as a sheet of `book`, its n answered counted over the responses `user`
    may read (submitted by `cutoff`); nothing for a role without individual responses."""
    if not can(user, Action.VIEW_RESPONSES, distribution.evaluation):
        return
    step = _("Codebook: %(title)s") % {"title": distribution.title}
    book.step(step)
    found = variables(distribution)
    counts = _counts(found)
    rows = data_rows(
        user=user, distribution=distribution, variables=found, cutoff=cutoff or timezone.now()
    )
    for done, _row in enumerate(counted(rows, counts), 1):
        if done % BEAT_ROWS == 0:
            book.step(step)  # the job's heartbeat while the responses are read
    codebook_sheet(
        book,
        title=distribution.title,
        variables=found,
        counts=counts,
        languages=_languages(distribution),
    )


def statistics_write(
    path: str | Path,
    *,
    distribution: Distribution,
    user: User | AnonymousUser,
    format: str,
    progress: Progress | None = None,
    bundle: str = "",
) -> Written:
    """Write the responses `user` may read as `format` (sav, dta, csv) to `path`. With csv,
    the R script (same name, .R) and the codebook (NAME-codebook.csv) go beside it; with
    `bundle` (the files' name), the three are put in one .zip at `path` instead."""
    ensure_may_read_responses(user, distribution)
    found = variables(distribution)
    cutoff = timezone.now()
    if format in ("sav", "dta"):
        writer = sav_write if format == "sav" else dta_write
        count = writer(
            path,
            distribution=distribution,
            user=user,
            variables=found,
            cutoff=cutoff,
            progress=progress,
        )
        return Written([str(path)], count)
    if format != "csv":
        raise ValueError(format)
    return _csv_files(path, distribution, user, found, cutoff, progress, bundle)


def _csv_files(
    path: str | Path,
    distribution: Distribution,
    user: User | AnonymousUser,
    found: list[Variable],
    cutoff: dt.datetime,
    progress: Progress | None,
    bundle: str,
) -> Written:
    base = os.path.splitext(str(path))[0]
    if bundle:  # built in a folder of its own beside `path`, then zipped into `path`
        base = os.path.join(f"{base}-files", bundle)
        os.makedirs(os.path.dirname(base), exist_ok=True)
    data, script, book = f"{base}.csv", f"{base}.R", f"{base}-codebook.csv"
    counts = _counts(found)
    total = raw_response_count(user=user, distribution=distribution, cutoff=cutoff)
    rows = data_rows(user=user, distribution=distribution, variables=found, cutoff=cutoff)
    step = _("Writing the CSV")

    def ticking() -> Iterator[list[object]]:
        for done, row in enumerate(counted(rows, counts), 1):
            if progress is not None:
                progress(done, total, step)
            yield row

    with open(data, "w", encoding="utf-8", newline="") as handle:
        csv_write(handle, found, ticking())
    with open(script, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(
            r_script(
                distribution=distribution,
                variables=found,
                csv_name=os.path.basename(data),
                count=counts.responses,
                generated_at=timezone.now(),
            )
        )
    with open(book, "w", encoding="utf-8", newline="") as handle:
        codebook_csv(handle, found, counts, _languages(distribution))
    paths = [data, script, book]
    if not bundle:
        return Written(paths, counts.responses)
    with zipfile.ZipFile(str(path), "w", zipfile.ZIP_DEFLATED) as archive:
        for each in paths:
            archive.write(each, os.path.basename(each))
            os.remove(each)
    os.rmdir(os.path.dirname(base))
    return Written([str(path)], counts.responses)
