"""The `spreadsheets.batchUpdate` requests of the fake: each applies to a spreadsheet, returns its reply.

A batchUpdate is atomic in Google: the fake runs it on a copy and keeps the copy only when
every request succeeded.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from .masks import set_fields
from .sheets_model import ApiError, Sheet, Spreadsheet, in_range, raw

Handler = Callable[[Spreadsheet, dict[str, Any], str], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}


def handles(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        return fn

    return register


def apply_requests(book: Spreadsheet, requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    replies = []
    for i, request in enumerate(requests):
        if len(request) != 1:
            raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set.")
        ((kind, body),) = request.items()
        handler = HANDLERS.get(kind)
        if handler is None:
            raise ApiError(
                400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
            )
        reply = handler(book, strip_nulls(body or {}), f"requests[{i}].{kind}")
        replies.append({kind: reply} if reply is not None else {})
    book.check_limits()
    return replies


def strip_nulls(value: Any) -> Any:
    """JSON null in a request means "not set"."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def without_defaults(props: dict[str, Any]) -> dict[str, Any]:
    """Google leaves out false, zero colour parts and empty objects, and stores colours as 8-bit."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if isinstance(value, dict):
            value = without_defaults(value)
            if key in ("red", "green", "blue", "alpha"):
                continue
            if not value and key not in ("gridProperties", "rgbColor", "foregroundColor"):
                continue
        elif key in ("red", "green", "blue", "alpha") and isinstance(value, int | float):
            value = float(f"{int(value * 255) / 255:.8g}")
            if value == 0:
                continue
            if value == 1:
                value = 1
        elif value is False:
            continue
        out[key] = value
    return out


def grid_range(book: Spreadsheet, rng: dict[str, Any], where: str) -> tuple[Sheet, int, int, int, int]:
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    r0, r1 = rng.get("startRowIndex", 0), rng.get("endRowIndex", sheet.row_count)
    c0, c1 = rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.column_count)
    if r1 > sheet.row_count or c1 > sheet.column_count:
        raise ApiError(
            400,
            f"Invalid {where}: Range ({sheet.title}!{rng}) exceeds grid limits. Max rows: "
            f"{sheet.row_count}, max columns: {sheet.column_count}",
        )
    return sheet, r0, r1, c0, c1


def reply_range(rng: dict[str, Any]) -> dict[str, Any]:
    """Ranges come back without `sheetId` when it is 0 (proto default) — Google omits defaults."""
    return {k: v for k, v in rng.items() if not (k == "sheetId" and v == 0)}


@handles("addSheet")
def add_sheet(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    props = body.get("properties", {})
    title = props.get("title")
    if title and any(s.title.casefold() == title.casefold() for s in book.sheets):
        raise ApiError(
            400, f'Invalid {where}: A sheet with the name "{title}" already exists. Please enter another name.'
        )
    if "sheetId" in props and any(s.id == props["sheetId"] for s in book.sheets):
        raise ApiError(400, f"Invalid {where}: A sheet with id {props['sheetId']} already exists.")
    sheet = book.make_sheet(props)
    index = min(props.get("index", len(book.sheets)), len(book.sheets))
    book.sheets.insert(index, sheet)
    book.reindex()
    return {"properties": dict(sheet.props)}


@handles("deleteSheet")
def delete_sheet(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet = book.sheet_by_id(body.get("sheetId"))
    if len(book.sheets) == 1:
        raise ApiError(400, f"Invalid {where}: You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.reindex()


@handles("updateSheetProperties")
def update_sheet_properties(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    props = body.get("properties", {})
    sheet = book.sheet_by_id(props.get("sheetId"))
    fields = body.get("fields", "")
    new = dict(sheet.props)
    new["gridProperties"] = dict(sheet.props["gridProperties"])
    set_fields(new, props, fields)
    if new.get("hidden") and all(s.props.get("hidden") for s in book.sheets if s is not sheet):
        raise ApiError(400, f"Invalid {where}: You can't hide all the sheets in a document.")
    new = without_defaults(new)
    new["gridProperties"] = without_defaults(new.get("gridProperties", {}))
    new.setdefault("index", 0)
    new.setdefault("sheetId", 0)
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not new["gridProperties"].get(key):
            new["gridProperties"].pop(key, None)
    if "index" in props and "index" in fields.split(","):
        book.sheets.remove(sheet)
        book.sheets.insert(min(props["index"], len(book.sheets)), sheet)
        book.reindex()
        new["index"] = sheet.props["index"]
    rows, cols = new["gridProperties"]["rowCount"], new["gridProperties"]["columnCount"]
    sheet.props = new
    sheet.resize(rows, cols)


@handles("updateSpreadsheetProperties")
def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    set_fields(book.properties, body.get("properties", {}), body.get("fields", ""))
    book.title = book.properties["title"]


def dimension(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, str, int, int]:
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    dim = rng.get("dimension", "ROWS")
    size = sheet.row_count if dim == "ROWS" else sheet.column_count
    return sheet, dim, rng.get("startIndex", 0), rng.get("endIndex", size)


@handles("updateDimensionProperties")
def update_dimension_properties(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = dimension(book, body["range"])
    for i in range(start, end):
        props = dict(sheet.sizes.get((dim, i), {}))
        set_fields(props, body.get("properties", {}), body.get("fields", ""))
        sheet.sizes[(dim, i)] = props


@handles("autoResizeDimensions")
def auto_resize(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = dimension(book, body["dimensions"])
    for i in range(start, end):
        if dim == "COLUMNS":
            longest = max((len(str(sheet.get(r, i) or "")) for r in range(len(sheet.rows))), default=0)
            sheet.sizes[(dim, i)] = {"pixelSize": max(longest * 7 + 6, 21) if longest else 100}


@handles("appendDimension")
def append_dimension(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet = book.sheet_by_id(body.get("sheetId"))
    grid = sheet.props["gridProperties"]
    key = "rowCount" if body.get("dimension") == "ROWS" else "columnCount"
    grid[key] += int(body.get("length", 0))
    book.check_limits()


@handles("insertDimension")
def insert_dimension(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = dimension(book, body["range"])
    count = end - start
    if dim == "ROWS":
        book.insert_rows(sheet, start, count)
        return
    sheet.props["gridProperties"]["columnCount"] += count
    book.check_limits()
    for row in sheet.rows:
        if start < len(row):
            row[start:start] = [None] * count
    shift_cells(sheet, lambda r, c: (r, c + count if c >= start else c))


@handles("deleteDimension")
def delete_dimension(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, dim, start, end = dimension(book, body["range"])
    size = sheet.row_count if dim == "ROWS" else sheet.column_count
    end = min(end, size)
    if end - start >= size:
        raise ApiError(400, f"Invalid {where}: You can't delete all the {dim.lower()} on the sheet.")
    count = end - start
    if dim == "ROWS":
        del sheet.rows[start:end]
        sheet.props["gridProperties"]["rowCount"] -= count
        keep = {k: v for k, v in sheet.formulas.items() if not start <= k[0] < end}
        sheet.formulas = keep
        for name in ("notes", "cell_formats"):
            setattr(sheet, name, {k: v for k, v in getattr(sheet, name).items() if not start <= k[0] < end})
        shift_cells(sheet, lambda r, c: (r - count if r >= end else r, c))
    else:
        for row in sheet.rows:
            del row[start:end]
        sheet.props["gridProperties"]["columnCount"] -= count
        for name in ("formulas", "notes", "cell_formats"):
            setattr(sheet, name, {k: v for k, v in getattr(sheet, name).items() if not start <= k[1] < end})
        shift_cells(sheet, lambda r, c: (r, c - count if c >= end else c))


def shift_cells(sheet: Sheet, move: Callable[[int, int], tuple[int, int]]) -> None:
    for name in ("formulas", "notes", "cell_formats"):
        setattr(sheet, name, {move(*k): v for k, v in getattr(sheet, name).items()})


@handles("setDataValidation")
def set_data_validation(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body["range"], where)
    rng = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    sheet.validations = [(g, rule) for g, rule in sheet.validations if not covers(rng, g)]
    if body.get("rule"):
        rule = body["rule"]
        condition = rule.get("condition", {})
        if condition.get("type") == "ONE_OF_LIST" and not condition.get("values"):
            raise ApiError(400, f"Invalid {where}: ONE_OF_LIST condition requires at least one value.")
        sheet.validations.append((rng, rule))


def covers(outer: dict[str, Any], inner: dict[str, Any]) -> bool:
    return all(
        outer[f"start{d}Index"] <= inner[f"start{d}Index"] and inner[f"end{d}Index"] <= outer[f"end{d}Index"]
        for d in ("Row", "Column")
    )


@handles("repeatCell")
def repeat_cell(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body.get("range", {}), where)
    cell = body.get("cell", {})
    fields = body.get("fields", "")
    fmt: dict[str, Any] = {}
    set_fields(fmt, cell, fields)
    rng = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    if "userEnteredFormat" in fmt:
        entry = (rng, fmt["userEnteredFormat"])
        sheet.range_formats = [e for e in sheet.range_formats if e != entry]  # the same format again changes nothing
        sheet.range_formats.append(entry)
    if "note" in fields.split(","):
        for r in range(r0, r1):
            for c in range(c0, c1):
                set_note(sheet, r, c, cell.get("note"))


def set_note(sheet: Sheet, r: int, c: int, note: str | None) -> None:
    if note:
        sheet.notes[(r, c)] = note
    else:
        sheet.notes.pop((r, c), None)


@handles("updateCells")
def update_cells(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    if "range" in body:
        sheet, r0, _, c0, _ = grid_range(book, body["range"], where)
    else:
        start = body.get("start", {})
        sheet = book.sheet_by_id(start.get("sheetId", 0))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    fields = [f.strip() for f in body.get("fields", "").split(",")]
    for i, row in enumerate(body.get("rows", [])):
        for j, cell in enumerate(row.get("values", [])):
            r, c = r0 + i, c0 + j
            if "note" in fields or "*" in fields:
                set_note(sheet, r, c, cell.get("note"))
            if "userEnteredValue" in fields or "*" in fields:
                entered = cell.get("userEnteredValue", {})
                value = raw(next(iter(entered.values()), None))  # a numberValue is a double, as in RAW input
                formula = entered.get("formulaValue")
                sheet.put(r, c, None if formula else value, formula)
            if any(f.startswith("userEnteredFormat") for f in fields):
                fmt = dict(sheet.cell_formats.get((r, c), {}))
                set_fields(
                    fmt,
                    cell.get("userEnteredFormat", {}),
                    ",".join(f.removeprefix("userEnteredFormat.") for f in fields if f.startswith("userEnteredFormat."))
                    or "*",
                )
                sheet.cell_formats[(r, c)] = fmt


@handles("appendCells")
def append_cells(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    """Google: "Adds new cells after the last row with data in a sheet, inserting new rows into the
    sheet if necessary." Data is a value or a formula anywhere in the sheet, not only a table at A1."""
    sheet = book.sheet_by_id(body.get("sheetId", 0))
    rows = body.get("rows", [])
    if not body.get("fields"):
        raise ApiError(400, f"Invalid {where}: At least one field must be specified.")
    width = max((len(r.get("values", [])) for r in rows), default=0)
    if width > sheet.column_count:
        raise ApiError(400, f"Invalid {where}: the rows are wider than the sheet ({sheet.column_count} columns).")
    start = last_row_with_data(sheet) + 1
    grid = sheet.props["gridProperties"]
    grid["rowCount"] = max(grid["rowCount"], start + len(rows))
    book.check_limits()
    update_cells(book, {**body, "start": {"sheetId": sheet.id, "rowIndex": start, "columnIndex": 0}}, where)


def last_row_with_data(sheet: Sheet) -> int:
    """0-based; -1 for a sheet without data."""
    filled = [r for r, row in enumerate(sheet.rows) if any(v not in (None, "") for v in row)]
    return max([*filled, *(r for r, _ in sheet.formulas)], default=-1)


@handles("addConditionalFormatRule")
def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    rule = body["rule"]
    ranges = rule.get("ranges", [])
    if not ranges:
        raise ApiError(400, f"Invalid {where}: At least one range must be specified.")
    sheet = book.sheet_by_id(ranges[0].get("sheetId", 0))
    for rng in ranges:
        grid_range(book, rng, where)
    sheet.conditional.insert(min(body.get("index", len(sheet.conditional)), len(sheet.conditional)), rule)


@handles("deleteConditionalFormatRule")
def delete_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = book.sheet_by_id(body.get("sheetId", 0))
    index = body.get("index", 0)
    if index >= len(sheet.conditional):
        raise ApiError(400, f"Invalid {where}: No conditional format on sheet: {sheet.id} at index: {index}")
    return {"rule": sheet.conditional.pop(index)}


@handles("addProtectedRange")
def add_protected_range(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    given = body.get("protectedRange", {})
    rng = given.get("range", {})
    sheet, *_ = grid_range(book, rng, where)
    stored: dict[str, Any] = {"protectedRangeId": book.new_id(), "range": reply_range(rng)}
    for key in ("description", "warningOnly"):
        if given.get(key):
            stored[key] = given[key]
    stored["requestingUserCanEdit"] = True
    stored["editors"] = {k: v for k, v in given.get("editors", {}).items() if v}  # Google drops empty lists
    sheet.protected.append(stored)
    return {"protectedRange": stored}


@handles("addChart")
def add_chart(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    """A basic chart: its source ranges and anchor cell must lie on existing tabs within their grids."""
    chart = copy.deepcopy(body.get("chart", {}))
    basic = chart.get("spec", {}).get("basicChart")
    if basic is None:
        raise ApiError(400, f"Invalid {where}: A chart spec is required.")
    ranges = [d["domain"] for d in basic.get("domains", [])] + [s["series"] for s in basic.get("series", [])]
    for source in ranges:
        for rng in source.get("sourceRange", {}).get("sources", []):
            grid_range(book, rng, where)
    anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell")
    if anchor is None:
        raise ApiError(400, f"Invalid {where}: A chart position is required.")
    sheet = book.sheet_by_id(anchor.get("sheetId", 0))
    if anchor.get("rowIndex", 0) >= sheet.row_count or anchor.get("columnIndex", 0) >= sheet.column_count:
        raise ApiError(400, f"Invalid {where}: The anchor cell is outside the grid of {sheet.title}.")
    taken = {c["chartId"] for s in book.sheets for c in s.charts}
    if chart.get("chartId") in taken:
        raise ApiError(400, f"Invalid {where}: An object with id {chart['chartId']} already exists.")
    chart.setdefault("chartId", book.new_id())
    sheet.charts.append(chart)
    return {"chart": chart}


@handles("deleteEmbeddedObject")
def delete_embedded_object(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    for sheet in book.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == body.get("objectId"):
                sheet.charts.remove(chart)
                return
    raise ApiError(400, f"Invalid {where}: No embedded object with id: {body.get('objectId')}")


@handles("deleteProtectedRange")
def delete_protected_range(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    for sheet in book.sheets:
        for p in sheet.protected:
            if p["protectedRangeId"] == int(body.get("protectedRangeId", -1)):
                sheet.protected.remove(p)
                return
    raise ApiError(400, f"Invalid {where}: No protected range with id: {body.get('protectedRangeId')}")


@handles("sortRange")
def sort_range(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    """Whole cells of the range move with their rows: values, formulas, notes and formats.

    Google's order: numbers, then text (case-insensitive), then booleans; blanks last either way.
    """
    sheet, r0, r1, c0, c1 = grid_range(book, body["range"], where)
    specs = body.get("sortSpecs", [])
    rows = list(range(r0, r1))

    def key(r: int) -> tuple[Any, ...]:
        parts: list[Any] = []
        for spec in specs:
            value = sheet.get(r, spec.get("dimensionIndex", 0))
            if value in (None, ""):
                parts.append((1, 0, 0))
                continue
            kind, v = sort_key(value)
            if spec.get("sortOrder") == "DESCENDING":
                kind, v = -kind, negate(v)
            parts.append((0, kind, v))
        return tuple(parts)

    order = sorted(rows, key=key)
    moved = {old: new for new, old in zip(rows, order, strict=True)}
    if c0 == 0 and c1 == sheet.column_count:  # whole rows: move the row lists themselves
        while len(sheet.rows) < r1:
            sheet.rows.append([])
        sheet.rows[r0:r1] = [sheet.rows[old] for old in order]
    else:
        snapshot = {r: [sheet.get(r, c) for c in range(c0, c1)] for r in rows if r < len(sheet.rows)}
        for old, new in moved.items():
            for j, value in enumerate(snapshot.get(old, [None] * (c1 - c0))):
                set_value(sheet, new, c0 + j, value)
    for name in ("formulas", "notes", "cell_formats"):
        d = getattr(sheet, name)
        setattr(sheet, name, {((moved[r] if r in moved and c0 <= c < c1 else r), c): v for (r, c), v in d.items()})


def negate(v: Any) -> Any:
    if isinstance(v, str):
        return (*(-ord(ch) for ch in v), 1)  # reverses text order; a prefix sorts after longer text
    return -v


def sort_key(value: Any) -> tuple[int, Any]:
    """Google orders numbers before text before booleans; text case-insensitively."""
    if isinstance(value, bool):
        return (2, int(value))
    if isinstance(value, float | int):
        return (0, value)
    return (1, str(value).casefold())


def set_value(sheet: Sheet, r: int, c: int, value: Any) -> None:
    """Set a value and leave the cell's formula entry alone (the caller moves formulas itself)."""
    while len(sheet.rows) <= r:
        sheet.rows.append([])
    row = sheet.rows[r]
    if len(row) <= c:
        if value is None:
            return
        row.extend([None] * (c + 1 - len(row)))
    row[c] = value


@handles("mergeCells")
def merge_cells(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, *_ = grid_range(book, body["range"], where)
    rng = body["range"]
    kind = body.get("mergeType", "MERGE_ALL")
    r0, r1 = rng.get("startRowIndex", 0), rng.get("endRowIndex", sheet.row_count)
    c0, c1 = rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.column_count)
    pieces = (
        [(r, r + 1, c0, c1) for r in range(r0, r1)]
        if kind == "MERGE_ROWS"
        else [(r0, r1, c, c + 1) for c in range(c0, c1)]
        if kind == "MERGE_COLUMNS"
        else [(r0, r1, c0, c1)]
    )
    sheet.merges = [m for m in sheet.merges if not overlaps(m, r0, r1, c0, c1)]  # a new merge replaces them
    for a, b, c, d in pieces:
        sheet.merges.append(
            reply_range(
                {"sheetId": sheet.id, "startRowIndex": a, "endRowIndex": b, "startColumnIndex": c, "endColumnIndex": d}
            )
        )
        for r in range(a, b):
            for col in range(c, d):
                if (r, col) != (a, c):
                    sheet.put(r, col, None)


def overlaps(m: dict[str, Any], r0: int, r1: int, c0: int, c1: int) -> bool:
    return (
        m.get("startRowIndex", 0) < r1
        and r0 < m.get("endRowIndex", 0)
        and m.get("startColumnIndex", 0) < c1
        and c0 < m.get("endColumnIndex", 0)
    )


@handles("copyPaste")
def copy_paste(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body["source"], where)
    target, t0, _, u0, _ = grid_range(book, body["destination"], where)
    block = [[sheet.get(r, c) for c in range(c0, c1)] for r in range(r0, r1)]
    for i, row in enumerate(block):
        for j, value in enumerate(row):
            target.put(t0 + i, u0 + j, value)


@handles("cutPaste")
def cut_paste(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body["source"], where)
    dest = body["destination"]
    target = book.sheet_by_id(dest.get("sheetId", 0))
    block = [[sheet.get(r, c) for c in range(c0, c1)] for r in range(r0, r1)]
    for r in range(r0, r1):
        for c in range(c0, c1):
            sheet.put(r, c, None)
    for i, row in enumerate(block):
        for j, value in enumerate(row):
            target.put(dest.get("rowIndex", 0) + i, dest.get("columnIndex", 0) + j, value)


@handles("unmergeCells")
def unmerge_cells(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body["range"], where)
    outer = {"startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}
    sheet.merges = [m for m in sheet.merges if not covers(outer, m)]


@handles("addNamedRange")
def add_named_range(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    given = body["namedRange"]
    stored = {"namedRangeId": str(book.new_id()), "name": given["name"], "range": reply_range(given["range"])}
    book.named_ranges.append(stored)
    return {"namedRange": stored}


@handles("deleteNamedRange")
def delete_named_range(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    book.named_ranges = [n for n in book.named_ranges if n["namedRangeId"] != body.get("namedRangeId")]


@handles("updateNamedRange")
def update_named_range(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    given = body["namedRange"]
    for stored in book.named_ranges:
        if stored["namedRangeId"] == given.get("namedRangeId"):
            set_fields(stored, {**given, "range": reply_range(given.get("range", {}))}, body.get("fields", "*"))


@handles("setBasicFilter")
def set_basic_filter(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    rng = body["filter"].get("range", {})
    sheet = book.sheet_by_id(rng.get("sheetId", 0))
    bounds = {"endRowIndex": sheet.row_count, "endColumnIndex": sheet.column_count, **rng}
    bounds = {"startRowIndex": 0, "startColumnIndex": 0, **bounds}  # a filter's range keeps its zeros
    sheet.basic_filter = {**body["filter"], "range": reply_range(bounds)}


@handles("clearBasicFilter")
def clear_basic_filter(book: Spreadsheet, body: dict[str, Any], where: str) -> None:
    book.sheet_by_id(body.get("sheetId", 0)).basic_filter = None


@handles("addDimensionGroup")
def add_dimension_group(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = book.sheet_by_id(body["range"].get("sheetId", 0))
    sheet.groups.append({"range": reply_range(body["range"]), "depth": 1})
    return {"dimensionGroups": [dict(g) for g in sheet.groups]}


@handles("deleteDimensionGroup")
def delete_dimension_group(book: Spreadsheet, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = book.sheet_by_id(body["range"].get("sheetId", 0))
    wanted = reply_range(body["range"])
    sheet.groups = [g for g in sheet.groups if g["range"] != wanted]
    return {"dimensionGroups": [dict(g) for g in sheet.groups]} if sheet.groups else {}


def cell_in_validation(sheet: Sheet, r: int, c: int) -> dict[str, Any] | None:
    for rng, rule in reversed(sheet.validations):
        if in_range(rng, r, c, sheet):
            return rule
    return None
