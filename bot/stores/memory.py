"""An in-memory store for tests and dry runs."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence

from sheets_schema import STATE_TAB

from .base import ExportFile, GridStore, content_fingerprint
from .grid import Cell, CommitNotes, Grid


class MemoryStore(GridStore):
    def __init__(
        self, tabs: Mapping[str, Sequence[Sequence[Cell]]] | None = None, files: dict[str, bytes] | None = None
    ) -> None:
        self.location = "memory"
        self.files = dict(files or {})
        self._grids: dict[str, Grid] = {name: [list(row) for row in grid] for name, grid in (tabs or {}).items()}
        self._hidden: set[str] = {STATE_TAB} & set(self._grids)
        self._versions = itertools.count(1)
        self._version = 0

    def _load(self) -> tuple[dict[str, Grid], set[str]]:
        return copy.deepcopy(self._grids), set(self._hidden)

    def _save(self, before: dict[str, Grid], after: dict[str, Grid], notes: CommitNotes) -> None:
        self._grids = copy.deepcopy(after)
        self._hidden |= {STATE_TAB} & set(after)
        self._version = next(self._versions)

    def export_files(self, folder: str) -> list[ExportFile]:
        prefix = folder.rstrip("/") + "/" if folder else ""
        return [
            ExportFile(n[len(prefix) :], d, fingerprint=content_fingerprint(d))
            for n, d in sorted(self.files.items())
            if n.startswith(prefix)
        ]

    def version(self) -> str:
        return str(self._version)

    def edit(self, tab: str, row: int, column: int, value: str | None) -> None:
        """Type into a cell as the team would (1-based row/column, header is row 1)."""
        grid = self._grids.setdefault(tab, [])
        while len(grid) < row:
            grid.append([])
        cells = grid[row - 1]
        cells.extend([None] * (column - len(cells)))
        cells[column - 1] = value
        self._version = next(self._versions)

    def grid(self, tab: str) -> Grid:
        return copy.deepcopy(self._grids[tab])
