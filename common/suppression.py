"""Small-cell suppression: the one rule every breakdown a viewer or an export sees goes
through. Pure functions on plain counts; no queries.

The table is a grid of cells: a row per group (a value of the breakdown), a column per
category (a point of the scale). Its column totals are shown elsewhere (the overall row) and,
with `row_totals`, so are its row totals (a group's n).

1. Primary: a cell with 0 < count < threshold is suppressed. A zero is shown: it says nothing
   about any respondent.
2. Complementary: a total and all but one of the cells it adds up would give that one back,
   so every column — and, with `row_totals`, every row — that holds a suppressed cell must
   hold at least two. Where one holds only one, one of its shown cells is suppressed too —
   preferably one whose other line already holds a suppressed cell (so no new line needs a
   complement), then a non-zero one, then the smallest; repeated until nothing changes.
   Hidden zeros whose line hides nothing else are known (their total minus the shown cells
   is 0): they do not count towards the two, and such a line takes a non-zero cell too.

A cell that comes in as None is taken as already suppressed (a whole group hidden because its
n is under the threshold) and counts towards the two of its row and column. A line with no
cell left to hide keeps its single suppressed cell: `suppress_breakdown`, the step every
table a suppressed view shows goes through, hides the overall row (the Total) then, or shows
a group that is the overall row by itself. tests/reliability/test_suppression_leaks.py checks
exhaustively over small tables that no hidden cell can be worked out from what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

Cell = tuple[int, int]


def _primary(table: list[list[int | None]], threshold: int) -> int:
    hidden = 0
    for row in table:
        for j, count in enumerate(row):
            if count is not None and 0 < count < threshold:
                row[j] = None
                hidden += 1
    return hidden


def _complement(
    table: list[list[int | None]], lines: list[list[Cell]], values: list[list[int | None]]
) -> bool:
    """Hide one more cell in the first line that needs it; whether any. A line needs one when
    it holds exactly one hidden cell that is not known anyway, or when all its hidden cells
    are known zeros and a non-zero is shown. A hidden zero is known when every hidden cell of
    one of its lines is zero (their total, shown minus the shown cells, is 0)."""
    member: dict[Cell, list[int]] = {}
    for number, line in enumerate(lines):
        for cell in line:
            member.setdefault(cell, []).append(number)

    def value(cell: Cell) -> int | None:
        return values[cell[0]][cell[1]]

    hidden_lines = [[c for c in line if table[c[0]][c[1]] is None] for line in lines]
    known = {
        cell
        for hidden in hidden_lines
        if hidden and all(value(c) == 0 for c in hidden)
        for cell in hidden
    }
    hidden_in = [sum(1 for c in hidden if c not in known) for hidden in hidden_lines]
    for number, line in enumerate(lines):
        shown = [(i, j) for i, j in line if table[i][j] is not None]
        if hidden_in[number] == 1:
            candidates = shown
        elif not hidden_in[number] and len(hidden_lines[number]) > hidden_in[number]:
            candidates = [cell for cell in shown if table[cell[0]][cell[1]]]
        else:
            continue
        if not candidates:
            continue

        def cost(cell: Cell, number: int = number) -> tuple[int, bool, int]:
            # Best a cell whose other lines already hide one (no new complement needed), then
            # a non-zero one (hiding a zero protects little), then the smallest.
            count = table[cell[0]][cell[1]] or 0
            opened = sum(1 for other in member[cell] if other != number and not hidden_in[other])
            return opened, count == 0, count

        i, j = min(candidates, key=cost)
        table[i][j] = None
        return True
    return False


def suppress(
    counts: list[list[int | None]], threshold: int, *, row_totals: bool = True
) -> tuple[list[list[int | None]], int]:
    """The table with suppressed cells as None (primary, then complementary until stable),
    and how many cells this suppressed."""
    table = [list(row) for row in counts]
    width = max((len(row) for row in table), default=0)
    columns = [[(i, j) for i in range(len(table)) if j < len(table[i])] for j in range(width)]
    rows = [[(i, j) for j in range(len(row))] for i, row in enumerate(table)]
    lines = columns + (rows if row_totals else [])
    values = [list(row) for row in counts]
    hidden = _primary(table, threshold)
    while _complement(table, lines, values):
        hidden += 1
    return table, hidden


# --- a breakdown: groups under a public overall row -------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """What a suppressed breakdown shows: each group's cells (None: hidden), which groups are
    hidden whole (their size too), and whether the overall row (the Total) is shown."""

    groups: list[list[int | None]]
    whole: list[bool]
    overall: bool


def _smallest(sizes: list[int]) -> int:
    """A group's size for the whole-group rule: the smallest of its non-zero sizes."""
    return min((size for size in sizes if size > 0), default=0)


def suppress_breakdown(
    counts: list[list[int]],
    threshold: int,
    *,
    sizes: list[list[int]],
    overall_sizes: list[int],
    scale: int = 0,
    cells: bool = True,
) -> Breakdown:
    """The one suppression step of every table a suppressed view shows: a row per group of
    respondents (`counts`), under an overall row that is public (shown in the same view and
    in the view without a breakdown) and gives every column's total.

    - The overall row is hidden when one of `overall_sizes` is under the threshold (a zero
      is shown), and then every group with it.
    - A group with one of its `sizes` under the threshold is hidden whole; a lone hidden group
      takes the next-smallest with it (or the overall row, when it is the only group).
    - With `cells`, in the groups left the counts under the threshold are hidden, with
      complementary cells: the first `scale` columns add up to the group's size shown (a
      Likert item's n), the others have only column totals (answers outside the scale). A
      group alone with answers in a block is the overall row and hides nothing.
    """
    empty: list[list[int | None]] = [[None] * len(row) for row in counts]
    overall = not any(0 < size < threshold for size in overall_sizes)
    if not overall:
        return Breakdown(empty, [True] * len(counts), False)
    by_size, _hidden = suppress(
        [[_smallest(group)] for group in sizes], threshold, row_totals=False
    )
    whole = [cell is None for (cell,) in by_size]
    if sum(whole) == 1:  # one group: the Total would give it back
        return Breakdown(empty, [True] * len(counts), False)
    shown: list[list[int | None]] = [
        [None] * len(row) if hidden else list(row)
        for row, hidden in zip(counts, whole, strict=True)
    ]
    if not cells:
        return Breakdown(shown, whole, True)
    width = max((len(row) for row in counts), default=0)
    for start, end, totals in ((0, scale, True), (scale, width, False)):
        # A shown group with nothing in this block is zeros its size (or a zero) already
        # tells: it cannot hide a cell, so it takes no part.
        members = [
            i for i, row in enumerate(counts) if whole[i] or any(row[start:end]) or not totals
        ]
        if len(members) < 2:
            continue
        block, _hidden = suppress(
            [shown[i][start:end] for i in members], threshold, row_totals=totals
        )
        for i, row in zip(members, block, strict=True):
            shown[i][start:end] = row
    return Breakdown(shown, whole, True)
