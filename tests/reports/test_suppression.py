"""Small-cell suppression on plain counts: primary cells, complementary cells in rows and
columns, and that no suppressed cell can be worked out from the totals shown."""

from __future__ import annotations

import itertools

from common.suppression import suppress


def recoverable(table: list[list[int | None]], *, row_totals: bool = True) -> list[tuple]:
    """Suppressed cells alone in a row (with its total shown) or in a column: recoverable."""
    cells = []
    lines = [[(i, j) for i in range(len(table))] for j in range(len(table[0]))]
    if row_totals:
        lines += [[(i, j) for j in range(len(row))] for i, row in enumerate(table)]
    for line in lines:
        hidden = [cell for cell in line if table[cell[0]][cell[1]] is None]
        if len(hidden) == 1:
            cells.append(hidden[0])
    return cells


def test_nothing_under_the_threshold_is_left_alone() -> None:
    table, hidden = suppress([[5, 9], [12, 7]], 5)
    assert table == [[5, 9], [12, 7]]
    assert hidden == 0


def test_zero_is_shown_it_says_nothing_about_anyone() -> None:
    table, hidden = suppress([[0, 9], [12, 0]], 5)
    assert table == [[0, 9], [12, 0]]
    assert hidden == 0


def test_a_small_cell_takes_the_smallest_cells_of_its_row_and_column_with_it() -> None:
    counts = [
        [2, 10, 8, 20],
        [9, 12, 30, 15],
        [7, 11, 14, 25],
    ]
    table, hidden = suppress(counts, 5)
    # 2 is primary; its column takes the smaller of 9 and 7, its row the smallest (8); row 3
    # then takes 14, which also gives 8's column its second: four cells, not more.
    assert table[0] == [None, 10, None, 20]
    assert table[1] == [9, 12, 30, 15]
    assert table[2] == [None, 11, None, 25]
    assert hidden == 4
    assert recoverable(table) == []


def test_without_row_totals_only_columns_need_a_second_cell() -> None:
    table, hidden = suppress([[3], [12], [8], [40]], 5, row_totals=False)
    assert table == [[None], [12], [None], [40]]
    assert hidden == 2


def test_two_small_cells_in_a_column_protect_each_other() -> None:
    table, hidden = suppress([[3], [4], [8]], 5, row_totals=False)
    assert table == [[None], [None], [8]]
    assert hidden == 2


def test_a_zero_is_hidden_only_when_no_other_cell_is_left() -> None:
    table, hidden = suppress([[3, 0, 9]], 5)
    assert table == [[None, 0, None]]
    table, hidden = suppress([[3, 0]], 5)
    assert table == [[None, None]]
    assert hidden == 2


def test_cells_already_hidden_count_towards_the_two() -> None:
    # A group hidden whole (None) already pairs with the small cell of its column.
    table, hidden = suppress([[None, None], [2, 9], [6, 8]], 5)
    assert table[1][0] is None
    assert table[1][1] is None  # its row needs a second
    assert table[2] == [6, 8]
    assert hidden == 2
    assert recoverable(table) == []


def test_a_single_group_cannot_be_protected_and_keeps_its_one_cell() -> None:
    table, hidden = suppress([[2]], 5, row_totals=False)
    assert table == [[None]]
    assert hidden == 1


def test_the_input_is_not_changed() -> None:
    counts = [[1, 9], [9, 9]]
    suppress(counts, 5)
    assert counts == [[1, 9], [9, 9]]


def test_no_suppressed_cell_is_recoverable_in_any_small_table() -> None:
    # Every 3 x 3 table of counts 0, 2, 6: suppression leaves nothing recoverable, wherever
    # there is more than one row and column.
    for values in itertools.product((0, 2, 6), repeat=9):
        counts = [list(values[0:3]), list(values[3:6]), list(values[6:9])]
        table, hidden = suppress(counts, 5)
        # A hidden zero alone in its line says no more than the zero the rule would show.
        assert [(i, j) for i, j in recoverable(table) if counts[i][j]] == [], counts
        assert hidden == sum(1 for row in table for cell in row if cell is None)
        assert all(cell is None or not 0 < cell < 5 for row in table for cell in row)
