"""The local `.xlsx` workbook store (openpyxl): the embedded default.

Writes go to a temporary file next to the workbook which then replaces it, so a crash never
leaves a corrupt workbook. Only cells whose value changes are written, so the team's own
formatting of their cells survives.

A process parses the file once: it keeps what it read, and after its own save it keeps the
workbook it saved and the values it wrote, so the next read or write of the same run starts from
memory. Any change to the file by someone else (its modification time or size) sends it back to
the file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.errors import InputError, StoreError
from sheets_schema import STATE_TAB, TABS_BY_NAME, Column, TabSchema, header_key

from .base import ExportFile, GridStore, content_fingerprint, lock_file_note, not_an_export_note
from .charts import draw_workbook_charts
from .grid import Cell, CommitNotes, Grid, header_index
from .layout import frozen_columns, row_formula

HEADER_FILL = PatternFill("solid", fgColor="E8EAED")
WRAPPED = Alignment(wrap_text=True, vertical="top")
SPARE_ROWS = 1000  # dropdowns and formats reach this far below the data, for rows the team adds


class WorkbookStore(GridStore):
    max_cell_chars = 32_767  # Excel's limit per cell

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.location = str(self.path.resolve())
        self._cache: tuple[tuple[int, int], dict[str, Grid], set[str]] | None = None
        # the workbook as this process last saved it, with the file's stamp right after that save
        self._saved: tuple[tuple[int, int], Workbook] | None = None
        self._read_stamp: tuple[int, int] | None = None  # the file as the last read found it

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
        if self._cache is None or self._cache[0] != stamp:
            try:
                wb = load_workbook(self.path, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for a damaged file
                raise StoreError(
                    f"cannot open the workbook ({exc})",
                    where=str(self.path),
                    fix="check that it is an .xlsx file, or move it away and run `gapbot init`",
                ) from exc
            grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
            hidden = {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"}
            wb.close()
            self._cache = (stamp, grids, hidden)
        _, grids, hidden = self._cache
        return {k: [list(r) for r in v] for k, v in grids.items()}, set(hidden)

    def _writable(self) -> Workbook:
        """The workbook to write into: the one this process saved last while the file is still
        that save, else the file parsed afresh."""
        stamp = self._stamp()
        if stamp is None:
            wb = Workbook()
            wb.remove(wb.active)
            return wb
        if self._saved is not None and self._saved[0] == stamp:
            return self._saved[1]
        self._saved = None
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
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else None
        wb = self._writable()
        self._saved = self._cache = None  # until the save lands, memory may be ahead of the file
        for name in [n for n in after if n in notes.touched]:
            ws = wb[name] if name in wb.sheetnames else wb.create_sheet(name)
            _write_diff(ws, before.get(name) or [], after[name])
            schema = TABS_BY_NAME.get(name)
            if schema is not None and (name in notes.created or not schema.team_input):
                format_tab(ws, schema, after[name])
        draw_workbook_charts(wb)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        os.close(fd)
        try:
            wb.save(tmp)
            if mode is not None:
                os.chmod(tmp, mode)  # the temporary file is private (0600); the workbook keeps its own mode
            self._check_unchanged()
            os.replace(tmp, self.path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        stamp = self._stamp()
        assert stamp is not None  # the file was just written
        self._saved = (stamp, wb)
        grids = {ws.title: after[ws.title] if ws.title in after else before.get(ws.title, []) for ws in wb.worksheets}
        self._cache = (stamp, grids, {ws.title for ws in wb.worksheets if ws.sheet_state != "visible"})


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


def format_tab(ws: Worksheet, schema: TabSchema, grid: Grid) -> None:
    """The tab's look from its declaration: header, notes, widths, dropdowns, formats, colours,
    frozen header (and key column), filter. Used by init, every write of an output tab, and the demo."""
    if schema.name == STATE_TAB:
        # A workbook needs one visible sheet; the state tab hides once another tab exists.
        if any(other is not ws for other in ws.parent.worksheets):
            ws.sheet_state = "hidden"
        return
    ws.freeze_panes = f"{get_column_letter(frozen_columns(schema, grid) + 1)}2"
    index = header_index(grid)
    last_row = max(len(grid), 2) + SPARE_ROWS
    ws.data_validations.dataValidation = []
    ws.conditional_formatting = ConditionalFormattingList()
    _row_colours(ws, schema, index, last_row)  # first, so a Gone row is grey over the cell colours
    for col in schema.columns:
        i = index.get(header_key(col.name))
        if i is not None:
            _format_column(ws, col, i + 1, len(grid), last_row)
    _colour_rules(ws, schema, index, last_row)
    if schema.header_filter:
        # Covers every row written; the team's own filter criteria stay as they set them.
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(grid[0]) if grid else 1, 1))}{max(len(grid), 2)}"


def _format_column(ws: Worksheet, col: Column, at: int, rows: int, last_row: int) -> None:
    """Header style and note, width, dropdown, and the number format and wrapping of column `at` (1-based)."""
    letter = get_column_letter(at)
    head = ws.cell(row=1, column=at)
    head.font = Font(bold=True)
    head.fill = HEADER_FILL
    note = f"{col.note}\n({'you edit this' if col.owner.value == 'team' else 'filled by gapbot'})"
    head.comment = Comment(note, "gapbot", width=260, height=90)
    ws.column_dimensions[letter].width = max(8, col.width / 7)
    if col.choices:
        ws.add_data_validation(_dropdown(col, f"{letter}2:{letter}{last_row}"))
    if col.number_format or col.wrap:
        for row in ws.iter_rows(min_row=2, max_row=rows, min_col=at, max_col=at):
            if col.number_format:
                row[0].number_format = col.number_format
            if col.wrap:
                row[0].alignment = WRAPPED


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
