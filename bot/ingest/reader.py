"""Read one export (a pasted `Raw: …` tab or a file) into the canonical link table.

Neither entry point raises: an export that cannot be read gives an empty table and an
`ImportReport` whose `problem` says what was wrong, where, and what to do, so one bad export
never stops the others.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from bot.errors import GapbotError, InputError
from bot.linktable import empty_link_table
from sheets_schema import header_key

from .decode import (
    RawTable,
    cell_text,
    container_kind,
    read_grid_table,
    read_text_table,
    sniff_delimiter,
    xlsx_grid,
    xlsx_sheets,
)
from .formats import FORMATS, ExportFormat, closest, detect
from .mapping import to_links, wanted_columns

NOT_BACKLINKS = "not a backlinks report"


@dataclass
class ImportReport:
    export: str
    tool: str = ""
    report: str = ""
    site: str = ""
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    first_rows: dict[str, int] = field(default_factory=dict)  # skip reason -> the first row it applies to
    problem: str = ""
    notes: list[str] = field(default_factory=list)  # how it was read: encoding, skipped preamble, duplicate columns

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())


class _Detector:
    """Remembers the format of the header row it accepted, for the reader to map with."""

    def __init__(self) -> None:
        self.format: ExportFormat | None = None

    def is_header(self, cells: list[str]) -> int:
        keys = {header_key(c) for c in cells}
        if any(f.matches(keys) for f in FORMATS):
            return 2
        return 1 if detect(cells) is not None else 0

    def wanted(self, names: list[str]) -> list[str] | None:
        self.format = detect(names)
        return None if self.format is None else wanted_columns(self.format, names)


def _read(name: str, where: str, load: Callable[[_Detector], RawTable]) -> tuple[pd.DataFrame, ImportReport]:
    report = ImportReport(export=name)
    detector = _Detector()
    try:
        raw = load(detector)
        report.notes = raw.notes
        report.skipped.update(raw.skips.counts)
        report.first_rows.update(raw.skips.first_rows)
        fmt = detector.format
        if fmt is None:
            report.problem = _unknown_format(where, raw.header)
            return empty_link_table(), report
        report.tool, report.report = fmt.tool, fmt.report
        if fmt.not_backlinks:
            report.skipped[NOT_BACKLINKS] += raw.rows.num_rows
            report.problem = InputError(
                f"this is the {fmt.name} report, not a backlinks report: {fmt.not_backlinks}", where=where
            ).message
            return empty_link_table(), report
        mapped = to_links(raw, fmt, name)
    except GapbotError as exc:
        report.problem = exc.message
        return empty_link_table(), report
    except Exception as exc:  # a damaged export must never stop the others
        report.problem = InputError(
            f"could not be read ({type(exc).__name__}: {str(exc)[:200]})",
            where=where,
            fix="export it again from the tool; if it keeps failing, send this file to whoever maintains gapbot",
        ).message
        return empty_link_table(), report
    report.report, report.site = mapped.report, mapped.site
    report.skipped.update(mapped.skipped)
    report.first_rows.update(mapped.first_rows)
    report.notes.extend(mapped.notes)
    report.rows_read = len(mapped.links)
    return mapped.links, report


def _read_sheet(name: str, title: str, grid: list[list[str]]) -> tuple[pd.DataFrame, ImportReport]:
    def load(detector: _Detector) -> RawTable:
        return read_grid_table(grid, detector.wanted, detector.is_header)

    return _read(f"{name} › {title}", f"file {name}, sheet {title}", load)


def _unknown_format(where: str, header: list[str]) -> str:
    shown = [h if len(h) <= 60 else h[:57] + "…" for h in header if h.strip()][:15]
    if not shown:
        return InputError(
            "no header row found", where=where, fix="paste or export the report with its header row"
        ).message
    near = closest(header)
    more = f" (+{len(header) - len(shown)} more)" if len(header) > len(shown) else ""
    hint = (
        f"Closest known format: {near[0].name}, which also needs: {', '.join(near[1])}"
        if near
        else ("No known format is close (is this a backlinks report?)")
    )
    return InputError(
        f"unknown export format; headers found: {', '.join(shown)}{more}. {hint}",
        where=where,
        fix="export the report with its original header row, or rename the columns "
        "(a linking page URL or referring domain column is the minimum)",
    ).message


def read_export_frame(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, ImportReport]:
    """Map one pasted export (header row = columns, all strings) onto the link table.

    An export pasted as text lands in one column, each row a line of the file (Sheets and Excel
    split pasted text into columns only when asked): it is read as that text."""
    grid = [[cell_text(c) for c in frame.columns]]
    grid.extend([cell_text(v) if not pd.isna(v) else "" for v in row] for row in frame.itertuples(index=False))
    where = f"tab {name}"
    if lines := _lines_in_one_column(grid):
        delimiter = sniff_delimiter(lines[0])
        note = f"the export was pasted into one column; its lines were split at “{_DELIMITER_NAMES[delimiter]}”"

        def load_text(d: _Detector) -> RawTable:
            raw = read_text_table("\n".join(lines).encode("utf-8"), where, d.wanted, d.is_header)
            raw.notes.insert(0, note)
            return raw

        return _read(name, where, load_text)
    return _read(name, where, lambda d: read_grid_table(grid, d.wanted, d.is_header))


_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def _lines_in_one_column(grid: list[list[str]]) -> list[str]:
    """The lines of an export pasted as text into the first column, or [] when the grid is not one."""
    if any(any(cell.strip() for cell in row[1:]) for row in grid):
        return []
    lines = [row[0] for row in grid if row and row[0].strip()]
    if not lines:
        return []
    header = next(csv.reader([lines[0]], delimiter=sniff_delimiter(lines[0])), [])
    return lines if len(header) >= 2 and detect(header) is not None else []


def read_export_bytes(name: str, data: bytes) -> tuple[pd.DataFrame, ImportReport]:
    """Read an export file's bytes: CSV/TSV in any encoding and separator, or an XLSX workbook."""
    where = f"file {name}"
    kind = container_kind(data)
    if kind in ("zip", "xls"):
        fix = "unzip it and put the CSV inside in the folder" if kind == "zip" else "save it as .xlsx or CSV"
        what = "a ZIP archive" if kind == "zip" else "an old-style Excel .xls workbook"
        return empty_link_table(), ImportReport(
            export=name, problem=InputError(f"the file is {what}", where=where, fix=fix).message
        )
    if kind == "xlsx":
        return _read(name, where, lambda d: read_grid_table(xlsx_grid(data, where), d.wanted, d.is_header))
    return _read(name, where, lambda d: read_text_table(data, where, d.wanted, d.is_header))


def read_export_entries(name: str, data: bytes) -> list[tuple[pd.DataFrame, ImportReport]]:
    """An export file as one or more Imports lines: a workbook with several sheets gives a line per
    sheet (`file.xlsx › Sheet`); sheets that are not exports are left alone with a note, unless no
    sheet is one (then the file's line says why)."""
    if container_kind(data) != "xlsx":
        return [read_export_bytes(name, data)]
    try:
        sheets = xlsx_sheets(data, f"file {name}")
    except GapbotError as exc:
        return [(empty_link_table(), ImportReport(export=name, problem=exc.message))]
    if len(sheets) == 1:
        return [read_export_bytes(name, data)]
    read = [_read_sheet(name, title, grid) for title, grid in sheets]
    if all(report.problem for _, report in read):
        return [read_export_bytes(name, data)]
    return [
        (links, report) if not report.problem or report.tool else
        (links, ImportReport(export=report.export, notes=["not an export; this sheet was left alone"]))
        for links, report in read
    ]  # fmt: skip
