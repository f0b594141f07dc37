"""The local `.xlsx` workbook store (openpyxl): the embedded default.

Writes go to a temporary file next to the workbook which then replaces it, so a crash never
leaves a corrupt workbook. Each cell keeps the style its place had, so the team's own
formatting of their cells survives. openpyxl writes the workbook's small parts (looks, notes,
dropdowns, widths); the cells, which are nearly all of a large workbook, are written by our own
pass (`xlsx_cells`), unless a value only openpyxl writes asks for it to write everything.

A process parses the file once: it keeps what it read, and after its own save it keeps the
workbook it saved and the values it wrote, so the next read or write of the same run starts from
memory. Any change to the file by someone else (its modification time or size) sends it back to
the file.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from openpyxl import Workbook, load_workbook
from openpyxl.cell import Cell as OpenpyxlCell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format, is_timedelta_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import WINDOWS_EPOCH
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.errors import InputError, StoreError
from sheets_schema import STATE_TAB, TABS_BY_NAME, Column, TabSchema, header_key
from sheets_schema.tabs import DASHBOARD

from .base import ExportFile, GridStore, content_fingerprint, lock_file_note, not_an_export_note
from .cells_cache import Cached, CellsCache, cache_path
from .charts import draw_workbook_charts
from .grid import Cell, CommitNotes, Grid, header_index
from .layout import frozen_columns, row_formula
from .xlsx_cells import (
    Decoding,
    NotPlainCells,
    SheetCells,
    as_parsed,
    bind,
    parse_sheet,
    sheet_data_xml,
    used_range,
)
from .xlsx_parts import BackgroundDeflater, member_fingerprints, read_members, replaced, split_sheet

HEADER_FILL = PatternFill("solid", fgColor="E8EAED")
WRAPPED = Alignment(wrap_text=True, vertical="top")
#: Seconds a lease take waits for another gapbot process's take of the same workbook.
TAKE_WAIT = 10.0
SPARE_ROWS = 1000  # dropdowns and formats reach this far below the data, for rows the team adds


class WorkbookStore(GridStore):
    max_cell_chars = 32_767  # Excel's limit per cell

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.location = str(self.path.resolve())
        self._book: _Book | None = None
        self._read_stamp: tuple[int, int] | None = None  # the file as the last read found it
        self._cells_cache = CellsCache(cache_path(self.path))

    @contextmanager
    def exclusive_take(self) -> Iterator[bool]:
        """An OS lock on the workbook file (flock) while the lease is read and written: another
        gapbot process waits for it, then reads the lease this one wrote. A save replaces the
        file, and a process that opens it afterwards reads the lease already written. Where the
        system or the file's disk has no such lock (Windows, some network shares), or it stays
        taken (a stuck process), the lease settles and reads back instead."""
        try:
            import fcntl
        except ImportError:
            yield False
            return
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:  # no workbook yet: nothing to take a lease of but `init`'s new file
            yield False
            return
        try:
            locked = _flock(fd, fcntl, TAKE_WAIT)
            yield locked
        finally:
            os.close(fd)  # gives the lock back

    def version(self) -> str:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return "absent"
        return f"{st.st_mtime_ns}-{st.st_size}"

    def export_files(self, folder: str) -> list[ExportFile]:
        """Files of `folder`; a relative folder is taken from the workbook's own directory."""
        path = Path(folder).expanduser()
        if not path.is_absolute():
            path = self.path.parent / path
        where = f"Settings › Exports folder ({path})"
        if path.exists() and not path.is_dir():
            raise InputError(
                "the exports folder is a file, not a folder",
                where=where,
                fix=f"give the folder that holds the exports (e.g. {path.parent}), with the export files in it",
            )
        if not path.is_dir():
            raise InputError(
                "the exports folder does not exist",
                where=where,
                fix="create it, correct the path, or clear the setting",
            )
        try:
            entries = sorted(path.iterdir())
        except OSError as exc:
            raise InputError(
                f"the exports folder cannot be listed ({exc.strerror})",
                where=where,
                fix="let the user gapbot runs as read the folder, or choose another one",
            ) from exc
        return [_entry(p) for p in entries if lock_file_note(p.name) or not p.name.startswith(".")]

    def _stamp(self) -> tuple[int, int] | None:
        if not self.path.exists():
            return None
        st = self.path.stat()
        return (st.st_mtime_ns, st.st_size)

    def _load(self) -> tuple[dict[str, Grid], set[str]]:
        stamp = self._read_stamp = self._stamp()
        if stamp is None:
            return {}, set()
        if self._book is None or self._book.stamp != stamp:
            self._book = None
            self._book = self._read(stamp)
            self._read_stamp = self._book.stamp
        book = self._book
        # not copied: nothing changes a loaded grid (a commit builds new grids of what it changes)
        return dict(book.grids), set(book.hidden)

    def _read(self, stamp: tuple[int, int]) -> _Book:
        try:
            data = self.path.read_bytes()
            try:
                return _fast_book(data, stamp, self._cells_cache)
            except NotPlainCells:
                return _openpyxl_book(data, stamp)
        except Exception as exc:  # openpyxl and zipfile raise many types for a damaged file
            raise StoreError(
                f"cannot open the workbook ({exc})",
                where=str(self.path),
                fix="check that it is an .xlsx file, or move it away and run `gapbot init`",
            ) from exc

    def _writable(self) -> Workbook:
        """The workbook to write into: the one this process read or saved last while the file is
        still that, else the file parsed afresh."""
        stamp = self._stamp()
        if stamp is None:
            wb = Workbook()
            wb.remove(wb.active)
            return wb
        book = self._book
        if book is not None and book.stamp == stamp and book.wb is not None:
            if book.unbound is not None:
                for ws in book.wb.worksheets:
                    if ws.title in book.unbound:
                        bind(book.wb, ws, book.unbound[ws.title])
                book.unbound = None
            return book.wb
        return load_workbook(self.path)

    def _check_unchanged(self) -> None:
        """Refuse to save over a workbook someone else saved since gapbot read it: gapbot's changes
        are applied by cell position, and theirs would be overwritten."""
        if self._stamp() != self._read_stamp:
            raise StoreError(
                "the workbook was saved by someone else while gapbot was writing; nothing was written, "
                "so no one's edits are overwritten",
                where=str(self.path),
                fix="run again",
            )

    def open_elsewhere(self) -> Path | None:
        """The lock file Excel (`~$NAME.xlsx`) or LibreOffice (`.~lock.NAME.xlsx#`) keeps while a
        person has the workbook open, if there is one."""
        for name in (f"~${self.path.name}", f".~lock.{self.path.name}#"):
            lock = self.path.with_name(name)
            if lock.exists():
                return lock
        return None

    def _save(self, before: dict[str, Grid], after: dict[str, Grid], notes: CommitNotes) -> None:
        lock = self.open_elsewhere()
        if lock is not None:
            who = _lock_owner(lock)
            raise StoreError(
                f"the workbook is open in {'Excel' if lock.name.startswith('~$') else 'LibreOffice'}"
                f"{f' by {who}' if who else ''}; nothing was written, so no one's edits are overwritten",
                where=f"{self.path} (lock file {lock.name})",
                fix="save and close it there, then run again (delete the lock file only if nobody has it open)",
            )
        self._check_unchanged()
        if notes.touched == {STATE_TAB} and STATE_TAB not in notes.created and self._save_state(before, after):
            return
        if self._save_cells(after, notes):
            return
        wb = self._writable()
        self._book = None  # until the save lands, memory may be ahead of the file
        for name in [n for n in after if n in notes.touched]:
            ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
            _write_diff(ws, before.get(name) or [], after[name])
            schema = TABS_BY_NAME.get(name)
            if schema is not None and (name in notes.created or not schema.team_input):
                format_tab(ws, schema, after[name])
        draw_workbook_charts(wb, after.get(DASHBOARD.name) or before.get(DASHBOARD.name) or [])
        stamp, data = self._replace(wb.save)
        grids = {ws.title: after[ws.title] if ws.title in after else before.get(ws.title, []) for ws in wb.worksheets}
        parts = {ws.title: ws.path.removeprefix("/") for ws in wb.worksheets}
        hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
        self._book = _Book(stamp, data, grids, hidden, parts, wb, None, _state_cells(data, parts))

    def _save_state(self, before: dict[str, Grid], after: dict[str, Grid]) -> bool:
        """A commit of state entries alone: the state tab's cells rewritten inside the file, every
        other part kept byte for byte. False where it needs openpyxl (the whole file written)."""
        book = self._book
        if book is None or book.stamp != self._read_stamp or book.state is None or STATE_TAB not in book.parts:
            return False
        grid = after[STATE_TAB]
        old = book.state
        styles = _held_styles(old.styles, grid)
        rows = {r: a for r, a in old.rows.items() if r <= len(grid)}
        cells = SheetCells(grid, styles, set(), rows)
        part = book.parts[STATE_TAB]
        with zipfile.ZipFile(io.BytesIO(book.data)) as archive:
            split = split_sheet(archive.read(part))
        sheet_data = sheet_data_xml(cells, split.prefix) if split is not None else None
        if split is None or sheet_data is None:
            return False
        written = replaced(book.data, {part: split.with_cells(sheet_data[0], used_range(grid))})
        self._book = None  # until the save lands, memory may be ahead of the file
        book.stamp, book.data = self._replace(lambda tmp: Path(tmp).write_bytes(written))
        book.grids[STATE_TAB] = grid
        book.state = cells
        if book.unbound is not None:
            book.unbound[STATE_TAB] = cells
        elif book.wb is not None:  # the model written from next keeps what the file now holds
            _write_diff(book.wb[STATE_TAB], before.get(STATE_TAB) or [], grid)
        self._book = book
        return True

    def _save_cells(self, after: dict[str, Grid], notes: CommitNotes) -> bool:
        """A commit written without openpyxl's cell model: openpyxl writes everything but the cells
        (looks, notes, dropdowns, widths, the team's formats), and every tab's <sheetData> is
        written by our own pass, from the values the commit leaves and each cell's style as the file
        held it (with gapbot's looks on its tabs). False where openpyxl must write it all: the
        workbook was read by openpyxl (formulas), or a value only it writes."""
        book = self._book
        if book is None or book.stamp != self._read_stamp or book.wb is None or book.unbound is None:
            return False
        wb = book.wb
        cells = dict(book.unbound)
        for name in [n for n in after if n in notes.touched]:
            ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
            schema = TABS_BY_NAME.get(name)
            old = cells.get(name) or SheetCells([], [])
            _styled_as_held(wb, ws, old)
            looks = {}
            if schema is not None and (name in notes.created or not schema.team_input):
                looks = format_tab(ws, schema, after[name], style_cells=False)
            cells[name] = _restyled(ws, old, after[name], looks)
        dashboard = cells.get(DASHBOARD.name)
        draw_workbook_charts(wb, dashboard.grid if dashboard else [])
        self._book = None  # until the save lands, memory may be ahead of the file

        date_styles = _date_styles(wb)
        plain: dict[str, Cached] = {}  # parts whose cells a parse reads back as written (for the cache)

        def write(tmp: str) -> None:
            wb.save(tmp)  # everything but the cells: the few cells openpyxl holds are written over
            saved = Path(tmp).read_bytes()
            with zipfile.ZipFile(io.BytesIO(saved)) as archive, BackgroundDeflater() as tabs:
                for ws in wb.worksheets:
                    part = ws.path.removeprefix("/")
                    held = cells[ws.title]
                    split = split_sheet(archive.read(part))
                    sheet_data = sheet_data_xml(held, split.prefix, wb.epoch, date_styles) if split else None
                    if split is None or sheet_data is None:
                        raise _NeedsOpenpyxl(ws.title)
                    dimension = used_range(held.grid)
                    tabs.add(part, split.with_cells(sheet_data[0], dimension))
                    if sheet_data[1]:  # the part as written, less its cells: what the next read gives openpyxl
                        plain[part] = (split.with_cells(b"<sheetData/>", dimension), as_parsed(held))
                written = tabs.members()
            Path(tmp).write_bytes(replaced(saved, written))

        try:
            stamp, data = self._replace(write)
        except _NeedsOpenpyxl:
            self._book = book  # unchanged, but for gapbot's looks on its tabs: written again by openpyxl
            return False
        self._cells_cache.save(member_fingerprints(data), plain)
        parts = {ws.title: ws.path.removeprefix("/") for ws in wb.worksheets}
        grids = {title: c.grid for title, c in cells.items()}
        hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
        self._book = _Book(stamp, data, grids, hidden, parts, wb, cells, cells.get(STATE_TAB))
        return True

    def _replace(self, write: Callable[[str], object]) -> tuple[tuple[int, int], bytes]:
        """The workbook replaced atomically by what `write` writes to the path it is given (a
        temporary file then renamed over it), keeping the workbook's mode; the file's new stamp
        and bytes."""
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            write(tmp)
            data = Path(tmp).read_bytes()
            if mode is not None:
                os.chmod(tmp, mode)  # the temporary file is private (0600); the workbook keeps its own mode
            self._check_unchanged()
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        stamp = self._stamp()
        assert stamp is not None  # the file was just written
        self._read_stamp = stamp
        return stamp, data


class _NeedsOpenpyxl(Exception):
    """A tab holds a value only openpyxl writes (text XML cannot hold): the commit is written by openpyxl."""


def _styled_as_held(wb: Workbook, ws: Worksheet, held: SheetCells) -> None:
    """The cells openpyxl holds for a tab loaded without its cells (notes), and its header row,
    given the styles the file holds for them, so that gapbot's header look goes on top of the
    team's own formats as it does on a tab loaded whole."""
    width = len(held.grid[0]) if held.grid else 0
    for col in range(1, width + 1):
        ws.cell(row=1, column=col)
    for (r, c), cell in ws._cells.items():
        if r <= len(held.styles) and c <= len(held.styles[r - 1]):
            cell._style = StyleArray(wb._cell_styles[held.styles[r - 1][c - 1]])


def _held_styles(held: list[list[int]], grid: Grid) -> list[list[int]]:
    """Each cell of `grid` with the style its place had in `held` (0 where it had none)."""
    out = []
    for r, row in enumerate(grid):
        had = held[r] if r < len(held) else []
        out.append(had[: len(row)] + [0] * (len(row) - len(had)))
    return out


def _restyled(ws: Worksheet, held: SheetCells, grid: Grid, looks: dict[int, ColumnLook]) -> SheetCells:
    """A tab's new cells: `grid`'s values, each cell with the style its place had (the team's
    formats stay), the header and note cells as openpyxl now holds them, and the data cells of
    gapbot's columns given their look."""
    wb = ws.parent
    styles = _held_styles(held.styles, grid)
    values = [list(row) for row in grid]
    for (r, c), cell in ws._cells.items():
        while len(values) < r:
            values.append([])
            styles.append([])
        if len(values[r - 1]) < c:
            values[r - 1].extend([None] * (c - len(values[r - 1])))
            styles[r - 1].extend([0] * (c - len(styles[r - 1])))
        styles[r - 1][c - 1] = wb._cell_styles.add(cell._style)
    scratch = OpenpyxlCell(ws)  # not in the tab: gives each look its style index
    combined: dict[tuple[int, int], int] = {}
    restyled: dict[tuple[int, ...], list[int]] = {}  # a tab's rows share a few patterns of styles
    for r in range(1, len(grid) if looks else 0):
        pattern = tuple(styles[r])
        row = restyled.get(pattern)
        if row is None:
            row = restyled[pattern] = list(pattern)
            for at, look in looks.items():
                if at <= len(row):
                    key = (row[at - 1], at)
                    if key not in combined:
                        scratch._style = StyleArray(wb._cell_styles[row[at - 1]])
                        look.apply(scratch)
                        combined[key] = wb._cell_styles.add(scratch._style)
                    row[at - 1] = combined[key]
        styles[r] = row.copy()  # each row its own: rows are widened below
    width = max((len(r) for r in values), default=0)
    for row_values, row_styles in zip(values, styles, strict=True):
        row_values.extend([None] * (width - len(row_values)))
        row_styles.extend([0] * (width - len(row_styles)))
    rows = {r: attributes for r, attributes in held.rows.items() if r <= len(values)}
    # an error value the team's formula left, still in its place, stays an error
    errors = {(r, c) for r, c in held.errors if r <= len(grid) and c <= len(grid[r - 1])}
    errors = {(r, c) for r, c in errors if grid[r - 1][c - 1] == held.grid[r - 1][c - 1]}
    return SheetCells(values, styles, errors, rows)


@dataclass
class _Book:
    """The workbook file as this process last read or wrote it."""

    stamp: tuple[int, int]
    data: bytes  # the file's bytes
    grids: dict[str, Grid]  # every tab's values, in sheet order
    hidden: set[str]
    parts: dict[str, str]  # tab -> its zip member
    #: openpyxl's model of the file to write into (None: load it with openpyxl when needed); while
    #: `unbound` is set, it holds everything but those tabs' cells, bound in on the first write.
    wb: Workbook | None
    unbound: dict[str, SheetCells] | None
    state: SheetCells | None  # the state tab's cells with their styles: for a write of it alone


def _fast_book(data: bytes, stamp: tuple[int, int], cache: CellsCache) -> _Book:
    """The file read by openpyxl without its cells (the small parts), and its cells by our own
    pass, or from `cache` for the parts it holds as the file does."""
    cached = cache.load(member_fingerprints(data))
    members = read_members(data, skip=cached)
    splits = {name: split_sheet(part) for name, part in members.items() if b"sheetData" in part}
    skeleton = {name: split.skeleton() for name, split in splits.items() if split is not None}
    skeleton |= {name: part for name, (part, _) in cached.items()}
    reader = ExcelReader(io.BytesIO(replaced(data, skeleton)))
    reader.read()
    wb = reader.wb
    decoding = Decoding(reader.shared_strings, frozenset(wb._date_formats), frozenset(wb._timedelta_formats), wb.epoch)
    parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()}
    cells: dict[str, SheetCells] = {}
    for ws in wb.worksheets:
        part = parts.get(ws.title)
        if part in cached:
            cells[ws.title] = cached[part][1]
            continue
        if part is None or splits.get(part) is None:
            raise NotPlainCells("a tab openpyxl read whole")
        cells[ws.title] = parse_sheet(members[part], decoding)
    grids = {title: c.grid for title, c in cells.items()}
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    return _Book(stamp, data, grids, hidden, parts, wb, cells, cells.get(STATE_TAB))


def _date_styles(wb: Workbook) -> frozenset[int]:
    """The styles whose numbers a reader of the saved file takes as dates or durations (as
    openpyxl's reader decides), and any whose number format is not known here."""
    out = set()
    for index, style in enumerate(wb._cell_styles):
        at = style.numFmtId
        custom = at - BUILTIN_FORMATS_MAX_SIZE
        code = wb._number_formats[custom] if 0 <= custom < len(wb._number_formats) else BUILTIN_FORMATS.get(at)
        if code is None or is_date_format(code) or is_timedelta_format(code):
            out.add(index)
    return frozenset(out)


def _openpyxl_book(data: bytes, stamp: tuple[int, int]) -> _Book:
    """The file as openpyxl reads it, for what our own pass does not decode (formulas: their last
    computed values are read; a write loads the file again, formulas and all)."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
    wb.close()
    return _Book(stamp, data, grids, hidden, {}, None, None, None)


def _state_cells(data: bytes, parts: dict[str, str]) -> SheetCells | None:
    """The state tab's cells as openpyxl just wrote them (inline strings, no dates), or None."""
    if STATE_TAB not in parts:
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = archive.read(parts[STATE_TAB])
        return parse_sheet(part, Decoding((), frozenset(), frozenset(), WINDOWS_EPOCH))
    except (NotPlainCells, KeyError):
        return None


def _entry(path: Path) -> ExportFile:
    """One entry of the exports folder: an export to read, or why it is not one."""
    note = not_an_export_note(path.name)
    if note:
        return ExportFile(path.name, b"", note=note)
    if path.is_dir():
        return ExportFile(f"{path.name}/", b"", note="a subfolder: not read; put exports in the folder itself")
    if not path.exists():
        return ExportFile(path.name, b"", problem="a link to a file that does not exist; remove it or fix it")
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ExportFile(path.name, b"", problem=f"the file cannot be read ({exc.strerror}); let gapbot read it")
    return ExportFile(path.name, data, fingerprint=content_fingerprint(data))


def _flock(fd: int, fcntl: ModuleType, wait: float) -> bool:
    """Whether the exclusive lock on `fd` was got within `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        except OSError:  # a file system without locks
            return False


def _lock_owner(lock: Path) -> str:
    """Who holds a lock file: LibreOffice writes `,user name,host,…`; Excel's holds the name too."""
    try:
        raw = lock.read_bytes()[:512]
    except OSError:
        return ""
    if lock.name.startswith(".~lock."):
        parts = raw.decode("utf-8", errors="replace").split(",")
        return parts[1].strip() if len(parts) > 1 else ""
    return raw[1 : 1 + raw[0]].decode("latin-1", errors="replace").strip() if raw else ""


def _write_diff(ws: Worksheet, before: Grid, after: Grid) -> None:
    for r, row in enumerate(after):
        old = before[r] if r < len(before) else []
        for c in range(max(len(row), len(old))):
            value: Cell = row[c] if c < len(row) else None
            if c < len(old) and old[c] == value:
                continue
            cell = ws.cell(row=r + 1, column=c + 1)
            cell.value = value
            if isinstance(value, str):
                # openpyxl turns any string starting with "=" into a formula; untrusted text
                # (page titles, anchors) must stay text.
                cell.data_type = "s"
    if len(before) > len(after):
        ws.delete_rows(len(after) + 1, len(before) - len(after))


@dataclass(frozen=True)
class ColumnLook:
    """How a column's data cells look (below the header): its number format and wrapping."""

    number_format: str
    wrap: bool

    def apply(self, cell: OpenpyxlCell) -> None:
        if self.number_format:
            cell.number_format = self.number_format
        if self.wrap:
            cell.alignment = WRAPPED


def format_tab(ws: Worksheet, schema: TabSchema, grid: Grid, style_cells: bool = True) -> dict[int, ColumnLook]:
    """The tab's look from its declaration: header, notes, widths, dropdowns, formats, colours,
    frozen header (and key column), filter. Used by init, every write of an output tab, and the demo.

    Returns the look of the data cells by column (1-based), given to each data cell of the grid
    in `ws` too unless `style_cells` is False (the caller writes the cells itself)."""
    if schema.name == STATE_TAB:
        # A workbook needs one visible sheet; the state tab hides once another tab exists.
        if any(other is not ws for other in ws.parent.worksheets):
            ws.sheet_state = "hidden"
        return {}
    ws.freeze_panes = f"{get_column_letter(frozen_columns(schema, grid) + 1)}2"
    index = header_index(grid)
    last_row = max(len(grid), 2) + SPARE_ROWS
    ws.data_validations.dataValidation = []
    ws.conditional_formatting = ConditionalFormattingList()
    _row_colours(ws, schema, index, last_row)  # first, so a Gone row is grey over the cell colours
    looks: dict[int, ColumnLook] = {}
    for col in schema.columns:
        i = index.get(header_key(col.name))
        if i is not None:
            _format_column(ws, col, i + 1, last_row)
            if col.number_format or col.wrap:
                looks[i + 1] = ColumnLook(col.number_format or "", col.wrap)
    _colour_rules(ws, schema, index, last_row)
    if schema.header_filter:
        # Covers every row written; the team's own filter criteria stay as they set them.
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(grid[0]) if grid else 1, 1))}{max(len(grid), 2)}"
    if style_cells:
        for at, look in looks.items():
            for row in ws.iter_rows(min_row=2, max_row=len(grid), min_col=at, max_col=at):
                look.apply(row[0])
    return looks


def _format_column(ws: Worksheet, col: Column, at: int, last_row: int) -> None:
    """Header style and note, width and dropdown of column `at` (1-based)."""
    letter = get_column_letter(at)
    head = ws.cell(row=1, column=at)
    head.font = Font(bold=True)
    head.fill = HEADER_FILL
    note = f"{col.note}\n({'you edit this' if col.owner.value == 'team' else 'filled by gapbot'})"
    head.comment = Comment(note, "gapbot", width=260, height=90)
    ws.column_dimensions[letter].width = max(8, col.width / 7)
    if col.choices:
        ws.add_data_validation(_dropdown(col, f"{letter}2:{letter}{last_row}"))


def _dropdown(col: Column, span: str) -> DataValidation:
    dv = DataValidation(
        type="list",
        formula1='"' + ",".join(col.choices) + '"',
        allow_blank=True,
        # A value outside the list is refused, so `published` is never kept as an unknown outcome.
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=f"{col.name}: choose from the list",
        error=f"{col.name} takes one of: {', '.join(col.choices)}"[:255],
    )
    dv.add(span)
    return dv


def _row_colours(ws: Worksheet, schema: TabSchema, index: dict[str, int], last_row: int) -> None:
    width = get_column_letter(max(index.values(), default=0) + 1)
    for rule in schema.row_colours:
        i = index.get(header_key(rule.column))
        if i is None:
            continue
        look = FormulaRule(
            formula=[row_formula(rule, i).removeprefix("=")],
            font=Font(color=rule.text),
            fill=PatternFill("solid", bgColor=rule.background),
            stopIfTrue=True,
        )
        ws.conditional_formatting.add(f"A2:{width}{last_row}", look)


def _colour_rules(ws: Worksheet, schema: TabSchema, index: dict[str, int], last_row: int) -> None:
    for rule in schema.colour_rules:
        i = index.get(header_key(rule.column))
        if i is None:
            continue
        letter = get_column_letter(i + 1)
        operator = "equal" if rule.kind == "equals" else "greaterThanOrEqual"
        formula = f'"{rule.value}"' if isinstance(rule.value, str) else str(rule.value)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{last_row}",
            CellIsRule(
                operator=operator, formula=[formula], fill=PatternFill("solid", bgColor=rule.colour), stopIfTrue=True
            ),
        )
