"""The store backends under contract test, each with a way to type into it as the team would."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

from gspread.utils import absolute_range_name, rowcol_to_a1
from openpyxl import load_workbook

from bot.demo import write_workbook
from bot.stores import MemoryStore, Store, WorkbookStore
from bot.stores.grid import Grid
from tests.fakes.google import FakeGoogle
from tests.fakes.team import google_store, paste_tabs, team_client


class Backend(ABC):
    name: str
    store: Store

    @abstractmethod
    def team_tabs(self, tabs: dict[str, list[list[str]]]) -> None:
        """Replace the whole sheet with these tabs, typed by the team."""

    @abstractmethod
    def team_types(self, tab: str, row: int, column: int, value: str | None) -> None:
        """The team types into one cell (1-based; the header is row 1)."""

    @abstractmethod
    def team_sorts(self, tab: str, column: int, descending: bool = False) -> None:
        """The team sorts a tab's data rows by a column (1-based), whole rows moving."""

    def team_deletes_row(self, tab: str, row: int) -> None:
        """The team deletes a whole row (1-based; the header is row 1): the rows below move up."""
        current = self.store.read_tab(tab)
        assert current is not None
        rows: Grid = [list(current.columns), *current.to_numpy().tolist()]
        self.team_rewrites(tab, [[v if v != "" else None for v in r] for i, r in enumerate(rows, 1) if i != row])

    def team_rewrites(self, tab: str, rows: Grid) -> None:
        """The team reshapes a whole tab (inserts or deletes columns, pastes rows): cells by position."""
        current = self.store.read_tab(tab)
        old = [list(current.columns), *current.to_numpy().tolist()] if current is not None else []
        for r in range(max(len(rows), len(old))):
            new_row = rows[r] if r < len(rows) else []
            old_row = old[r] if r < len(old) else []
            for c in range(max(len(new_row), len(old_row))):
                value = new_row[c] if c < len(new_row) else None
                if (old_row[c] if c < len(old_row) else "") != (value or ""):
                    self.team_types(tab, r + 1, c + 1, None if value is None else str(value))


class MemoryBackend(Backend):
    name = "memory"

    def __init__(self, tmp_path: Path) -> None:
        self.store = MemoryStore()

    def team_tabs(self, tabs: dict[str, list[list[str]]]) -> None:
        self.store = MemoryStore({k: [list(r) for r in v] for k, v in tabs.items()})

    def team_types(self, tab: str, row: int, column: int, value: str | None) -> None:
        assert isinstance(self.store, MemoryStore)
        self.store.edit(tab, row, column, value)

    def team_sorts(self, tab: str, column: int, descending: bool = False) -> None:
        assert isinstance(self.store, MemoryStore)
        grid = self.store.grid(tab)
        body = sorted(
            grid[1:],
            key=lambda r: str(r[column - 1] if column - 1 < len(r) and r[column - 1] is not None else ""),
            reverse=descending,
        )
        self.team_rewrites(tab, [grid[0], *body])

    def team_rewrites(self, tab: str, rows: Grid) -> None:
        assert isinstance(self.store, MemoryStore)
        width = max((len(r) for r in [*self.store.grid(tab), *rows]), default=0)
        height = max(len(self.store.grid(tab)), len(rows))
        for i in range(height):
            row = rows[i] if i < len(rows) else []
            for j in range(width):
                value = row[j] if j < len(row) else None
                self.store.edit(tab, i + 1, j + 1, None if value is None else str(value))


class WorkbookBackend(Backend):
    name = "workbook"

    def __init__(self, tmp_path: Path) -> None:
        self.path = tmp_path / "team.xlsx"
        self.store = WorkbookStore(self.path)

    def team_tabs(self, tabs: dict[str, list[list[str]]]) -> None:
        write_workbook(self.path, tabs)

    def team_types(self, tab: str, row: int, column: int, value: str | None) -> None:
        wb = load_workbook(self.path)
        cell = wb[tab].cell(row=row, column=column)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
        wb.save(self.path)

    def team_sorts(self, tab: str, column: int, descending: bool = False) -> None:
        wb = load_workbook(self.path)
        ws = wb[tab]
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        rows.sort(
            key=lambda r: str(r[column - 1] if column - 1 < len(r) and r[column - 1] is not None else ""),
            reverse=descending,
        )
        for i, row in enumerate(rows, start=2):
            for j, value in enumerate(row, start=1):
                cell = ws.cell(row=i, column=j)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text when rows move, as in a spreadsheet
        wb.save(self.path)

    def team_deletes_row(self, tab: str, row: int) -> None:
        wb = load_workbook(self.path)
        wb[tab].delete_rows(row)
        wb.save(self.path)

    def team_rewrites(self, tab: str, rows: Grid) -> None:
        wb = load_workbook(self.path)
        ws = wb[tab]
        width = max([ws.max_column, *(len(r) for r in rows)])
        for i in range(1, max(ws.max_row, len(rows)) + 1):
            row = rows[i - 1] if i <= len(rows) else []
            for j in range(1, width + 1):
                cell = ws.cell(row=i, column=j)
                cell.value = row[j - 1] if j <= len(row) else None
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        wb.save(self.path)


BACKENDS: dict[str, Callable[[Path], Backend]] = {"memory": MemoryBackend, "workbook": WorkbookBackend}


class GoogleBackend(Backend):
    """The Google Sheet store on the in-memory fake; the team's edits go through the same API."""

    name = "google"

    def __init__(self, tmp_path: Path) -> None:
        self.fake = FakeGoogle()
        self.spreadsheet_id = self.fake.create_spreadsheet("Team sheet")
        self.store = google_store(self.fake, self.spreadsheet_id)
        self.team = team_client(self.fake)

    def team_tabs(self, tabs: dict[str, list[list[str]]]) -> None:
        self.spreadsheet_id = paste_tabs(self.fake, tabs)
        self.store = google_store(self.fake, self.spreadsheet_id)

    def team_types(self, tab: str, row: int, column: int, value: str | None) -> None:
        self.team.values_update(
            self.spreadsheet_id,
            absolute_range_name(tab, rowcol_to_a1(row, column)),
            params={"valueInputOption": "RAW"},
            body={"values": [[value if value is not None else ""]]},
        )

    def team_sorts(self, tab: str, column: int, descending: bool = False) -> None:
        sheet_id = next(s.id for s in self.fake.book(self.spreadsheet_id).sheets if s.title == tab)
        order = "DESCENDING" if descending else "ASCENDING"
        sort = {
            "range": {"sheetId": sheet_id, "startRowIndex": 1},
            "sortSpecs": [{"dimensionIndex": column - 1, "sortOrder": order}],
        }
        self.team.batch_update(self.spreadsheet_id, {"requests": [{"sortRange": sort}]})

    def team_deletes_row(self, tab: str, row: int) -> None:
        sheet_id = next(s.id for s in self.fake.book(self.spreadsheet_id).sheets if s.title == tab)
        rows = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": row - 1, "endIndex": row}
        self.team.batch_update(self.spreadsheet_id, {"requests": [{"deleteDimension": {"range": rows}}]})


BACKENDS["google"] = GoogleBackend
