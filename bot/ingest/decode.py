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
from typing import TypeVar

import pyarrow as pa
import pyarrow.csv as pacsv
from charset_normalizer import from_bytes

from bot.errors import InputError

HEAD_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 50
DELIMITERS = ("\t", ",", ";")
BINARY = "the file holds binary data, not a text export"
BINARY_FIX = "export the report again as CSV (or XLSX) from the tool"
TOO_MANY_CELLS = "row has more cells than the header (a stray separator, or columns added to the row)"
TOO_FEW_CELLS = "row has fewer cells than the header (the file was cut short, or cells are missing)"
UNMATCHED_QUOTE = 'an unmatched quote (") joined the row to the lines after it; fix or remove that quote'
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f]")
# NUL bytes are stripped with a note (a stray one is common in exports pieced together by hand);
# a file that is mostly NULs is binary all the same
MAX_NUL_SHARE = 0.25
# bytes that are not UTF-8, as surrogates by "surrogateescape" decoding: one per byte
_ESCAPED = re.compile("[\udc80-\udcff]+")
_LINE = re.compile(r"([^\r\n]*)(?:\r\n|\n|\r|$)")  # a line and its ending, any of the three

# Cells are read as large strings: the link table's pandas columns hold them, so no cast of every
# column is needed at the end.
TEXT = pa.large_string()
HeaderTest = Callable[[list[str]], int]  # 2 = a known format's header, 1 = usable header, 0 = not a header


@dataclass
class Skips:
    """The rows of a file or sheet left out of its table: counted by reason with the first row of
    each, and where they were, so any row of the table can be named by its row in the source."""

    header_row: int = 1  # the header's row in the source (1: the first line or sheet row)
    counts: Counter[str] = field(default_factory=Counter)
    first_rows: dict[str, int] = field(default_factory=dict)  # reason -> its first source row
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (source row, rows) left out, in order
    _joined: int = field(default=0, init=False)  # rows beyond the first of those unmatched quotes joined

    def skip(self, reason: str, row: int, span: int = 1) -> None:
        self.counts[reason] += span
        self.first_rows.setdefault(reason, row)
        self.gaps.append((row, span))

    def blank(self, row: int) -> None:
        """A blank row: not a row of the export, but it has a row number."""
        self.gaps.append((row, 1))

    def wrong_width(self, record: int, lines: int, expected: int, actual: int) -> None:
        """Data row `record` (as the parser counts: one per row it split, blank lines not counted)
        spans `lines` lines of the file and did not split into the header's cells."""
        row = self.header_row + record + self._joined
        if lines > 1:  # a quote opened and not closed on its line swallowed the lines after it
            self.skip(UNMATCHED_QUOTE, row, lines)
            self._joined += lines - 1
        else:
            self.skip(TOO_MANY_CELLS if actual > expected else TOO_FEW_CELLS, row)

    def row_number(self, index: int) -> int:
        """The source row of row `index` of the table."""
        row = self.header_row + 1 + index
        for at, span in self.gaps:
            if at > row:
                break
            row += span
        return row


@dataclass
class RawTable:
    """An export's header (as written, made unique) and its rows as text columns."""

    header: list[str]
    rows: pa.Table
    skips: Skips = field(default_factory=Skips)
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
    if (
        len(_CONTROL_BYTES.findall(sample)) > max(8, len(sample) // 100)
        or sample.count(0) > len(sample) * MAX_NUL_SHARE
    ):
        raise InputError(BINARY, where=where, fix=BINARY_FIX)
    return _decode_as(data, "utf-8", where, [])


def _decode_as(data: bytes, encoding: str, where: str, notes: list[str], start: int = 0) -> _Text:
    """Decode `data` from byte `start` on (past a byte-order mark)."""
    if encoding == "utf-8":
        data, nul_notes = _without_nul(data[start:], b"\x00", b"\n")
        notes = [*notes, *nul_notes]
        if not _is_utf8(data):
            return _not_utf8(data, notes)
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
    text, nul_notes = _without_nul(text, "\x00", "\n")
    return _text_body(text, encoding.upper(), [*notes, *nul_notes])


Content = TypeVar("Content", bytes, str)


def _without_nul(content: Content, nul: Content, newline: Content) -> tuple[Content, list[str]]:
    """`content` without its NUL characters, and a note saying how many went and where."""
    first = content.find(nul)
    if first < 0:
        return content, []
    count, line = content.count(nul), content.count(newline, 0, first) + 1
    return content.replace(nul, content[:0]), [f"{count} NUL byte(s) removed (the first on line {line})"]


def _is_utf8(data: bytes) -> bool:
    """Whether all of `data` is valid UTF-8, checked by Arrow without copying or decoding it."""
    offsets = pa.py_buffer(struct.pack("<qq", 0, len(data)))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        whole.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _not_utf8(data: bytes, notes: list[str]) -> _Text:
    """A file with bytes that are not UTF-8, read in the one encoding the evidence points to.

    UTF-8 characters among the stray bytes mean a UTF-8 file with a few bytes written by a Windows
    program (rows pasted in from another export): those bytes are read as Windows-1252, so both
    kinds of row read right. A file without a UTF-8 character, or with far more stray bytes than
    UTF-8 characters and a non-Latin guess (Cyrillic, Greek…), is read in that legacy encoding.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    stray = len(data) - len(text.encode("utf-8", errors="ignore"))  # each stray byte is one escaped character
    utf8 = len(text) - len(text.encode("ascii", errors="ignore")) - stray
    encoding = _legacy_encoding(data) if utf8 < stray else "cp1252"
    if not utf8 or encoding != "cp1252":
        return _text_body(
            data.decode(encoding, errors="replace"), encoding, [*notes, f"the file is not UTF-8; read as {encoding}"]
        )
    first = _ESCAPED.search(text)
    line = text.count("\n", 0, first.start()) + 1 if first else 0
    text = _ESCAPED.sub(lambda m: m.group().encode("utf-8", "surrogateescape").decode("cp1252", "replace"), text)
    note = f"{stray} byte(s) are not UTF-8 and were read as Windows-1252 (the first on line {line}); check those cells"
    return _text_body(text, "UTF-8", [*notes, note])


def _text_body(text: str, encoding: str, notes: list[str]) -> _Text:
    encoded = pa.py_buffer(text.encode("utf-8"))

    def body(offset: int) -> pa.Buffer:
        return encoded[len(text[:offset].encode("utf-8")) :]

    return _Text(text[:HEAD_BYTES], encoding, notes, body)


# A detector tells the script of a legacy file well and, from a small sample, the Latin-script
# variant badly (German read as Baltic DOS cp775, Spanish as hp_roman8, Icelandic as Vietnamese
# cp1258). Exports come from Windows programs, which write the Windows ("ANSI") code page of their
# script, so a guess of a non-Latin script is kept (a DOS or Mac page of it stands for its Windows
# page) and any other guess is Western: Windows-1252, or Windows-1254 for Turkish text.
_NON_LATIN_PAGES = {
    **{page: page for page in ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp1253", "iso8859_7", "cp1255")},
    **{page: page for page in ("iso8859_8", "cp1256", "iso8859_6", "cp874", "tis_620", "iso8859_11")},
    **dict.fromkeys(("cp855", "cp866", "mac_cyrillic"), "cp1251"),
    **dict.fromkeys(("cp737", "cp869", "mac_greek"), "cp1253"),
    **dict.fromkeys(("cp856", "cp862"), "cp1255"),
    **dict.fromkeys(("cp720", "cp864"), "cp1256"),
}
_CJK_PAGES = frozenset(
    {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "shift_jis_2004", "euc_jis_2004", "gb2312", "gbk", "gb18030"}
    | {"hz", "big5", "big5hkscs", "cp950", "euc_kr", "cp949", "johab", "iso2022_kr"}
)
# Windows-1254 (Turkish) is Windows-1252 but for six letters: ğ ı ş Ğ İ Ş where 1252 has the
# Icelandic ð ý þ Ð Ý Þ. Those read as Icelandic in text with none of the vowels Icelandic
# cannot do without (á í ó ú æ) are Turkish.
_TURKISH_AS_1252 = re.compile("[ðýþÐÝÞ]")
_ICELANDIC_VOWELS = re.compile("[áíóúæÁÍÓÚÆ]")


def _legacy_encoding(data: bytes) -> str:
    best = from_bytes(data[:HEAD_BYTES]).best()
    guess = best.encoding if best is not None else "cp1252"
    if guess in _CJK_PAGES:
        return guess
    if guess in _NON_LATIN_PAGES:
        return _NON_LATIN_PAGES[guess]
    western = data[:HEAD_BYTES].decode("cp1252", errors="replace")
    turkish = _TURKISH_AS_1252.search(western) and not _ICELANDIC_VOWELS.search(western)
    return "cp1254" if turkish else "cp1252"


def _check_text(head: str, where: str) -> None:
    sample = head[:65536]
    if not sample.strip():
        raise InputError("the file is empty", where=where, fix="export the report again with its header row")
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 100):
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
    table, skips = _parse_body(body, names, keep, delimiters[index], header_row=index + 1)
    return RawTable(names, table, skips, notes)


def _is_blank(body: pa.Buffer) -> bool:
    view = memoryview(body)
    return not bytes(view[:65536]).strip() and not bytes(view).strip()


def _lines_in(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip()) or 1


def _parse_body(
    body: pa.Buffer, names: list[str], keep: list[str], delimiter: str, header_row: int
) -> tuple[pa.Table, Skips]:
    if _is_blank(body):
        return pa.table({n: pa.array([], TEXT) for n in keep}), Skips(header_row)

    # Cells with line breaks are rare and make pyarrow twice as slow, and it numbers the rows it
    # cannot split only when reading on one thread: a file is read quickly first, and again,
    # with line breaks in cells and row numbers, only when some rows come out the wrong width.
    for quick in (True, False):
        found = Skips(header_row)

        def on_invalid_row(row: pacsv.InvalidRow, found: Skips = found) -> str:
            found.wrong_width(row.number or 0, _lines_in(row.text), row.expected_columns, row.actual_columns)
            return "skip"

        try:
            table = pacsv.read_csv(
                pa.BufferReader(body),
                read_options=pacsv.ReadOptions(column_names=names, block_size=1 << 20, use_threads=quick),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, newlines_in_values=not quick, invalid_row_handler=on_invalid_row
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
        if (not found.gaps or not quick) and _ends_with_last_line(body, table, names, delimiter):
            return table, found
        if not quick:
            break
    return _parse_with_csv(body, names, keep, delimiter, Skips(header_row))


def _ends_with_last_line(body: pa.Buffer, table: pa.Table, names: list[str], delimiter: str) -> bool:
    """Whether the table's last row is the body's last line. A quote left open swallows every line
    after it into one cell, and that row can still have the header's width: then the last line
    of the file is not the last row read (nor is a last row holding a line break: that rare file
    is read again, more slowly, by `_parse_with_csv`, which tells the two apart)."""
    if not table.num_rows:
        return True
    tail = bytes(memoryview(body)[-65536:]).decode("utf-8", errors="replace").rstrip("\r\n")
    last = re.split(r"\r\n|\r|\n", tail)[-1]
    cells = _cells(last, delimiter)
    if len(cells) != len(names):
        return False
    row = table.slice(table.num_rows - 1).to_pylist()[0]
    return all(cells[names.index(column)] == value for column, value in row.items())


def _parse_with_csv(
    body: pa.Buffer, names: list[str], keep: list[str], delimiter: str, skips: Skips
) -> tuple[pa.Table, Skips]:
    """Python's csv module, for text pyarrow refuses (a row longer than its blocks) or may have
    misread (a quote left open up to the end of the file)."""
    lines = body.to_pybytes().decode("utf-8", errors="replace").splitlines(keepends=True)
    reader = csv.reader(lines, delimiter=delimiter)
    rows, record, line = [], 0, 0
    for row in reader:
        start, line = line, reader.line_num
        if not any(c.strip() for c in row):
            continue
        record += 1
        if len(row) != len(names) or (line - start > 1 and _open_quote("".join(lines[start:line]), delimiter)):
            skips.wrong_width(record, _lines_in("".join(lines[start:line])), len(names), len(row))
            continue
        rows.append(row)
    return grid_table(names, rows, keep), skips


def _open_quote(record: str, delimiter: str) -> bool:
    """Whether a row's text ends inside a quoted cell (only the file's last row can)."""
    try:
        list(csv.reader(io.StringIO(record, newline=""), delimiter=delimiter, strict=True))
    except csv.Error:
        return True
    return False


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
    skips, body = Skips(header_row=index + 1), []
    for row_number, row in enumerate(grid[index + 1 :], start=index + 2):
        if any(str(c).strip() for c in row):
            body.append(list(row[:width]) + [""] * (width - len(row)))
        else:
            skips.blank(row_number)
    return RawTable(names, grid_table(names, body, keep), skips, notes)


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
