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

A cell that comes in as None is taken as already suppressed (a whole group hidden because its
n is under the threshold) and counts towards the two of its row and column. A line with no
cell left to hide (a breakdown with one group) keeps its single suppressed cell: the table
cannot protect it, and the caller should not show such a breakdown to those it protects.
"""

from __future__ import annotations

Cell = tuple[int, int]


def _primary(table: list[list[int | None]], threshold: int) -> int:
    hidden = 0
    for row in table:
        for j, count in enumerate(row):
            if count is not None and 0 < count < threshold:
                row[j] = None
                hidden += 1
    return hidden


def _complement(table: list[list[int | None]], lines: list[list[Cell]]) -> bool:
    """Hide one more cell in the first line that holds exactly one hidden cell; whether any."""
    member: dict[Cell, list[int]] = {}
    for number, line in enumerate(lines):
        for cell in line:
            member.setdefault(cell, []).append(number)
    hidden_in = [sum(1 for i, j in line if table[i][j] is None) for line in lines]
    for number, line in enumerate(lines):
        shown = [(i, j) for i, j in line if table[i][j] is not None]
        if hidden_in[number] != 1 or not shown:
            continue

        def cost(cell: Cell, number: int = number) -> tuple[int, bool, int]:
            # Best a cell whose other lines already hide one (no new complement needed), then
            # a non-zero one (hiding a zero protects little), then the smallest.
            count = table[cell[0]][cell[1]] or 0
            opened = sum(1 for other in member[cell] if other != number and not hidden_in[other])
            return opened, count == 0, count

        i, j = min(shown, key=cost)
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
    hidden = _primary(table, threshold)
    while _complement(table, lines):
        hidden += 1
    return table, hidden
