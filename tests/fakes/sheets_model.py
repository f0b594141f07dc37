"""The state of one fake spreadsheet and the Sheets API v4 operations on it.

Cells hold what Google stores: a value (str, float, bool or None), and sparsely a formula, a
note, a format and a validation rule. Reads render values as Google does (FORMATTED_VALUE by
default, trailing empty cells and rows dropped). Every method raises `ApiError` with Google's
status and message where Google answers with an error.
"""

from __future__ import annotations

import copy
import math
import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import a1

CELL_LIMIT = 10_000_000
CHAR_LIMIT = 50_000
DEFAULT_ROWS, DEFAULT_COLUMNS = 1000, 26
DEFAULT_PIXELS = {"ROWS": 21, "COLUMNS": 100}

Value = str | float | bool | None


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str | None = "INVALID_ARGUMENT", **extra: Any) -> None:
        super().__init__(message)
        self.code, self.message, self.status, self.extra = code, message, status, extra

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.status:  # Sheets sends a status; Drive v3 sends `errors` instead
            error["status"] = self.status
        return {"error": {**error, **self.extra}}


def not_found() -> ApiError:
    return ApiError(404, "Requested entity was not found.", "NOT_FOUND")


# Spreadsheet-level defaults exactly as Google returns them for a new spreadsheet.
WHITE = {"red": 1, "green": 1, "blue": 1}
DEFAULT_PROPERTIES: dict[str, Any] = {
    "locale": "en_US",
    "autoRecalc": "ON_CHANGE",
    "timeZone": "Etc/GMT",
    "defaultFormat": {
        "backgroundColor": WHITE,
        "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
        "verticalAlignment": "BOTTOM",
        "wrapStrategy": "OVERFLOW_CELL",
        "textFormat": {
            "foregroundColor": {},
            "fontFamily": "arial,sans,sans-serif",
            "fontSize": 10,
            "bold": False,
            "italic": False,
            "strikethrough": False,
            "underline": False,
            "foregroundColorStyle": {"rgbColor": {}},
        },
        "backgroundColorStyle": {"rgbColor": WHITE},
    },
    "spreadsheetTheme": {
        "primaryFontFamily": "Arial",
        "themeColors": [
            {"colorType": "TEXT", "color": {"rgbColor": {}}},
            {"colorType": "BACKGROUND", "color": {"rgbColor": WHITE}},
            {
                "colorType": "ACCENT1",
                "color": {"rgbColor": {"red": 0.25882354, "green": 0.52156866, "blue": 0.95686275}},
            },
            {
                "colorType": "ACCENT2",
                "color": {"rgbColor": {"red": 0.91764706, "green": 0.2627451, "blue": 0.20784314}},
            },
            {
                "colorType": "ACCENT3",
                "color": {"rgbColor": {"red": 0.9843137, "green": 0.7372549, "blue": 0.015686275}},
            },
            {
                "colorType": "ACCENT4",
                "color": {"rgbColor": {"red": 0.20392157, "green": 0.65882355, "blue": 0.3254902}},
            },
            {"colorType": "ACCENT5", "color": {"rgbColor": {"red": 1, "green": 0.42745098, "blue": 0.003921569}}},
            {"colorType": "ACCENT6", "color": {"rgbColor": {"red": 0.27450982, "green": 0.7411765, "blue": 0.7764706}}},
            {"colorType": "LINK", "color": {"rgbColor": {"red": 0.06666667, "green": 0.33333334, "blue": 0.8}}},
        ],
    },
}

NUMBER = re.compile(r"^[+-]?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERCENT = re.compile(r"^[+-]?\d+(?:\.\d+)?%$")
ARITHMETIC = re.compile(r"^[\d\s.+\-*/()]+$")


@dataclass
class Sheet:
    props: dict[str, Any]
    rows: list[list[Value]] = field(default_factory=list)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    cell_formats: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    range_formats: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    validations: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    conditional: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    sizes: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    basic_filter: dict[str, Any] | None = None
    groups: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.props["sheetId"])

    @property
    def title(self) -> str:
        return str(self.props["title"])

    @property
    def row_count(self) -> int:
        return int(self.props["gridProperties"]["rowCount"])

    @property
    def column_count(self) -> int:
        return int(self.props["gridProperties"]["columnCount"])

    def resize(self, rows: int | None = None, columns: int | None = None) -> None:
        grid = self.props["gridProperties"]
        if rows is not None:
            grid["rowCount"] = rows
            del self.rows[rows:]
        if columns is not None:
            grid["columnCount"] = columns
            for row in self.rows:
                del row[columns:]
            for d in (self.formulas, self.notes, self.cell_formats):
                for key in [k for k in d if k[1] >= columns]:
                    del d[key]

    def get(self, r: int, c: int) -> Value:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def put(self, r: int, c: int, value: Value, formula: str | None = None) -> None:
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        if len(row) <= c:
            if value is None:
                self.formulas.pop((r, c), None)
                return
            row.extend([None] * (c + 1 - len(row)))
        row[c] = value
        if formula is None:
            self.formulas.pop((r, c), None)
        else:
            self.formulas[(r, c)] = formula

    def clone(self) -> Sheet:
        twin = copy.copy(self)
        twin.props = copy.deepcopy(self.props)
        twin.rows = [list(r) for r in self.rows]
        for name in ("formulas", "notes", "cell_formats", "sizes"):
            setattr(twin, name, dict(getattr(self, name)))
        for name in ("range_formats", "validations", "conditional", "protected", "merges", "groups"):
            setattr(twin, name, copy.deepcopy(getattr(self, name)))
        return twin

    # --- rendering ------------------------------------------------------------------------

    def number_format(self, r: int, c: int) -> dict[str, Any] | None:
        own = self.cell_formats.get((r, c), {}).get("numberFormat")
        if own:
            return own
        if c not in self.formatted_columns():
            return None
        for rng, fmt in reversed(self.range_formats):
            if "numberFormat" in fmt and in_range(rng, r, c, self):
                return fmt["numberFormat"]
        return None

    def formatted_columns(self) -> set[int]:
        """Columns some range number format touches (computed once per set of range formats)."""
        key = len(self.range_formats), self.column_count
        if getattr(self, "_formatted_key", None) != key:
            self._formatted = {
                c
                for rng, fmt in self.range_formats
                if "numberFormat" in fmt
                for c in range(rng.get("startColumnIndex", 0), rng.get("endColumnIndex", self.column_count))
            }
            self._formatted_key = key
        return self._formatted

    def rendered(self, r: int, c: int, option: str, dates: str = "SERIAL_NUMBER") -> Any:
        value = self.get(r, c)
        if option == "FORMULA" and (r, c) in self.formulas:
            return self.formulas[(r, c)]
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if option in ("UNFORMATTED_VALUE", "FORMULA"):
            number_format = self.number_format(r, c) if dates == "FORMATTED_STRING" else None
            if number_format and number_format.get("type") in ("DATE", "DATE_TIME"):
                return formatted(value, number_format)
            return json_number(value) if isinstance(value, float) else value
        return formatted(value, self.number_format(r, c))


def json_number(x: float) -> int | float:
    return int(x) if x.is_integer() and abs(x) < 1e15 else x


def formatted(value: Value, number_format: dict[str, Any] | None) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str) or value is None:
        return value or ""
    pattern = (number_format or {}).get("pattern", "")
    kind = (number_format or {}).get("type", "")
    if kind in ("DATE", "DATE_TIME") or pattern.startswith("yyyy"):
        day = date(1899, 12, 30) + timedelta(days=int(value))
        return day.isoformat()
    if pattern.endswith("%"):
        decimals = len(pattern.split(".")[1]) - 1 if "." in pattern else 0
        return f"{round_half_up(value * 100, decimals):.{decimals}f}%"
    if pattern:
        decimals = len(pattern.split(".")[1]) if "." in pattern else 0
        grouped = "," if "," in pattern else ""
        return f"{round_half_up(value, decimals):{grouped}.{decimals}f}"
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa}E{'+' if int(exponent) >= 0 else '-'}{abs(int(exponent)):02d}"
    return text


def round_half_up(x: float, decimals: int) -> float:
    scale = 10**decimals
    return math.floor(abs(x) * scale + 0.5) / scale * (1 if x >= 0 else -1)


def in_range(rng: dict[str, Any], r: int, c: int, sheet: Sheet) -> bool:
    return rng.get("startRowIndex", 0) <= r < rng.get("endRowIndex", sheet.row_count) and rng.get(
        "startColumnIndex", 0
    ) <= c < rng.get("endColumnIndex", sheet.column_count)


def user_entered(text: Any) -> tuple[Value, str | None, dict[str, Any] | None]:
    """(value, formula, number format) for input typed with valueInputOption=USER_ENTERED."""
    if not isinstance(text, str):
        return raw(text), None, None
    if text.startswith("'"):
        return text[1:], None, None
    if text.startswith("=") and len(text) > 1:
        expr = text[1:]
        if ARITHMETIC.match(expr):
            try:
                return float(eval(expr, {"__builtins__": {}})), text, None  # digits and operators only
            except (SyntaxError, ZeroDivisionError):
                return "#ERROR!", text, None
        return "#NAME?", text, None
    if text.upper() in ("TRUE", "FALSE"):
        return text.upper() == "TRUE", None, None
    m = NUMBER.match(text.strip())
    if m:
        number = float(text.replace(",", ""))
        if "," in m["int"]:
            decimals = len(m["frac"]) - 1 if m["frac"] else 0
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            return number, None, {"type": "NUMBER", "pattern": pattern}
        return number, None, None
    if DATE.match(text.strip()):
        day = date.fromisoformat(text.strip())
        return float((day - date(1899, 12, 30)).days), None, {"type": "DATE", "pattern": "yyyy-mm-dd"}
    if PERCENT.match(text.strip()):
        return float(text.strip()[:-1]) / 100, None, {"type": "PERCENT", "pattern": "0%"}
    return text, None, None


def raw(value: Any) -> Value:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    raise ApiError(400, f"Invalid values: {value!r}")


@dataclass
class Spreadsheet:
    id: str
    title: str
    sheets: list[Sheet]
    locale: str = "en_US"
    named_ranges: list[dict[str, Any]] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    @classmethod
    def new(cls, id: str, title: str) -> Spreadsheet:
        book = cls(id, title, [])
        book.properties = {"title": title, **copy.deepcopy(DEFAULT_PROPERTIES)}
        book.sheets.append(book.make_sheet({"sheetId": 0, "title": "Sheet1"}))
        return book

    def clone(self) -> Spreadsheet:
        twin = copy.copy(self)
        twin.sheets = [s.clone() for s in self.sheets]
        twin.named_ranges = copy.deepcopy(self.named_ranges)
        twin.properties = copy.deepcopy(self.properties)
        return twin

    def make_sheet(self, given: dict[str, Any]) -> Sheet:
        grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLUMNS, **given.get("gridProperties", {})}
        props: dict[str, Any] = {
            "sheetId": given.get("sheetId", self.new_id()),
            "title": given.get("title") or f"Sheet{len(self.sheets) + 1}",
            "index": given.get("index", len(self.sheets)),
            "sheetType": given.get("sheetType", "GRID"),
            "gridProperties": grid,
        }
        for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
            if given.get(key) is not None:
                props[key] = given[key]
        return Sheet(props)

    def new_id(self) -> int:
        return self.rng.randrange(1, 2**31 - 1)

    def sheet_by_title(self, title: str | None) -> Sheet:
        if title is None:
            return self.sheets[0]
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        for sheet in self.sheets:
            if sheet.title.casefold() == title.casefold():
                return sheet
        raise ApiError(400, f"Unable to parse range: {a1.quote(title)}")

    def sheet_by_id(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.id == int(sheet_id or 0):
                return sheet
        raise ApiError(400, f"No grid with id: {sheet_id}")

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def cells(self) -> int:
        return sum(s.row_count * s.column_count for s in self.sheets)

    def check_limits(self) -> None:
        if self.cells() > CELL_LIMIT:
            raise ApiError(
                400,
                f"This action would increase the number of cells in the workbook above the limit of "
                f"{CELL_LIMIT:,} cells.".replace(",", ""),
            )

    # --- ranges ----------------------------------------------------------------------------

    def resolve(self, text: str) -> tuple[Sheet, int, int, int, int, a1.A1]:
        """Sheet and bounds of an A1 range, open ends closed at the grid's edge."""
        try:
            parsed = a1.parse(text, [s.title for s in self.sheets])
        except a1.RangeError:
            raise ApiError(400, f"Unable to parse range: {text}") from None
        sheet = self.sheet_by_title(parsed.title)
        row0 = parsed.row0 or 0
        col0 = parsed.col0 or 0
        row1 = parsed.row1 if parsed.row1 is not None else sheet.row_count
        col1 = parsed.col1 if parsed.col1 is not None else sheet.column_count
        return sheet, row0, row1, col0, col1, parsed

    def read(
        self, text: str, option: str = "FORMATTED_VALUE", major: str = "ROWS", dates: str = "SERIAL_NUMBER"
    ) -> dict[str, Any]:
        sheet, row0, row1, col0, col1, _ = self.resolve(text)
        row1, col1 = min(row1, sheet.row_count), min(col1, sheet.column_count)
        out: dict[str, Any] = {"range": a1.render(sheet.title, row0, max(row1, row0 + 1), col0, max(col1, col0 + 1))}
        out["majorDimension"] = major
        grid = []
        for r in range(row0, min(row1, len(sheet.rows))):
            cells = sheet.rows[r]
            end = min(col1, len(cells))
            line = [
                v if type(v) is str else "" if v is None else sheet.rendered(r, c, option, dates)
                for c, v in zip(range(col0, end), cells[col0:end], strict=True)
            ]
            while line and line[-1] == "":
                line.pop()
            grid.append(line)
        if major == "COLUMNS":
            width = max((len(r) for r in grid), default=0)
            grid = [[r[c] if c < len(r) else "" for r in grid] for c in range(width)]
            grid = [trim(col) for col in grid]
        while grid and not grid[-1]:
            grid.pop()
        if grid:
            out["values"] = grid
        return out

    def write(
        self, text: str, values: Any, option: str, major: str | None = "ROWS", extend: bool = True
    ) -> dict[str, Any]:
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "Invalid valueInputOption: " + str(option))
        if not isinstance(values, list) or any(not isinstance(r, list) for r in values):
            message = f"Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"{values}\""
            raise ApiError(
                400,
                message,
                details=[
                    {
                        "@type": "type.googleapis.com/google.rpc.BadRequest",
                        "fieldViolations": [{"field": "data.values", "description": message}],
                    }
                ],
            )
        if (major or "ROWS") == "COLUMNS":
            width = max((len(c) for c in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        sheet, row0, row1, col0, col1, parsed = self.resolve(text)
        height = len(values)
        width = max((len(r) for r in values), default=0)
        if parsed.row1 is not None and parsed.row0 is not None and row0 + height > row1 and parsed.row1 > row0 + 1:
            raise ApiError(
                400,
                f"Requested writing within range [{text}], but tried writing to row [{row0 + height}]",
            )
        if parsed.col1 is not None and parsed.col0 is not None and col0 + width > col1 and parsed.col1 > col0 + 1:
            raise ApiError(
                400,
                f"Requested writing within range [{text}], but tried writing to column "
                f"[{a1.column_letters(col0 + width - 1)}]",
            )
        for row in values:
            for cell in row:
                if isinstance(cell, str) and len(cell) > CHAR_LIMIT:
                    raise ApiError(
                        400, f"Your input contains more than the maximum of {CHAR_LIMIT} characters in a single cell."
                    )
        if extend:
            self.grow(sheet, row0 + height, col0 + width)
        elif row0 + height > sheet.row_count or col0 + width > sheet.column_count:
            raise ApiError(400, f"Range ({sheet.title}!{text}) exceeds grid limits.")
        cells = 0
        for i, row in enumerate(values):
            if option == "RAW":
                cells += self.write_raw_row(sheet, row0 + i, col0, row)
                continue
            for j, cell in enumerate(row):
                if cell is None:
                    continue
                cells += 1
                value, formula, number_format = user_entered(cell)
                sheet.put(row0 + i, col0 + j, value if value != "" else None, formula)
                if number_format:
                    sheet.cell_formats[(row0 + i, col0 + j)] = {"numberFormat": number_format}
        rows_written = sum(1 for r in values if any(c is not None for c in r))
        cols_written = len({j for r in values for j, c in enumerate(r) if c is not None})
        if height == 0 or width == 0:
            return {"spreadsheetId": self.id, "updatedRange": a1.render(sheet.title, row0, row0 + 1, col0, col0 + 1)}
        return {
            "spreadsheetId": self.id,
            "updatedRange": a1.render(sheet.title, row0, row0 + height, col0, col0 + width),
            "updatedRows": rows_written,
            "updatedColumns": cols_written,
            "updatedCells": cells,
        }

    @staticmethod
    def write_raw_row(sheet: Sheet, r: int, col0: int, row: list[Any]) -> int:
        """One row of RAW input: text stays text, numbers numbers, null leaves the cell alone."""
        while len(sheet.rows) <= r:
            sheet.rows.append([])
        target = sheet.rows[r]
        if len(target) < col0 + len(row):
            target.extend([None] * (col0 + len(row) - len(target)))
        written = 0
        for j, cell in enumerate(row):
            if cell is None:
                continue
            written += 1
            target[col0 + j] = None if cell == "" else cell if type(cell) is str else raw(cell)
            if sheet.formulas:
                sheet.formulas.pop((r, col0 + j), None)
        return written

    def grow(self, sheet: Sheet, rows: int, columns: int) -> None:
        grid = sheet.props["gridProperties"]
        grid["rowCount"] = max(grid["rowCount"], rows)
        grid["columnCount"] = max(grid["columnCount"], columns)
        self.check_limits()

    def clear(self, text: str) -> str:
        sheet, row0, row1, col0, col1, _ = self.resolve(text)
        row1, col1 = min(row1, sheet.row_count), min(col1, sheet.column_count)
        for r in range(row0, min(row1, len(sheet.rows))):
            for c in range(col0, min(col1, len(sheet.rows[r]))):
                sheet.put(r, c, None)
        return a1.render(sheet.title, row0, row1, col0, col1)

    def append(self, text: str, values: Any, option: str, insert: str, major: str | None = None) -> dict[str, Any]:
        if major == "COLUMNS" and isinstance(values, list):
            width = max((len(c) for c in values), default=0)
            values = [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        sheet, row0, row1, col0, col1, _ = self.resolve(text)
        start_col, table = table_at(sheet, row0, min(row1, sheet.row_count), col0, min(col1, sheet.column_count))
        out: dict[str, Any] = {"spreadsheetId": self.id}
        at = row0
        if table is not None:
            t_row0, t_row1, t_col0, t_col1 = table
            out["tableRange"] = a1.render(sheet.title, t_row0, t_row1, t_col0, t_col1)
            at, start_col = t_row1, t_col0
        else:
            start_col = col0
        height = len(values) if isinstance(values, list) else 0
        if insert == "INSERT_ROWS" and height:
            self.insert_rows(sheet, at, height)
        target = a1.render(sheet.title, at, at + 1, start_col, start_col + 1)
        out["updates"] = self.write(target, values, option)
        return out

    def insert_rows(self, sheet: Sheet, at: int, count: int) -> None:
        sheet.props["gridProperties"]["rowCount"] += count
        self.check_limits()
        if at < len(sheet.rows):
            sheet.rows[at:at] = [[] for _ in range(count)]
        for name in ("formulas", "notes", "cell_formats"):
            d = getattr(sheet, name)
            setattr(sheet, name, {((r + count if r >= at else r), c): v for (r, c), v in d.items()})


def trim(line: list[Any]) -> list[Any]:
    while line and line[-1] == "":
        line.pop()
    return line


def table_at(sheet: Sheet, row0: int, row1: int, col0: int, col1: int) -> tuple[int, tuple[int, int, int, int] | None]:
    """The "table" values:append finds in a range: Google appends after its last row.

    Google scans the range's rows for the data region: the first run of non-empty cells in the
    first non-empty row (the last run when the range is a whole sheet), extended downwards while
    rows hold data in those columns.
    """
    for r in range(row0, min(row1, len(sheet.rows))):
        cells = sheet.rows[r]
        runs, start = [], None
        for c in range(col0, min(col1, len(cells)) + 1):
            filled = c < len(cells) and c < col1 and cells[c] not in (None, "")
            if filled and start is None:
                start = c
            if not filled and start is not None:
                runs.append((start, c))
                start = None
        if not runs:
            continue
        t_col0, t_col1 = runs[-1] if col0 == 0 and col1 >= sheet.column_count else runs[0]
        end = r + 1
        # The table runs on below the given range (Google: "appended to the next row of the table").
        while end < len(sheet.rows) and any(sheet.get(end, c) not in (None, "") for c in range(t_col0, col1)):
            end += 1
        return t_col0, (r, end, t_col0, t_col1)
    return col0, None
