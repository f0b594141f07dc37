"""What a commit must send to Google, worked out before anything is sent (pure, no I/O).

From each tab's grid before and after the ops (bot/stores/grid.py), a plan holds:
- the new tabs and the new header cells, with their formatting (one `spreadsheets.batchUpdate`);
- gapbot's changed cells of existing rows, addressed by row key so they can be re-aimed if the
  team moved rows meanwhile (`values.batchUpdate`, RAW, in chunks of at most ~2 MB);
- rows to append (`appendCells` after the last row with data, which never overwrites a cell), with
  the final sort and trim in one more `spreadsheets.batchUpdate`.
The team's cells of existing rows are never part of a plan.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gspread.utils import absolute_range_name, rowcol_to_a1

from bot.errors import LimitError, StoreError
from sheets_schema import STATE_TAB, TABS_BY_NAME, TabSchema, header_key
from sheets_schema.columns import Column, ColumnType, Owner

from .grid import Cell, Grid, cell_text, header_index
from .layout import frozen_columns, rgb, row_formula

MAX_CELLS = 10_000_000  # per spreadsheet
MAX_REQUEST_BYTES = 2_000_000  # Google recommends payloads of at most 2 MB
ENVELOPE_BYTES = 10_000  # room for the rest of a request body around the values
SPARE_ROWS = 100  # empty rows below the data of a new or trimmed tab, for the team to type into
HEADER_BACKGROUND = {"red": 0.91, "green": 0.918, "blue": 0.929}
DATE_TYPES = {ColumnType.DATE: "DATE", ColumnType.DATETIME: "DATE_TIME"}
PROTECTION_NOTE = "Filled by gapbot: edits here are replaced on the next run."


@dataclass
class SheetInfo:
    """A tab as the metadata read shows it."""

    sheet_id: int
    title: str
    rows: int
    columns: int
    hidden: bool = False
    charts: tuple[int, ...] = ()  # ids of the charts on the tab


@dataclass
class RowWrite:
    """Changed cells of one existing row: `cells` maps column index -> value."""

    row: int  # 0-based row index when the tab was read
    key: str | None  # the row's key in a keyed tab (to find the row again), None elsewhere
    cells: dict[int, Cell]


@dataclass
class TabPlan:
    name: str
    schema: TabSchema | None
    info: SheetInfo | None  # None: the tab is created by this commit
    before: Grid
    after: Grid
    key_column: int | None = None
    row_writes: list[RowWrite] = field(default_factory=list)
    appended: list[list[Cell]] = field(default_factory=list)
    new_header: dict[int, str] = field(default_factory=dict)
    replaced: bool = False
    sort_by: str | None = None

    @property
    def width(self) -> int:
        return max([len(self.after[0]) if self.after else 0, *(len(r) for r in self.after)], default=1) or 1

    @property
    def keys_before(self) -> list[str]:
        if self.key_column is None:
            return []
        return [cell_text(r[self.key_column]).strip() if self.key_column < len(r) else "" for r in self.before]


def plan_tab(
    name: str,
    info: SheetInfo | None,
    before: Grid,
    after: Grid,
    *,
    replaced: bool,
    sort_by: str | None,
    append_past_grid: bool = False,
) -> TabPlan:
    """What a commit writes to one tab. `append_past_grid`: a replaced tab that outgrows its grid
    has the rows past it appended with the final request (which grows the grid itself) instead
    of written in place once a structure request grew it."""
    schema = TABS_BY_NAME.get(name)
    plan = TabPlan(name, schema, info, before, after, replaced=replaced, sort_by=sort_by)
    header_after = [cell_text(c) for c in after[0]] if after else []
    header_before = [cell_text(c) for c in before[0]] if before else []
    plan.new_header = {
        c: text for c, text in enumerate(header_after) if text != (header_before[c] if c < len(header_before) else "")
    }
    if schema is not None and schema.key is not None and not replaced:
        plan.key_column = header_index(before or after).get(header_key(schema.key))
    keys = plan.keys_before
    # A new keyed tab's rows are appended too: an append whose answer is lost is checked by key
    # before it is sent again, where a write by position could land twice if rows moved meanwhile.
    in_place = replaced or (info is None and plan.key_column is None)
    # The hidden state tab's rows never move (gapbot alone writes it, under its lease, and its
    # writes go where it was read): a new entry goes in place while the grid has room, with the
    # values, rather than in an append of its own.
    state_room = info.rows if name == STATE_TAB and info is not None else 0
    # appendCells starts after the last row with data, so the grid's last row must hold some.
    grid_end = info.rows if append_past_grid and info is not None and replaced and 0 < info.rows < len(after) else None
    if grid_end is not None and not any(cell_text(c) for c in after[grid_end - 1]):
        grid_end = None
    for r in range(1, max(len(before), len(after))):
        old = before[r] if r < len(before) else []
        cells: dict[int, Cell]
        if r >= len(after):  # a replaced tab got shorter: blank the stale cells, trim later
            cells = {c: "" for c, v in enumerate(old) if cell_text(v) != ""}
            if cells:
                plan.row_writes.append(RowWrite(r, None, cells))
            continue
        new = after[r]
        if r >= len(before) and r >= state_room and (not in_place or (grid_end is not None and r >= grid_end)):
            plan.appended.append(list(new))
            continue
        cells = {}
        for c in range(max(len(old), len(new))):
            value = new[c] if c < len(new) else None
            was = old[c] if c < len(old) else None
            if value is was or value == was:
                continue
            if cell_text(value) != cell_text(was):
                cells[c] = "" if value is None else value
        if cells:
            key = keys[r] if r < len(keys) and keys[r] else None
            plan.row_writes.append(RowWrite(r, key, cells))
    if schema is not None and not replaced and info is not None:
        check_team_cells_untouched(plan, schema)
    return plan


def check_team_cells_untouched(plan: TabPlan, schema: TabSchema) -> None:
    """The guarantee, checked on every plan: no write to a team column of an existing row."""
    header = [cell_text(c) for c in plan.before[0]] if plan.before else []
    team = {header_key(n) for n in schema.team_columns}
    for write in plan.row_writes:
        for c in write.cells:
            if c < len(header) and header_key(header[c]) in team:
                raise StoreError(
                    f"refusing to overwrite the team's column {header[c]!r} in row {write.row + 1}",
                    where=f"tab {plan.name!r}",
                    fix="this is a gapbot bug; nothing was written",
                )


def aim(plan: TabPlan, fresh_keys: Sequence[str]) -> list[RowWrite]:
    """The row writes of `plan` re-aimed at where their keys are now (the team may have sorted)."""
    if plan.key_column is None:
        return plan.row_writes
    unmoved = list(fresh_keys) == plan.keys_before
    position: dict[str, int] = {}
    for i, key in enumerate(fresh_keys):
        if key:
            position.setdefault(key, i)
    aimed = []
    for write in plan.row_writes:
        if unmoved:
            row = write.row
        elif write.key is None or write.key not in position:
            continue  # the team deleted the row meanwhile; its cells go with it
        else:
            row = position[write.key]
        aimed.append(RowWrite(row, write.key, write.cells))
    return aimed


# --- values --------------------------------------------------------------------------------


def json_value(value: Cell) -> Any:
    return "" if value is None else value


def value_ranges(title: str, writes: Iterable[RowWrite]) -> Iterator[dict[str, Any]]:
    """One ValueRange per run of consecutive rows; cells left alone are `null` (Google skips them)."""
    ordered = sorted(writes, key=lambda w: w.row)
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and ordered[j].row == ordered[j - 1].row + 1:
            j += 1
        block = ordered[i:j]
        first = min(min(w.cells) for w in block)
        last = max(max(w.cells) for w in block)
        rows = [[json_value(w.cells[c]) if c in w.cells else None for c in range(first, last + 1)] for w in block]
        yield from split_rows(title, block[0].row, first, rows)
        i = j


def json_size(item: Any) -> int:
    """Bytes of `item` as the HTTP client sends it (json.dumps defaults: ASCII with escapes), plus a separator."""
    return len(json.dumps(item)) + 2


def split_rows(title: str, row0: int, col0: int, rows: list[list[Any]]) -> Iterator[dict[str, Any]]:
    """ValueRanges of at most MAX_REQUEST_BYTES / 2 each."""
    start, size = 0, 0
    for i, row in enumerate(rows):
        row_bytes = json_size(row)
        if i > start and size + row_bytes > MAX_REQUEST_BYTES // 2:
            yield {"range": a1(title, row0 + start, col0), "values": rows[start:i]}
            start, size = i, 0
        size += row_bytes
    if rows:
        yield {"range": a1(title, row0 + start, col0), "values": rows[start:]}


def a1(title: str, row: int, col: int) -> str:
    return absolute_range_name(title, rowcol_to_a1(row + 1, col + 1))


def chunks(items: Iterable[Any], limit: int = MAX_REQUEST_BYTES - ENVELOPE_BYTES) -> Iterator[list[Any]]:
    """Items packed into lists whose JSON stays under `limit` bytes."""
    batch: list[Any] = []
    size = 0
    for item in items:
        item_bytes = json_size(item)
        if batch and size + item_bytes > limit:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += item_bytes
    if batch:
        yield batch


def cell_data(value: Cell) -> dict[str, Any]:
    """A cell of an appended row: text is a stringValue, so text that looks like a formula stays text."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": value}}


@dataclass
class Appended:
    """New rows of one tab that go in one appendCells request: as cells (for the checks) and as sent."""

    plan: TabPlan
    rows: list[list[Cell]] = field(default_factory=list)
    body: list[dict[str, Any]] = field(default_factory=list)
    size: int = 0  # bytes of `body` as sent

    def requests(self, sheet_id: int) -> list[dict[str, Any]]:
        """The rows after the last row with data: the grid grown by as many rows first, so
        appendCells fills rows that were not there before and the tab keeps its spare rows below
        the data (as `rows_during` counts them)."""
        return [
            {"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS", "length": len(self.rows)}},
            {"appendCells": {"sheetId": sheet_id, "rows": self.body, "fields": "userEnteredValue"}},
        ]


def appended_parts(plans: Sequence[TabPlan], limit: int = MAX_REQUEST_BYTES - 2 * ENVELOPE_BYTES) -> Iterator[Appended]:
    """Each tab's new rows in parts whose request stays under `limit` bytes."""
    for plan in plans:
        part = Appended(plan)
        for row in plan.appended:
            data = {"values": [cell_data(c) for c in row]}
            row_bytes = json_size(data)
            if part.rows and part.size + row_bytes > limit:
                yield part
                part = Appended(plan)
            part.rows.append(row)
            part.body.append(data)
            part.size += row_bytes
        if part.rows:
            yield part


# --- structure and formatting --------------------------------------------------------------


def commit_structure(
    plans: Sequence[TabPlan], ids: Mapping[str, int], sheets: Sequence[SheetInfo]
) -> list[dict[str, Any]]:
    """The structure and formatting requests of a commit's plans (see `structure_requests`)."""
    structure = check_cells(plans, sheets)
    for p in plans:
        structure.extend(structure_requests(p, ids[p.name]))
    return structure


def write_requests(plans: Sequence[TabPlan]) -> int:
    """How many requests the values writes and the new rows of `plans` take (payload chunks)."""
    values = chunks(vr for p in plans for vr in value_ranges(p.name, p.row_writes))
    rows = final_batches(list(appended_parts(plans)), [])
    return sum(1 for _ in values) + sum(1 for _ in rows)


def grid_size(plan: TabPlan) -> tuple[int, int]:
    """Rows and columns the tab has once the commit is done."""
    width = plan.width
    if plan.info is None:  # appended rows are inserted into the grid as they are added
        return max(len(plan.after) - len(plan.appended), 1) + SPARE_ROWS, width
    rows = plan.info.rows + len(plan.appended)
    if plan.replaced:
        rows = max(len(plan.after) + 1, min(rows, len(plan.after) + SPARE_ROWS))
    rows = max(rows, max((w.row + 1 for w in plan.row_writes), default=0))
    return rows, max(plan.info.columns, width)


def check_cells(plans: Sequence[TabPlan], sheets: Sequence[SheetInfo]) -> list[dict[str, Any]]:
    """Requests that shrink unused columns when needed; LimitError if the commit cannot fit."""
    planned = {p.name: grid_size(p) for p in plans}
    total = sum(
        planned.get(s.title, (s.rows, s.columns))[0] * planned.get(s.title, (s.rows, s.columns))[1] for s in sheets
    )
    total += sum(r * c for n, (r, c) in planned.items() if n not in {s.title for s in sheets})
    shrink: list[dict[str, Any]] = []
    if total > MAX_CELLS:
        for p in plans:
            rows, cols = planned[p.name]
            if p.info is not None and cols > p.width:
                shrink.append(dimension("deleteDimension", p.info.sheet_id, "COLUMNS", p.width, cols))
                total -= rows * (cols - p.width)
    if total > MAX_CELLS:
        raise LimitError(
            f"this run needs {total:,} cells but a Google Sheet holds at most {MAX_CELLS:,}",
            where="the whole spreadsheet",
            fix="delete tabs or rows you no longer need (old Raw: tabs first), or move large exports "
            "into the exports folder instead of pasting them",
        )
    return shrink


def dimension(kind: str, sheet_id: int, dim: str, start: int, end: int) -> dict[str, Any]:
    return {kind: {"range": {"sheetId": sheet_id, "dimension": dim, "startIndex": start, "endIndex": end}}}


# Requests that change no value, row or column. A structure request of these alone is one every
# commit sends again (see `structure_requests`), so it may wait for the final batchUpdate.
FORMATS = ("setDataValidation", "repeatCell", "updateDimensionProperties")


def only_formats(requests: Sequence[dict[str, Any]]) -> bool:
    return all(kind in FORMATS for r in requests for kind in r)


def final_batches(
    parts: Sequence[Appended], rest: list[dict[str, Any]]
) -> Iterator[tuple[list[Appended], list[dict[str, Any]]]]:
    """The final batchUpdates: new rows packed under ~2 MB each, `rest` (formats, sort, trim) with
    the last one, after every row (a sort or a trim covers the new rows too)."""
    limit = MAX_REQUEST_BYTES - ENVELOPE_BYTES
    batch: list[Appended] = []
    size = 0
    for part in parts:
        if batch and size + part.size > limit:
            yield batch, []
            batch, size = [], 0
        batch.append(part)
        size += part.size
    if batch and size + json_size(rest) > limit:
        yield batch, []
        batch = []
    if batch or rest:
        yield batch, rest


def structure_requests(plan: TabPlan, sheet_id: int) -> list[dict[str, Any]]:
    """Create or grow the tab, write and format its new header cells, refresh dropdowns and formats."""
    requests: list[dict[str, Any]] = []
    rows, cols = grid_size(plan)
    hidden = plan.schema is not None and plan.schema.hidden
    if plan.info is None:
        requests.append(add_sheet(plan, sheet_id, rows, cols))
        if plan.name == STATE_TAB:
            requests.append(protect(sheet_id, None, "gapbot's memory between runs; please leave it alone."))
    else:
        if cols > plan.info.columns:
            requests.append(
                {"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS", "length": cols - plan.info.columns}}
            )
        in_place_rows = max((w.row + 1 for w in plan.row_writes), default=0)
        if in_place_rows > plan.info.rows:
            requests.append(
                {
                    "appendDimension": {
                        "sheetId": sheet_id,
                        "dimension": "ROWS",
                        "length": in_place_rows - plan.info.rows,
                    }
                }
            )
    schema = plan.schema
    columns = {c: column_of(schema, text) for c, text in plan.new_header.items()}
    if plan.new_header:
        requests.extend(header_cells(sheet_id, plan.new_header, columns))
    if schema is None or hidden:
        return requests
    for c, col in columns.items():
        if col is None:
            continue
        requests.append(
            {
                "updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
                    "properties": {"pixelSize": col.width},
                    "fields": "pixelSize",
                }
            }
        )
        if col.wrap:
            requests.append(wrap(sheet_id, c))
        # Each rule goes in at index 0, so adding them in reverse keeps the declared order (first match wins).
        for rule in reversed(schema.colour_rules):
            if header_key(rule.column) == header_key(col.name):
                requests.append(colour_rule(sheet_id, c, rule.kind, rule.value, rule.colour))
        if col.owner is Owner.BOT and schema.protect_bot_columns:
            requests.append(protect(sheet_id, c, PROTECTION_NOTE))
    requests.extend(row_colour_rules(schema, sheet_id, columns))
    if plan.info is None or plan.new_header or not schema.team_input:
        index = header_index(plan.after)
        for col in schema.columns:
            at = index.get(header_key(col.name))
            if at is not None:
                requests.extend(column_formats(sheet_id, at, col))
    return requests


def add_sheet(plan: TabPlan, sheet_id: int, rows: int, cols: int) -> dict[str, Any]:
    """The new tab with its header row frozen, and its key column too where the tab declares it."""
    grid: dict[str, Any] = {"rowCount": rows, "columnCount": cols, "frozenRowCount": 1}
    frozen = frozen_columns(plan.schema, plan.after) if plan.schema is not None else 0
    if frozen:
        grid["frozenColumnCount"] = frozen
    props: dict[str, Any] = {"sheetId": sheet_id, "title": plan.name, "gridProperties": grid}
    if plan.schema is not None and plan.schema.hidden:
        props["hidden"] = True
    return {"addSheet": {"properties": props}}


def wrap(sheet_id: int, c: int) -> dict[str, Any]:
    """Long text in column `c` wraps inside the column instead of running over the next cells."""
    return {
        "repeatCell": {
            "range": data_rows(sheet_id, c),
            "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
            "fields": "userEnteredFormat.wrapStrategy",
        }
    }


def row_colour_rules(schema: TabSchema, sheet_id: int, columns: dict[int, Column | None]) -> list[dict[str, Any]]:
    """Whole-row colours (Status = Gone greyed) for rules whose column header this commit writes.

    Added at index 0, ahead of the cell colours, so a Gone row is grey even where Priority is high.
    """
    requests = []
    for c, col in columns.items():
        for rule in schema.row_colours:
            if col is None or header_key(rule.column) != header_key(col.name):
                continue
            condition = {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": row_formula(rule, c)}]}
            look = {"backgroundColor": rgb(rule.background), "textFormat": {"foregroundColor": rgb(rule.text)}}
            requests.append(
                {
                    "addConditionalFormatRule": {
                        "rule": {
                            "ranges": [{"sheetId": sheet_id, "startRowIndex": 1}],
                            "booleanRule": {"condition": condition, "format": look},
                        },
                        "index": 0,
                    }
                }
            )
    return requests


def column_of(schema: TabSchema | None, text: str) -> Column | None:
    if schema is None:
        return None
    try:
        return schema.column(text)
    except KeyError:
        return None


def header_cells(sheet_id: int, header: dict[int, str], columns: dict[int, Column | None]) -> list[dict[str, Any]]:
    """Header text (always a string: never a formula), its note, bold on grey, in one updateCells per run."""
    requests = []
    for c, text in sorted(header.items()):
        col = columns.get(c)
        cell: dict[str, Any] = {
            "userEnteredValue": {"stringValue": text},
            "userEnteredFormat": {"textFormat": {"bold": True}, "backgroundColor": HEADER_BACKGROUND},
        }
        if col is not None:
            who = "you edit this" if col.owner is Owner.TEAM else "filled by gapbot"
            cell["note"] = f"{col.note}\n({who})"
        requests.append(
            {
                "updateCells": {
                    "range": {
                        "sheetId": sheet_id,
                        "startRowIndex": 0,
                        "endRowIndex": 1,
                        "startColumnIndex": c,
                        "endColumnIndex": c + 1,
                    },
                    "rows": [{"values": [cell]}],
                    "fields": "userEnteredValue,userEnteredFormat(textFormat,backgroundColor),note",
                }
            }
        )
    return requests


def data_rows(sheet_id: int, c: int) -> dict[str, Any]:
    """Column `c` below the header, to the end of the grid (rows added later are covered too)."""
    return {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": c, "endColumnIndex": c + 1}


def column_formats(sheet_id: int, c: int, col: Column) -> list[dict[str, Any]]:
    requests: list[dict[str, Any]] = []
    if col.choices:
        requests.append(
            {
                "setDataValidation": {
                    "range": data_rows(sheet_id, c),
                    "rule": {
                        "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in col.choices]},
                        "showCustomUi": True,
                        # A value outside the list is refused, so `published` is never kept as an unknown outcome.
                        "strict": True,
                    },
                }
            }
        )
    # Numbers keep Sheets' automatic format, so the text the team sees (and gapbot reads back as
    # FORMATTED_VALUE) is the full number, as in the other stores. Dates the team types are shown
    # and read back as yyyy-mm-dd.
    kind = DATE_TYPES.get(col.type)
    if kind and col.number_format:
        requests.append(
            {
                "repeatCell": {
                    "range": data_rows(sheet_id, c),
                    "cell": {"userEnteredFormat": {"numberFormat": {"type": kind, "pattern": col.number_format}}},
                    "fields": "userEnteredFormat.numberFormat",
                }
            }
        )
    return requests


def colour_rule(sheet_id: int, c: int, kind: str, value: str | float, colour: str) -> dict[str, Any]:
    condition = (
        {"type": "TEXT_EQ", "values": [{"userEnteredValue": str(value)}]}
        if kind == "equals"
        else {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": str(value)}]}
    )
    return {
        "addConditionalFormatRule": {
            "rule": {
                "ranges": [data_rows(sheet_id, c)],
                "booleanRule": {"condition": condition, "format": {"backgroundColor": rgb(colour)}},
            },
            "index": 0,
        }
    }


def protect(sheet_id: int, c: int | None, description: str) -> dict[str, Any]:
    rng: dict[str, Any] = {"sheetId": sheet_id}
    if c is not None:
        rng.update(startColumnIndex=c, endColumnIndex=c + 1)
    return {"addProtectedRange": {"protectedRange": {"range": rng, "description": description, "warningOnly": True}}}


def rows_during(plan: TabPlan) -> int:
    """Rows the tab has after the structure request, before the final trim."""
    written = max((w.row + 1 for w in plan.row_writes), default=0)
    if plan.info is None:
        return max(grid_size(plan)[0], written) + len(plan.appended)
    return max(plan.info.rows, written) + len(plan.appended)


def finish_requests(plan: TabPlan, sheet_id: int, rows_now: int) -> list[dict[str, Any]]:
    """After the values: a new tab's header filter (set over the whole sheet once its first rows
    are appended, so they are inside it), sort keyed tabs (whole rows move, team cells with them)
    and trim replaced tabs."""
    requests: list[dict[str, Any]] = []
    if plan.info is None and plan.schema is not None and plan.schema.header_filter:
        requests.append({"setBasicFilter": {"filter": {"range": {"sheetId": sheet_id}}}})
    if plan.sort_by is not None:
        c = header_index(plan.after).get(header_key(plan.sort_by))
        if c is not None:
            requests.append(
                {
                    "sortRange": {
                        "range": {"sheetId": sheet_id, "startRowIndex": 1},
                        "sortSpecs": [{"dimensionIndex": c, "sortOrder": "DESCENDING"}],
                    }
                }
            )
    if plan.replaced:
        keep = rows_kept(plan)
        if rows_now > keep:
            requests.append(dimension("deleteDimension", sheet_id, "ROWS", keep, rows_now))
    return requests


def rows_kept(plan: TabPlan) -> int:
    """Rows a replaced tab keeps after the final trim: its data and room to type below."""
    return len(plan.after) + SPARE_ROWS
