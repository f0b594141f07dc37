"""The store's own cell writer and reader agree on every kind of cell, and refuse what text XML cannot hold."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils.datetime import WINDOWS_EPOCH

from bot.stores.xlsx_cells import (
    Decoding,
    NotPlainCells,
    SheetCells,
    _parsed,
    _scanned,
    as_parsed,
    parse_sheet,
    sheet_data_xml,
)

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
    written = sheet_data_xml(cells, b"")
    assert written is not None
    read = parse_sheet(_part(written[0]), DECODING)
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


X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
SCANNED = {
    "Excel's rows and shared strings": '<row r="1" spans="1:3" x14ac:dyDescent="0.25">'
    '<c r="A1" s="1" t="s"><v>0</v></c><c r="B1"><v>3.5</v></c><c r="C1" t="b"><v>1</v></c></row>',
    "row looks": '<row r="2" ht="30" customHeight="1" hidden="1"><c r="A2" s="2"/></row><row r="4"/>',
    "references and line ends": '<row r="1"><c r="A1" t="inlineStr"><is><t xml:space="preserve"> a &amp; b&#10;c\r\nd'
    " &#x3C;&lt;&gt;&quot;&apos; </t></is></c></row>",
    "a reference's own text": '<row r="1"><c r="A1" t="inlineStr"><is><t>a &amp;amp; b</t></is></c></row>',
    "no references to places": "<row><c><v>1</v></c><c/><c><v>2</v></c></row>\n  <row><c><v>3</v></c></row>",
    "empty values": '<row r="3"><c r="A3" t="inlineStr"><is><t/></is></c><c r="B3"><v/></c><c r="C3" t="s"><v></v></c>'
    '<c r="D3" s="3"/></row>',
    "other types": '<row r="1"><c r="A1" t="e"><v>#N/A</v></c><c r="B1" t="str"><v>text</v></c>'
    '<c r="C1" t="d"><v>2026-03-04T05:06:00</v></c><c r="D1" s="7"><v>46085.25</v></c><c r="E1" t="e"/></row>',
}
PARSED = {
    "rich text": '<row r="1"><c r="A1" t="inlineStr"><is><r><t>bold</t></r><t>plain</t></is></c></row>',
    "a comment": '<row r="1"><c r="A1"><v>1</v></c></row><!-- a note --><row r="2"><c r="A2"><v>2</v></c></row>',
    "another attribute": '<row r="1"><c r="A1" s="1" t="n" cm="1"><v>1</v></c></row>',
}


def _sheet(rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="{X14AC}">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


@pytest.mark.parametrize("rows", [*SCANNED.values(), *PARSED.values()], ids=[*SCANNED, *PARSED])
def test_the_scan_reads_what_a_parser_reads_or_leaves_it_to_the_parser(rows: str) -> None:
    decoding = Decoding(["shared"], frozenset({7}), frozenset(), WINDOWS_EPOCH)
    part = _sheet(rows)
    scanned, parsed = _scanned(part, decoding), _parsed(part, decoding)
    assert (scanned is not None) == (rows in SCANNED.values())
    read = parse_sheet(part, decoding)
    assert (read.grid, read.styles, read.errors, read.rows) == (parsed.grid, parsed.styles, parsed.errors, parsed.rows)


def test_a_formula_is_left_to_openpyxl() -> None:
    with pytest.raises(NotPlainCells):
        parse_sheet(_sheet('<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>'), DECODING)


_VALUES = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(" \n\r\t&<>\"'"), max_size=8),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
)
_ROWS = st.lists(st.lists(st.tuples(_VALUES, st.sampled_from([0, 0, 0, 3, 7])), max_size=5), max_size=6)
_ATTRIBUTES = st.dictionaries(
    st.integers(1, 8), st.dictionaries(st.sampled_from(["ht", "hidden", "spans", "r"]), st.sampled_from(["1", "15.5"]))
)


@settings(max_examples=300, deadline=None)
@given(_ROWS, _ATTRIBUTES)
def test_cells_said_to_be_plain_read_back_as_as_parsed_gives_them(
    rows: list[list[tuple[Any, int]]], attributes: dict[int, dict[str, str]]
) -> None:
    """What the workbook's cells cache keeps for a tab is what a parse of the tab gives."""
    cells = SheetCells([[v for v, _ in row] for row in rows], [[s for _, s in row] for row in rows], rows=attributes)
    written = sheet_data_xml(cells, b"", date_styles=DECODING.date_styles)
    if written is None or not written[1]:
        return
    read, kept = parse_sheet(_part(written[0]), DECODING), as_parsed(cells)
    assert (kept.grid, kept.styles, kept.errors, kept.rows) == (read.grid, read.styles, read.errors, read.rows)
