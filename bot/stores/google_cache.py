"""What a Google Sheet store read earlier in the same run, so one run reads each tab once.

A run (the job runner's lease, the job, its alerts and its record; see `Store.run_scope`) reads
the tab list once and each tab once; its own commits keep both up to date. Outside a run every
read goes to Google. The lease's checks never come from here (`Store.read_state_now`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .google_plan import SheetInfo
from .grid import Grid


@dataclass
class RunCache:
    #: The tabs as the last metadata read or batchUpdate answer showed them; None: read again.
    sheets: list[SheetInfo] | None = None
    #: Whole tabs as read (formatted values), or as this run's own commit left them.
    grids: dict[str, Grid] = field(default_factory=dict)

    def known_sheets(self) -> list[SheetInfo] | None:
        return copy.deepcopy(self.sheets)

    def hits(self, names: Iterable[str]) -> dict[str, Grid]:
        return {n: rows_copy(self.grids[n]) for n in names if n in self.grids}

    def keep(self, grids: Mapping[str, Grid]) -> None:
        self.grids.update({n: rows_copy(g) for n, g in grids.items()})

    def forget(self, names: Iterable[str]) -> None:
        for name in names:
            self.grids.pop(name, None)


def rows_copy(grid: Grid) -> Grid:
    """A copy callers may change (cells are immutable values: copying the rows is enough)."""
    return [list(row) for row in grid]
