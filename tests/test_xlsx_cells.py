"""The store's own cell writer and reader agree on every kind of cell, and refuse what text XML cannot hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from openpyxl.utils.datetime import WINDOWS_EPOCH

from bot.stores.xlsx_cells import Decoding, SheetCells, parse_sheet, sheet_data_xml

DECODING = Decoding((), frozenset({7}), frozenset(), WINDOWS_EPOCH)


def _part(sheet_data: bytes) -> bytes:
    return (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + sheet_data + b"</worksheet>"
    )


def test_every_kind_of_cell_reads_back_as_written() -> None:
    grid: list[list[Any]] = [  # a grid as a workbook holds it: dates and booleans too
        ["Domain", "Score", "Seen", "Live", "Check"],
        [" padded ", 7.25, datetime(2026, 3, 4, 5, 6), True, "#N/A"],
        ["two\nlines & <more>", 12, None, False, "#N/A"],
        ["short row"],
    ]
    cells = SheetCells(
        grid,
        [[1, 0, 0, 0, 0], [0, 3, 7, 0, 0], [0, 0, 4, 0, 0], [0]],
        errors={(2, 5)},  # an error value stays one; the same text elsewhere is text
        rows={3: {"r": "3", "hidden": "1"}},
    )
    read = parse_sheet(_part(sheet_data_xml(cells, b"") or b""), DECODING)
    padded = [[*row, *[None] * (5 - len(row))] for row in cells.grid]
    assert read.grid == padded
    assert read.styles == [[*row, *[0] * (5 - len(row))] for row in cells.styles]
    assert read.errors == {(2, 5)}
    assert read.rows[3]["hidden"] == "1"


@pytest.mark.parametrize("value", ["bell \x07 inside", float("nan"), float("inf"), object()])
def test_a_value_text_xml_cannot_hold_is_left_to_openpyxl(value: object) -> None:
    grid: list[list[Any]] = [["Domain"], ["a.com"], [value]]
    cells = SheetCells(grid, [[0], [0], [0]])
    assert sheet_data_xml(cells, b"") is None
