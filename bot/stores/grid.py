"""Write operations applied to a plain grid of cells: the shared logic of the grid stores.

A grid is a list of rows (lists of cells), header first. Cells are None (empty), str, int or
float. These functions are pure: they return new grids and never mutate their input.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from bot.errors import StoreError
from sheets_schema import STATE_TAB, TabSchema, header_key
from sheets_schema.tabs import STATE

from .ops import AppendRows, EnsureTab, ReplaceTab, SetState, UpsertRows, WriteOp

Cell = str | int | float | None
Grid = list[list[Cell]]

MAX_CELL_CHARS = 50_000  # Google Sheets' limit per cell
CUT_MARKER = " … [cut by gapbot: too long for one cell]"


@dataclass
class CommitNotes:
    """What a commit did that the team should hear about."""

    notes: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    max_chars: int = MAX_CELL_CHARS  # the store's own limit per cell


def cell_text(value: Any) -> str:
    """The string a reader sees for a stored cell: no numeric coercion of text, `7.0` -> `7`."""
    if type(value) is str:  # nearly every cell: first, as the checks below cost a call each
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_cell(value: Any, numeric: bool, max_chars: int = MAX_CELL_CHARS) -> Cell:
    """A frame value as a cell: numbers stay numbers in numeric columns, all else is text."""
    if type(value) is str and not numeric:  # nearly every cell, the same as the general path below
        if not value:
            return None
        return value if len(value) <= max_chars else value[: max_chars - len(CUT_MARKER)] + CUT_MARKER
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if numeric and not isinstance(value, bool):
        if isinstance(value, int | float):
            return value if not isinstance(value, float) or not value.is_integer() else int(value)
        try:
            number = float(str(value))
        except ValueError:
            pass
        else:
            return int(number) if number.is_integer() else number
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return to_cell(value.item(), numeric, max_chars)
    text = cell_text(value)
    if text == "":
        return None
    if len(text) > max_chars:
        text = text[: max_chars - len(CUT_MARKER)] + CUT_MARKER
    return text


def grid_to_frame(grid: Grid | None, columns: Collection[str] | None = None) -> pd.DataFrame:
    """A grid as a DataFrame of strings; the first row is the header. With `columns`, only the
    columns whose header matches one of them (case- and space-insensitively)."""
    if not grid:
        return pd.DataFrame()
    header = [cell_text(c) for c in grid[0]]
    if columns is not None:  # a tab of a million rows is read for a few of its columns
        kept = _matching(header, columns)
        header = [header[i] for i in kept]
        grid = [list[Cell](header), *([row[i] if i < len(row) else None for i in kept] for row in grid[1:])]
    width = len(header)
    # text and empty cells, nearly all of a tab, without a call each
    rows = [
        [c if type(c) is str else "" if c is None else str(c) if type(c) is int else cell_text(c) for c in row[:width]]
        + [""] * (width - len(row))
        for row in grid[1:]
    ]
    while rows and not any(rows[-1]):
        rows.pop()
    return pd.DataFrame(rows, columns=header, dtype=object)


def tab_of(op: WriteOp) -> str:
    """The tab an op writes."""
    return STATE_TAB if isinstance(op, SetState) else op.schema.name


def frame_to_grid(frame: pd.DataFrame) -> Grid:
    """A tab as read (a DataFrame of strings, see `grid_to_frame`) as a grid again: blank cells are empty."""
    header: list[Cell] = [str(c) for c in frame.columns]
    rows: Grid = [[None if v == "" else v for v in row] for row in frame.itertuples(index=False, name=None)]
    return [header, *rows]


def written_tabs(
    tabs: Mapping[str, pd.DataFrame | None],
    ops: Sequence[WriteOp],
    max_chars: int = MAX_CELL_CHARS,
    wanted: Mapping[str, Collection[str] | None] | None = None,
) -> dict[str, pd.DataFrame]:
    """The tabs `ops` write, as a store hands them back after the write, given the tabs as read
    before it; with `wanted`, only its tabs, each with only the columns it names (None: all).

    Lets a job see what it wrote (team cells kept, rows merged and sorted) without reading the sheet again.
    """
    # only what is wanted: the other tabs (Links may hold a million rows) and columns are not needed
    if wanted is not None:
        ops = [_projected(op, wanted[tab_of(op)]) for op in ops if tab_of(op) in wanted]
    names = {tab_of(op) for op in ops}
    grids = {
        name: frame_to_grid(_columns_of(frame, wanted.get(name) if wanted else None))
        for name, frame in tabs.items()
        if frame is not None and name in names
    }
    out, notes = apply_ops(grids, ops, max_chars)
    return {name: grid_to_frame(out[name], wanted.get(name) if wanted else None) for name in notes.touched}


def _columns_of(frame: pd.DataFrame, columns: Collection[str] | None) -> pd.DataFrame:
    return frame if columns is None else frame.iloc[:, _matching([str(c) for c in frame.columns], columns)]


def _matching(header: Sequence[str], columns: Collection[str]) -> list[int]:
    """The places of the headers that match one of `columns`, case- and space-insensitively."""
    keys = {header_key(c) for c in columns}
    return [i for i, h in enumerate(header) if header_key(h) in keys]


def _projected(op: WriteOp, columns: Collection[str] | None) -> WriteOp:
    if columns is None or isinstance(op, EnsureTab | SetState):
        return op
    return dataclasses.replace(op, frame=_columns_of(op.frame, columns))


def header_index(grid: Grid) -> dict[str, int]:
    """Normalised header -> first column index."""
    index: dict[str, int] = {}
    for i, cell in enumerate(grid[0] if grid else []):
        index.setdefault(header_key(cell_text(cell)), i)
    return index


def _check_frame(schema: TabSchema, frame: pd.DataFrame) -> None:
    declared = {header_key(n) for n in schema.names}
    unknown = [c for c in frame.columns if header_key(c) not in declared]
    if unknown:
        raise StoreError(
            f"columns {unknown} are not declared for this tab",
            where=f"tab {schema.name!r}",
            fix="declare them in sheets_schema/tabs.py",
        )


def _frame_cells(schema: TabSchema, frame: pd.DataFrame, max_chars: int) -> dict[str, list[Cell]]:
    """Each column of `frame` as cells, converted column by column (a tab may hold a million cells)."""
    return {c: _column_cells(frame[c].tolist(), schema.column(c).is_numeric, max_chars) for c in frame.columns}


def _column_cells(values: list[Any], numeric: bool, max_chars: int) -> list[Cell]:
    # the column's type is looked up once per column, never per cell; what nearly every cell is
    # (short text in a text column, a finite float in a number column) is converted without a call
    if numeric:
        return [
            (int(v) if v.is_integer() else v) if type(v) is float and v - v == 0 else to_cell(v, True, max_chars)
            for v in values
        ]
    return [v if type(v) is str and 0 < len(v) <= max_chars else to_cell(v, False, max_chars) for v in values]


def _placed(values: Sequence[Cell], at: Sequence[int], width: int) -> list[Cell]:
    """A new row of a tab `width` wide with a frame row's cells in the tab's columns `at`."""
    row: list[Cell] = [None] * width
    for value, i in zip(values, at, strict=True):
        row[i] = value
    return row


def _with_columns(grid: Grid, schema: TabSchema, notes: CommitNotes) -> Grid:
    """Copy of `grid` whose header holds every schema column (missing ones added at the end)."""
    out = [list(r) for r in grid] if grid else [[]]
    present = header_index(out)
    missing = [n for n in schema.names if header_key(n) not in present]
    if missing and len(out) > 1:
        notes.notes.append(
            f"{schema.name}: column(s) {', '.join(missing)} were missing (renamed or deleted) and were added "
            "again at the end; a renamed copy keeps its cells"
        )
    out[0] = [*out[0], *missing]
    return out


def _set(row: list[Cell], index: int, value: Cell) -> None:
    if index >= len(row):
        row.extend([None] * (index + 1 - len(row)))
    row[index] = value


def ensure(grid: Grid | None, schema: TabSchema, notes: CommitNotes) -> Grid:
    if grid is None:
        notes.created.add(schema.name)
        header: list[Cell] = list(schema.names)
        return [header, *[list[Cell](r) for r in schema.example_rows]]
    return _with_columns(grid, schema, notes)


def replace(schema: TabSchema, frame: pd.DataFrame, notes: CommitNotes) -> Grid:
    _check_frame(schema, frame)
    cells = _frame_cells(schema, frame, notes.max_chars)
    blank: list[Cell] = [None] * len(frame)
    return [list(schema.names), *map(list, zip(*(cells.get(n, blank) for n in schema.names), strict=True))]


def append(grid: Grid | None, schema: TabSchema, frame: pd.DataFrame, notes: CommitNotes) -> Grid:
    _check_frame(schema, frame)
    out = _with_columns(grid or [], schema, notes)
    index = header_index(out)
    cells = _frame_cells(schema, frame, notes.max_chars)
    at = [index[header_key(name)] for name in cells]
    out.extend(_placed(values, at, len(out[0])) for values in zip(*cells.values(), strict=True))
    return out


def upsert(grid: Grid | None, op: UpsertRows, notes: CommitNotes) -> Grid:
    schema, frame = op.schema, op.frame
    if schema.key is None:
        raise StoreError("upsert needs a keyed tab", where=f"tab {schema.name!r}")
    _check_frame(schema, frame)
    out = _with_columns(grid or [], schema, notes)
    index = header_index(out)
    key_col = index[header_key(schema.key)]
    bot = {header_key(n) for n in schema.bot_columns}

    existing: dict[str, int] = {}
    for i, row in enumerate(out[1:], start=1):
        key = cell_text(row[key_col]).strip() if key_col < len(row) else ""
        if not key:
            continue
        if key in existing:
            notes.notes.append(
                f"{schema.name} row {i + 1}: {schema.key} {key!r} appears more than once; only its first row is updated"
            )
            continue
        existing[key] = i

    seen: set[str] = set()
    cells = _frame_cells(schema, frame, notes.max_chars)
    at = [index[header_key(name)] for name in cells]  # each frame column's place in the tab
    bot_at = [(k, i) for k, (name, i) in enumerate(zip(cells, at, strict=True)) if header_key(name) in bot]
    width = len(out[0])
    # a frame row at a time, its cells by position (a large tab is a million cells: no dict per row)
    keyed = schema.key in cells
    key_at = list(cells).index(schema.key) if keyed else 0
    for values in zip(*cells.values(), strict=True) if keyed else ():
        key = cell_text(values[key_at]).strip()
        if not key or key in seen:
            continue
        seen.add(key)
        if key in existing:
            row = out[existing[key]]
            if len(row) < width:
                row.extend([None] * (width - len(row)))
            for k, i in bot_at:
                row[i] = values[k]
        elif op.add_new:
            out.append(_placed(values, at, width))

    for key, i in existing.items():
        if key not in seen:
            for name, value in op.mark_missing.items():
                if header_key(name) in bot:
                    _set(out[i], index[header_key(name)], value)

    if op.sort_by is not None:
        out = [out[0], *sort_rows(out[1:], index[header_key(op.sort_by)])]
    return out


def sort_rows(rows: Sequence[list[Cell]], column: int) -> list[list[Cell]]:
    """Whole rows by a column, highest number first, blanks and text last (stable)."""

    def sort_key(row: list[Cell]) -> tuple[int, float]:
        value = row[column] if column < len(row) else None
        try:
            return (0, -float(cell_text(value)))
        except ValueError:
            return (1, 0.0)

    return sorted(rows, key=sort_key)


def set_state(grid: Grid | None, values: Mapping[str, str], notes: CommitNotes) -> Grid:
    frame = pd.DataFrame({"Key": list(values.keys()), "Value": list(values.values())})
    return upsert(grid, UpsertRows(STATE, frame), notes)


def apply_ops(
    grids: Mapping[str, Grid], ops: Sequence[WriteOp], max_chars: int = MAX_CELL_CHARS
) -> tuple[dict[str, Grid], CommitNotes]:
    """All ops applied in order to a copy of `grids` (tab name -> grid)."""
    out = dict(grids)
    notes = CommitNotes(max_chars=max_chars)
    for op in ops:
        match op:
            case EnsureTab(schema=s):
                new = ensure(out.get(s.name), s, notes)
                name = s.name
            case ReplaceTab(schema=s, frame=f):
                new, name = replace(s, f, notes), s.name
            case UpsertRows(schema=s):
                new, name = upsert(out.get(s.name), op, notes), s.name
            case AppendRows(schema=s, frame=f):
                new, name = append(out.get(s.name), s, f, notes), s.name
            case SetState(values=v):
                new, name = set_state(out.get(STATE_TAB), v, notes), STATE_TAB
        if name not in out:
            notes.created.add(name)
        out[name] = new
        notes.touched.add(name)
    return out, notes
