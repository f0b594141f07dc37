"""Bytes or a pasted grid -> header row and a table of text columns.

Files: UTF-16 LE/BE (with or without BOM), UTF-8 (with or without BOM) or a legacy single-byte
encoding; tab, comma or semicolon separated; quoted cells may hold newlines; any line endings;
metadata lines before the header row are skipped. XLSX workbooks are read from their first
non-empty sheet. The body is parsed by `pyarrow.csv` (only the columns the format needs), with
Python's `csv` module as the fallback for text pyarrow refuses.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from bot.errors import InputError

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 50
DELIMITERS = ("\t", ",", ";")
BINARY = "the file holds binary data, not a text export"
BINARY_FIX = "export the report again as CSV (or XLSX) from the tool"
WRONG_WIDTH = "row has a different number of cells than the header (file cut short or a stray separator)"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\n|\r|$)")  # a line and its ending, any of the three

# Cells are read as large strings: the link table's pandas columns hold them, so no cast of every
# column is needed at the end.
TEXT = pa.large_string()
HeaderTest = Callable[[list[str]], int]  # 2 = a known format's header, 1 = usable header, 0 = not a header


@dataclass
class RawTable:
    """An export's header (as written, made unique) and its rows as text columns."""

    header: list[str]
    rows: pa.Table
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Text:
    head: str  # decoded start of the file, for finding the header
    encoding: str
    notes: list[str]
    body: Callable[[int], pa.Buffer]  # char offset in head -> the UTF-8 text from there on


def unique_names(header: Sequence[str]) -> tuple[list[str], list[str]]:
    """Header cells made unique and non-empty (the first of duplicates keeps its name), with notes."""
    names: list[str] = []
    seen: Counter[str] = Counter()
    for position, cell in enumerate(header, start=1):
        name = cell.strip() or f"Column {position}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    notes = [f"column “{n}” appears {c} times; the first one was read" for n, c in seen.items() if c > 1]
    return names, notes


def sniff_delimiter(line: str) -> str:
    outside_quotes = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside_quotes.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:  # a stray NUL or similar: the line is no header
        return [line]


def find_header(rows: Sequence[Sequence[str]], is_header: HeaderTest) -> int:
    """Index of the header row: the first that names a known format, else the first usable one."""
    scores = [is_header(list(r)) for r in rows[:HEADER_SEARCH_ROWS]]
    for wanted in (2, 1):
        if wanted in scores:
            return scores.index(wanted)
    return next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), 0)


# -- text files ---------------------------------------------------------------------------------


def _is_utf16(data: bytes) -> str:
    sample = data[:4096]
    if len(sample) < 4:
        return ""
    odd_zeros = sample[1::2].count(0) / (len(sample) / 2)
    even_zeros = sample[0::2].count(0) / (len(sample) / 2)
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return ""


def _decode(data: bytes, where: str) -> _Text:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _decode_as(data, encoding, where, [], start=len(bom))
    utf16 = _is_utf16(data)
    if utf16:
        return _decode_as(data, utf16, where, [f"no byte-order mark; read as {utf16.upper()}"])
    sample = data[:65536]
    if len(_CONTROL_BYTES.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(BINARY, where=where, fix=BINARY_FIX)
    return _decode_as(data, "utf-8", where, [])


def _decode_as(data: bytes, encoding: str, where: str, notes: list[str], start: int = 0) -> _Text:
    """Decode `data` from byte `start` on (past a byte-order mark)."""
    if encoding == "utf-8":
        data = data[start:]
        if not _is_utf8(data):
            if not _is_utf8(data[: HEAD_BYTES - 4]):
                return _decode_legacy(data, where, notes)
            text = data.decode("utf-8", errors="replace")  # a UTF-8 file with a few damaged bytes
            return _text_body(text, "UTF-8", [*notes, "some bytes are not valid UTF-8 and were replaced"])
        head_bytes = data[:HEAD_BYTES]
        head = head_bytes.decode("utf-8", errors="ignore")  # ignores only a character cut at the end

        def utf8_body(offset: int) -> pa.Buffer:
            return pa.py_buffer(data)[len(head[:offset].encode("utf-8")) :]  # a view: exports can be gigabytes

        return _Text(head, "UTF-8", notes, utf8_body)
    view = memoryview(data)[start:]  # decoded in place: a copy of a big export would cost as much as decoding
    try:
        text = codecs.decode(view, encoding)
    except UnicodeDecodeError:
        text = codecs.decode(view, encoding, "replace")
        notes = [*notes, f"some bytes are not valid {encoding.upper()} and were replaced"]
    return _text_body(text, encoding.upper(), notes)


def _is_utf8(data: bytes) -> bool:
    """Whether all of `data` is valid UTF-8, checked by Arrow without copying or decoding it."""
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _text_body(text: str, encoding: str, notes: list[str]) -> _Text:
    encoded = pa.py_buffer(text.encode("utf-8"))

    def body(offset: int) -> pa.Buffer:
        return encoded[len(text[:offset].encode("utf-8")) :]

    return _Text(text[:HEAD_BYTES], encoding, notes, body)


# Legacy encodings of Latin-script text are told apart badly from a small sample; the tools that
# write them are Windows programs in Western locales, so any Latin guess is read as Windows-1252.
_LATIN_GUESSES = frozenset(
    {"cp1250", "cp1252", "latin_1", "iso8859_2", "iso8859_9", "iso8859_15", "mac_roman", "mac_latin2"}
)


def _decode_legacy(data: bytes, where: str, notes: list[str]) -> _Text:
    best = from_bytes(data[:HEAD_BYTES]).best()
    guess = best.encoding if best is not None else "cp1252"
    encoding = "cp1252" if guess in _LATIN_GUESSES or guess in ("utf_8", "ascii") else guess
    text = data.decode(encoding, errors="replace")
    return _text_body(text, encoding, [*notes, f"the file is not UTF-8; read as {encoding}"])


def _check_text(head: str, where: str) -> None:
    sample = head[:65536]
    if not sample.strip():
        raise InputError("the file is empty", where=where, fix="export the report again with its header row")
    if "\x00" in sample or len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
        raise InputError(BINARY, where=where, fix=BINARY_FIX)


def read_text_table(
    data: bytes, where: str, wanted: Callable[[list[str]], list[str] | None], is_header: HeaderTest
) -> RawTable:
    """Parse a CSV/TSV file. `wanted(header)` names the columns to keep (None: the header is unknown)."""
    text = _decode(data, where)
    _check_text(text.head, where)
    lines = [(m.group(1), m.end()) for m in islice(_LINE.finditer(text.head), HEADER_SEARCH_ROWS)]
    delimiters = [sniff_delimiter(line) for line, _ in lines]
    rows = [_cells(line, d) for (line, _), d in zip(lines, delimiters, strict=True)]
    index = find_header(rows, is_header)
    notes = list(text.notes)
    if index:
        notes.append(f"{index} line(s) before the header row were skipped")
    names, duplicate_notes = unique_names(rows[index])
    notes.extend(duplicate_notes)
    keep = wanted(names)
    if keep is None:
        return RawTable(names, pa.table({}), notes=notes)
    body = text.body(lines[index][1])
    del text  # the decoded text of a UTF-16 export is as big as the file: let it go before parsing
    table, skipped = _parse_body(body, names, keep, delimiters[index])
    return RawTable(names, table, skipped, notes)


def _is_blank(body: pa.Buffer) -> bool:
    view = memoryview(body)
    return not bytes(view[:65536]).strip() and not bytes(view).strip()


def _parse_body(body: pa.Buffer, names: list[str], keep: list[str], delimiter: str) -> tuple[pa.Table, Counter[str]]:
    skipped: Counter[str] = Counter()
    if _is_blank(body):
        return pa.table({n: pa.array([], TEXT) for n in keep}), skipped

    def on_invalid_row(row: object) -> str:
        skipped[WRONG_WIDTH] += 1
        return "skip"

    # Cells with line breaks are rare and make pyarrow twice as slow: parse without them first and
    # again with them when rows come out the wrong width (what a quoted line break looks like).
    for newlines_in_values in (False, True):
        skipped.clear()
        try:
            table = pacsv.read_csv(
                pa.BufferReader(body),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid_row
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(keep, TEXT),
                    include_columns=keep,
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            continue
        if not skipped or newlines_in_values:
            return table, skipped
    text = body.to_pybytes().decode("utf-8", errors="replace")
    skipped.clear()
    rows = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(names):
            skipped[WRONG_WIDTH] += 1
            continue
        rows.append(row)
    return grid_table(names, rows, keep), skipped


def grid_table(names: list[str], rows: Sequence[Sequence[str]], keep: list[str]) -> pa.Table:
    positions = {n: i for i, n in enumerate(names)}
    return pa.table({n: pa.array([r[positions[n]] for r in rows], TEXT) for n in keep})


# -- grids: pasted tabs and XLSX ------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text the tool exported."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_grid_table(
    grid: Sequence[Sequence[str]], wanted: Callable[[list[str]], list[str] | None], is_header: HeaderTest
) -> RawTable:
    """A pasted tab or worksheet (rows of text, header somewhere near the top) as a RawTable."""
    index = find_header(grid, is_header)
    names, notes = unique_names(grid[index] if grid else [])
    if index:
        notes.insert(0, f"{index} row(s) before the header row were skipped")
    keep = wanted(names)
    if keep is None:
        return RawTable(names, pa.table({}), notes=notes)
    width = len(names)
    body = [list(r[:width]) + [""] * (width - len(r)) for r in grid[index + 1 :] if any(str(c).strip() for c in r)]
    return RawTable(names, grid_table(names, body, keep), notes=notes)


def xlsx_grid(data: bytes, where: str) -> list[list[str]]:
    """The first non-empty worksheet of an XLSX file, every cell as text."""
    return xlsx_sheets(data, where)[0][1]


def xlsx_sheets(data: bytes, where: str) -> list[tuple[str, list[list[str]]]]:
    """Every non-empty worksheet of an XLSX file by name, every cell as text (at least one)."""
    from openpyxl import load_workbook  # only XLSX exports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InputError(
            f"the workbook cannot be opened ({type(exc).__name__})", where=where, fix="save it again as .xlsx or CSV"
        ) from exc
    sheets = []
    try:
        for sheet in workbook.worksheets:
            grid = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            if any(any(c.strip() for c in row) for row in grid):
                sheets.append((str(sheet.title), grid))
    finally:
        workbook.close()
    if not sheets:
        raise InputError("the workbook has no data", where=where, fix="export the report again")
    return sheets


def container_kind(data: bytes) -> str:
    """ "xlsx", "zip", "xls" for binary containers; "" for text."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx" if b"xl/" in data[:65536] or b"[Content_Types].xml" in data[:65536] else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    return ""
