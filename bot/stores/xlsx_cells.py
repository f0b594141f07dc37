"""The cells of a workbook, read once by our own pass and bound into an openpyxl workbook on demand.

openpyxl's own cell reader spends most of a large workbook's load in Python per cell; this pass
does the same decoding (shared and inline strings, numbers, booleans, dates by their number
format) in a tight loop, and keeps each cell's style so that a workbook to write into can be
built from the small parts (loaded by openpyxl without cells) plus these cells, as openpyxl
itself would have built it. The cells are scanned token by token where a tab holds them in the
form .xlsx writers use, else parsed with lxml. Cells it does not decode the way openpyxl does
(formulas) make the caller fall back to openpyxl.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import itemgetter
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from lxml import etree
from openpyxl.cell import Cell, MergedCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel, from_ISO8601, to_excel
from openpyxl.workbook import Workbook
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import SHEET_MAIN_NS

from .grid import Grid
from .xlsx_parts import split_sheet

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _C, _V, _F, _IS, _T, _R = (_NS + t for t in ("row", "c", "v", "f", "is", "t", "r"))


class NotPlainCells(Exception):
    """The sheet holds cells only openpyxl decodes faithfully (formulas)."""


@dataclass
class SheetCells:
    """One tab's cells: values as a grid (what a reader sees), and what a writer must keep."""

    grid: Grid
    styles: list[list[int]]  # each cell's style index, aligned with `grid` (0: the default)
    errors: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 1-based: error cells
    rows: dict[int, dict[str, str]] = field(default_factory=dict)  # row attributes (height, hidden...)


@dataclass(frozen=True)
class Decoding:
    """What a cell's text needs from the rest of the workbook."""

    shared_strings: Sequence[str]
    date_styles: frozenset[int]
    duration_styles: frozenset[int]
    epoch: datetime


def _text(element: Any) -> str:
    """An inline string's text as openpyxl gives it: the plain text, then each run's."""
    parts = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif child.tag == _R:
            parts.extend(t.text or "" for t in child if t.tag == _T)
    return "".join(parts)


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def parse_sheet(part: bytes, decoding: Decoding) -> SheetCells:
    """The cells of a worksheet part; raises NotPlainCells where openpyxl must read it."""
    scanned = _scanned(part, decoding)
    return scanned if scanned is not None else _parsed(part, decoding)


class _Rows:
    """A tab's rows as they are read, in either reader: the grid, styles, errors and row attributes."""

    def __init__(self) -> None:
        self.grid: Grid = []
        self.styles: list[list[int]] = []
        self.errors: set[tuple[int, int]] = set()
        self.rows: dict[int, dict[str, str]] = {}
        self.row_number = 0
        self._columns: dict[str, int] = {}

    def start(self, attributes: dict[str, str]) -> int:
        """A row begins: its number (its `r`, else the one after the last)."""
        r = attributes.get("r")
        self.row_number = int(float(r)) if r else self.row_number + 1
        if {k for k in attributes if not k.startswith("{")} - {"r", "spans"}:
            self.rows[self.row_number] = attributes
        return self.row_number

    def column(self, ref: str | None, previous: int) -> int:
        """A cell's column, from its reference (`AB12`, or its letters alone), else the one after `previous`."""
        if not ref:
            return previous + 1
        letters = ref.rstrip("0123456789")
        return self._columns.get(letters) or self._columns.setdefault(letters, column_index_from_string(letters))

    def end(self, values: list[Any], styles: list[int]) -> None:
        if values or self.row_number > len(self.grid):
            while len(self.grid) < self.row_number:
                self.grid.append([])
                self.styles.append([])
            self.grid[self.row_number - 1] = values
            self.styles[self.row_number - 1] = styles

    def cells(self) -> SheetCells:
        grid, styles = self.grid, self.styles
        while grid and not grid[-1]:  # rows with attributes only: no cells to read
            grid.pop()
            styles.pop()
        width = max((len(r) for r in grid), default=0)
        for values, row_styles in zip(grid, styles, strict=True):
            values.extend([None] * (width - len(values)))
            row_styles.extend([0] * (width - len(row_styles)))
        return SheetCells(grid, styles, self.errors, self.rows)


def _put(values: list[Any], styles: list[int], column: int, value: Any, style: int) -> None:
    if column > len(values):
        values.extend([None] * (column - len(values)))
        styles.extend([0] * (column - len(styles)))
    values[column - 1] = value
    styles[column - 1] = style


def _parsed(part: bytes, decoding: Decoding) -> SheetCells:
    """The cells as lxml parses the part: any XML a worksheet may hold."""
    rows = _Rows()
    for _, row in etree.iterparse(io.BytesIO(part), events=("end",), tag=_ROW, huge_tree=True):
        row_number = rows.start(dict(row.attrib))
        values: list[Any] = []
        row_styles: list[int] = []
        column = 0
        for c in row:
            if c.tag != _C:
                continue
            column = rows.column(c.get("r"), column)
            value, kind = _decode(c, decoding)
            if kind == "e":
                rows.errors.add((row_number, column))
            _put(values, row_styles, column, value, int(c.get("s") or 0))
        row.clear()
        rows.end(values, row_styles)
    return rows.cells()


# <sheetData> as the writers of .xlsx files (Excel, LibreOffice, openpyxl, this module) write it,
# token by token: a cell (attributes r, s and t, in that order) with a value (<v>) or an inline
# string, a row's opening tag, a row's end, whitespace between them. Reading these with a regular
# expression costs a fraction of a parser's Python call per element; a tab holding anything else
# (formulas, rich text, other attributes, comments, a namespace prefix) is read by lxml.
_TOKEN = re.compile(
    r'<c(?: r="([A-Z]{1,3})[0-9]*")?(?: s="([0-9]+)")?(?: t="([A-Za-z]+)")?'
    r'(?:/>|>(?:<v>([^<]*)</v>|<v/>|(<is>)<t(?: xml:space="preserve")?(?:/>|>([^<]*)</t>)</is>|)</c>)'
    r'|<row((?:[ \t\n\r]+[\w.:-]+="[^"<&\t\n\r]*")*)[ \t\n\r]*(/?)>|</row>|[ \t\n\r]+'
)
_ATTRIBUTE = re.compile(r'([\w.:-]+)="([^"]*)"')
_DECLARATION = re.compile(r'\sxmlns(?::([\w.-]+))?="([^"]*)"')
_REFERENCE = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class _NotScanned(Exception):
    """The part holds XML the scan does not read as a parser would: lxml reads it."""


def _scanned(part: bytes, decoding: Decoding) -> SheetCells | None:
    """The cells read token by token (see `_TOKEN`), or None where lxml must read the part."""
    split = split_sheet(part)
    head = part[:200].lower()
    if split is None or split.prefix or not split.cells or (b"encoding=" in head and b"utf-8" not in head):
        return None
    root = re.search(rb"<worksheet\b[^>]*>", split.head)
    names = {m[1] or "": m[2] for m in _DECLARATION.finditer(root[0].decode("utf-8"))} if root else {}
    try:
        text = split.cells.decode("utf-8")
        if names.get("") != SHEET_MAIN_NS or not text.startswith("<sheetData>"):
            return None
        return _scan(text, len("<sheetData>"), len(text) - len("</sheetData>"), names, decoding)
    except (_NotScanned, UnicodeDecodeError):
        return None


def _scan(text: str, start: int, stop: int, names: dict[str, str], decoding: Decoding) -> SheetCells:
    """The tokens of `text[start:stop]`, each right after the last; in the loop, what nearly every
    cell is (text, a number, empty) is decoded in place: a function call per cell is most of the cost."""
    rows = _Rows()
    columns: dict[str, int] = {}
    dates = decoding.date_styles
    values: list[Any] = []
    row_styles: list[int] = []
    row_number = column = 0
    at = start
    for m in _TOKEN.finditer(text, start, stop):
        if m.start() != at:
            raise _NotScanned("something between tokens")
        at = m.end()
        first = text[m.start() + 1] if at - m.start() > 1 else ""
        if first == "c":
            letters, style_text, kind, number, inline, inline_text = m.groups()[:6]
            if letters:
                column = columns.get(letters) or columns.setdefault(letters, column_index_from_string(letters))
            else:
                column += 1
            style = int(style_text) if style_text else 0
            if inline and kind == "inlineStr":
                value: Any = _unescaped(inline_text) if inline_text else ""
            elif number and (kind is None or kind == "n") and style not in dates:
                value = _number(number)
            else:
                text_value = _unescaped(number) if number is not None else None
                inline_value = (_unescaped(inline_text) if inline_text else "") if inline else None
                value, kind = _value(kind or "n", text_value, inline_value, style, decoding)
                if kind == "e":
                    rows.errors.add((row_number, column))
            if column == len(values) + 1:
                values.append(value)
                row_styles.append(style)
            else:
                _put(values, row_styles, column, value, style)
        elif first == "r":
            row_number = rows.start(_row_attributes(m[7], names))
            values, row_styles, column = [], [], 0
            if m[8]:  # <row .../>: no cells
                rows.end(values, row_styles)
        elif first == "/":
            rows.end(values, row_styles)
    if at != stop:
        raise _NotScanned("something after the last token")
    return rows.cells()


def _row_attributes(attributes: str, names: dict[str, str]) -> dict[str, str]:
    """A row's attributes as lxml gives them: a prefixed name as `{namespace}name`."""
    out = {}
    for name, value in _ATTRIBUTE.findall(attributes):
        prefix, _, local = name.rpartition(":")
        if prefix == "xmlns" or name == "xmlns" or (prefix and prefix not in names):
            raise _NotScanned("a namespace declared on a row")
        out[f"{{{names[prefix]}}}{local}" if prefix else name] = _unescaped(value)
    return out


def _unescaped(text: str) -> str:
    """Element or attribute text as an XML parser gives it: line ends as \\n, references resolved."""
    if "&" not in text and "\r" not in text:
        return text
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "&" not in text:
        return text
    resolved, count = _REFERENCE.subn(_resolved, text)
    if count != text.count("&"):
        raise _NotScanned("an entity only a parser knows")
    return resolved


def _resolved(reference: re.Match[str]) -> str:
    name, decimal, hexadecimal = reference.groups()
    if name:
        return _ENTITIES[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code < 0x20 and code not in (0x9, 0xA, 0xD):
        raise _NotScanned("a character XML 1.0 does not allow")  # lxml refuses the file
    return chr(code)


def _decode(c: Any, decoding: Decoding) -> tuple[Any, str]:
    """A cell element's value and openpyxl's data type for it."""
    text: str | None = None
    inline = None
    for child in c:
        tag = child.tag
        if tag == _V:
            text = child.text
        elif tag == _F:
            raise NotPlainCells("a formula")
        elif tag == _IS:
            inline = child
    inline_text = _text(inline) if inline is not None else None
    return _value(c.get("t", "n"), text, inline_text, int(c.get("s") or 0), decoding)


def _value(kind: str, text: str | None, inline: str | None, style: int, decoding: Decoding) -> tuple[Any, str]:
    """A cell's value and openpyxl's data type for it, from its type, <v> text, inline string and style."""
    if kind == "inlineStr":
        return (inline, "s") if inline is not None else (None, "n")
    if not text:
        return None, kind
    if kind == "n":
        number = _number(text)
        if style in decoding.date_styles:
            try:
                return from_excel(number, decoding.epoch, timedelta=style in decoding.duration_styles), "d"
            except (OverflowError, ValueError):
                return "#VALUE!", "e"
        return number, "n"
    if kind == "s":
        try:
            return decoding.shared_strings[int(text)], "s"
        except IndexError as exc:  # no shared strings were read with this part
            raise NotPlainCells("a shared string") from exc
    if kind == "b":
        return bool(int(text)), "b"
    if kind == "str":
        return text, "s"
    if kind == "d":
        return from_ISO8601(text), "d"
    return text, kind


def bind(wb: Workbook, ws: Worksheet, cells: SheetCells) -> None:
    """Put `cells` into `ws` (loaded without them) as openpyxl's loader would have."""
    cell_styles = wb._cell_styles
    existing = ws._cells  # cells openpyxl made for notes and links: keep them, with their note
    made = set(existing)
    for r, (values, row_styles) in enumerate(zip(cells.grid, cells.styles, strict=True), start=1):
        for col, (value, style) in enumerate(zip(values, row_styles, strict=True), start=1):
            if value is None and not style:
                continue
            if (r, col) in made:
                found = existing[(r, col)]
                if isinstance(found, MergedCell):
                    continue
                found._style = StyleArray(cell_styles[style])
            else:
                found = existing[(r, col)] = Cell(ws, r, col, None, cell_styles[style])
            found._value = value
            found.data_type = _data_type(value, (r, col) in cells.errors)
    for r, attributes in cells.rows.items():
        dimension: dict[str, Any] = dict(attributes)
        if "s" in dimension:
            dimension["s"] = cell_styles[int(dimension["s"])]
        ws.row_dimensions[r] = RowDimension(ws, **dimension)
    if ws._cells:
        ws._current_row = ws.max_row


def _data_type(value: object, error: bool) -> str:
    if error:
        return "e"
    if isinstance(value, bool):
        return "b"
    if value is None or isinstance(value, int | float):
        return "n"
    if isinstance(value, str):
        return "s"
    return "d"


_CARRIAGE_RETURN = {"\r": "&#13;"}
_NO_VALUE = type(None)


@dataclass(frozen=True)
class _RowShape:
    """How every row of one shape (each cell's type and style) is written: the row's markup with a
    `%s` for each value, in pieces the row number joins; and which of its cells hold values, text
    and floats. A large tab's rows share a few shapes, and a row written this way costs two string
    operations instead of a few per cell."""

    pieces: tuple[str, ...]
    values: Callable[[Sequence[Any]], tuple[Any, ...]]
    texts: Callable[[Sequence[Any]], tuple[str, ...]]
    floats: Callable[[Sequence[Any]], tuple[float, ...]]
    dated: bool  # a number in a date style, which a parse reads back as a date

    def xml(self, row: str, values: Sequence[Any]) -> str | None:
        """The row's markup; None when a value needs a closer look (text to escape or whose spaces
        must be kept, a number that is not finite)."""
        texts = self.texts(values)
        joined = "".join(texts)
        if "&" in joined or "<" in joined or ">" in joined or "\r" in joined or "\n" in joined:
            return None
        if len("".join(map(str.strip, texts))) != len(joined):  # a text starts or ends with a space
            return None
        if not all(map(math.isfinite, self.floats(values))):
            return None
        return row.join(self.pieces) % self.values(values)


def _row_shape(
    types: tuple[type, ...], styles: tuple[int, ...], letters: Sequence[str], p: str, date_styles: frozenset[int]
) -> _RowShape | None:
    """How rows of this shape are written; None for a shape holding a value of another type."""
    markup = [f'<{p}row r="', '">']
    values: list[int] = []
    texts: list[int] = []
    floats: list[int] = []
    dated = False
    for col, (letter, kind, style) in enumerate(zip(letters, types, styles, strict=False)):
        if kind is _NO_VALUE and not style:
            continue
        markup[-1] += f'<{p}c r="{letter}'
        head = '"' + (f' s="{style}"' if style else "")
        if kind is _NO_VALUE:
            markup.append(f"{head}/>")
            continue
        if kind is str:
            markup.append(f'{head} t="inlineStr"><{p}is><{p}t>%s</{p}t></{p}is></{p}c>')
            texts.append(col)
        elif kind is int or kind is float:
            markup.append(f'{head} t="n"><{p}v>%r</{p}v></{p}c>')
            floats += [col] if kind is float else []
            dated = dated or style in date_styles
        else:
            return None
        values.append(col)
    markup[-1] += f"</{p}row>"
    return _RowShape(tuple(markup), _getter(values), _getter(texts), _getter(floats), dated)


def _getter(positions: list[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """The items of a row at `positions`, always as a tuple."""
    if len(positions) == 1:
        at = positions[0]
        return lambda row: (row[at],)
    return itemgetter(*positions) if positions else lambda row: ()


def sheet_data_xml(
    cells: SheetCells, prefix: bytes, epoch: datetime = WINDOWS_EPOCH, date_styles: frozenset[int] = frozenset()
) -> tuple[bytes, bool] | None:
    """`cells` as a <sheetData> element for a part whose elements take `prefix`, each cell with its
    style and each row with its (unprefixed) attributes, as openpyxl writes them (dates as serial
    numbers from the workbook's `epoch`); None when a value needs openpyxl (text XML cannot hold).

    With it, whether `as_parsed(cells)` is what `parse_sheet` reads from it, given the styles a
    reader takes numbers in as dates (`date_styles`): true for text, numbers and booleans, not
    for dates, error values or numbers in a date style, which a parse turns into other values."""
    p = prefix.decode("ascii")
    plain = not cells.errors and not p  # a prefixed part is read by lxml, which normalises line ends
    width = max((len(row) for row in cells.grid), default=0)
    letters = [get_column_letter(col) for col in range(1, width + 1)]
    # a large tab has few distinct styles: each one's attribute text is made once
    style_attributes: dict[int, str] = {}
    text_open, text_spaced = f' t="inlineStr"><{p}is><{p}t>', f' t="inlineStr"><{p}is><{p}t xml:space="preserve">'
    text_close, value_close = f"</{p}t></{p}is></{p}c>", f"</{p}v></{p}c>"
    number_open = f' t="n"><{p}v>'
    out = [f"<{p}sheetData>"]
    add = out.append
    encoded: list[bytes] = []
    errors = cells.errors
    shapes: dict[tuple[tuple[type, ...], tuple[int, ...]], _RowShape | None] = {}
    for r, (values, styles) in enumerate(zip(cells.grid, cells.styles, strict=True), start=1):
        if len(out) >= _ENCODED_EVERY:
            if (chunk := _encoded(out)) is None:
                return None
            encoded.append(chunk)
            out.clear()
        row = str(r)
        if not errors and r not in cells.rows:  # nearly every row: written by its shape
            key = (tuple(map(type, values)), tuple(styles))
            shape = shapes[key] if key in shapes else shapes.setdefault(key, _row_shape(*key, letters, p, date_styles))
            if shape is not None and (written := shape.xml(row, values)) is not None:
                plain = plain and not shape.dated
                add(written)
                continue
        attributes = {k: v for k, v in cells.rows.get(r, {}).items() if not k.startswith("{") and k != "spans"}
        attributes["r"] = row
        add(f"<{p}row" + "".join(f" {k}={quoteattr(v)}" for k, v in attributes.items()) + ">")
        # a row may be narrower than the widest: its missing cells are empty
        for col, (letter, value, style) in enumerate(zip(letters, values, styles, strict=False), start=1):
            if value is None and not style:
                continue
            s = style_attributes.get(style)
            if s is None:
                s = style_attributes[style] = f' s="{style}"' if style else ""
            error = bool(errors) and (r, col) in errors
            ref = f'<{p}c r="{letter}{row}"{s}'
            if isinstance(value, str) and not error:
                if "&" in value or "<" in value or ">" in value or "\r" in value:  # most text has none
                    value = escape(value, _CARRIAGE_RETURN)  # a raw CR would be read back as a line feed
                spaced = value[:1].isspace() or value[-1:].isspace() or "\n" in value
                add(f"{ref}{text_spaced if spaced else text_open}{value}{text_close}")
            elif value is None:
                add(f"{ref}/>")
            elif type(value) is int or type(value) is float:
                if not math.isfinite(value):
                    return None
                plain = plain and style not in date_styles
                add(f"{ref}{number_open}{value!r}{value_close}")
            else:
                cell = _cell_xml(ref, value, error, p, epoch)
                if cell is None:
                    return None
                plain = plain and type(value) is bool
                out.append(cell)
        out.append(f"</{p}row>")
    out.append(f"</{p}sheetData>")
    if (chunk := _encoded(out)) is None:
        return None
    return b"".join([*encoded, chunk]), plain


#: Pieces of markup joined and encoded at once: a large tab is never one text of hundreds of
#: megabytes (four bytes a character when one character needs it) before it is bytes.
_ENCODED_EVERY = 20_000


def _encoded(pieces: list[str]) -> bytes | None:
    """The pieces as UTF-8; None when a text holds a control character XML cannot hold (the markup
    holds none: one search of the joined pieces finds any)."""
    xml = "".join(pieces)
    return None if ILLEGAL_CHARACTERS_RE.search(xml) else xml.encode("utf-8")


def as_parsed(cells: SheetCells) -> SheetCells:
    """`cells` as `parse_sheet` reads them back from `sheet_data_xml` where that says they are
    plain: an empty cell with no style is not written, so rows end at their last written cell
    (all as wide as the widest), rows with none at the end go, and a row keeps the attributes
    written for it where it has more than its number."""
    written = [
        len(values)  # nearly every row ends with a written cell
        if values and len(values) == len(styles) and (values[-1] is not None or styles[-1])
        else _written_width(values, styles)
        for values, styles in zip(cells.grid, cells.styles, strict=True)
    ]
    while written and not written[-1]:
        written.pop()
    width = max(written, default=0)
    grid, styles = [], []
    for values, row_styles in zip(cells.grid[: len(written)], cells.styles, strict=False):
        if len(values) == len(row_styles) == width:  # nearly every row: as it is (a commit's grids are not changed)
            grid.append(values)
            styles.append(row_styles)
        else:
            grid.append(values[:width] + [None] * (width - len(values)))
            styles.append(row_styles[:width] + [0] * (width - len(row_styles)))
    rows = {}
    for r, attributes in cells.rows.items():
        if r > len(cells.grid):  # not written
            continue
        kept = {k: v for k, v in attributes.items() if not k.startswith("{") and k != "spans"}
        kept["r"] = str(r)
        if set(kept) - {"r"}:
            rows[r] = kept
    return SheetCells(grid, styles, set(), rows)


def _written_width(values: list[Any], styles: list[int]) -> int:
    """Columns up to a row's last cell that `sheet_data_xml` writes (a value or a style)."""
    for at in range(min(len(values), len(styles)) - 1, -1, -1):
        if values[at] is not None or styles[at]:
            return at + 1
    return 0


def _cell_xml(ref: str, value: object, error: bool, p: str, epoch: datetime) -> str | None:
    """One cell of a kind a tab holds few of (error values, booleans, dates, numbers of other types);
    None when only openpyxl writes it."""
    if error and isinstance(value, str):
        return f'{ref} t="e"><{p}v>{escape(value)}</{p}v></{p}c>'
    if isinstance(value, bool):
        return f'{ref} t="b"><{p}v>{int(value)}</{p}v></{p}c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'{ref} t="n"><{p}v>{value!r}</{p}v></{p}c>'
    if isinstance(value, date | time | timedelta):
        return f'{ref} t="n"><{p}v>{to_excel(value, epoch)!r}</{p}v></{p}c>'
    return None


def used_range(grid: Grid) -> str:
    """The <dimension> of a tab holding `grid`."""
    width = max((len(r) for r in grid), default=0)
    return f"A1:{get_column_letter(width)}{len(grid)}" if grid and width else "A1"
