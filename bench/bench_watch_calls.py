"""Store calls made by `gapbot watch`: on an unchanged sheet, after a team edit, after an outcome.

Run: PYTHONPATH=$PWD python bench/bench_watch_calls.py [prospects]

Every call goes through a wrapper that counts it, so the numbers are what a remote store
(one API request per call) would be asked for. They must not grow with the number of rows.
"""

from __future__ import annotations

import io
import sys
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence

import pandas as pd

from bot.notify import ConsoleNotifier
from bot.stores import MemoryStore, Store, WriteOp
from bot.stores.base import ExportFile
from bot.stores.grid import Cell, CommitNotes, Grid
from jobs.context import JobContext
from jobs.runner import Runner
from jobs.watch import watch
from sheets_schema.tabs import PROSPECTS


class CountingStore(Store):
    """Passes every call to `inner` and counts it by method name."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.location = inner.location
        self.max_cell_chars = inner.max_cell_chars
        self.calls: Counter[str] = Counter()

    def tab_names(self) -> list[str]:
        self.calls["tab_names"] += 1
        return self.inner.tab_names()

    def read_tabs(
        self, names: Iterable[str], columns: Mapping[str, Collection[str]] | None = None
    ) -> dict[str, pd.DataFrame]:
        self.calls["read_tabs"] += 1
        return self.inner.read_tabs(names, columns)

    def read_state(self) -> dict[str, str]:
        self.calls["read_state"] += 1
        return self.inner.read_state()

    def _commit(self, ops: Sequence[WriteOp]) -> CommitNotes:
        self.calls["commit"] += 1
        return self.inner.commit(ops)

    def version(self) -> str:
        self.calls["version"] += 1
        return self.inner.version()

    def export_files(self, folder: str) -> list[ExportFile]:
        self.calls["export_files"] += 1
        return self.inner.export_files(folder)


QUIET = ConsoleNotifier(stream=io.StringIO())


def prospects_sheet(rows: int) -> Grid:
    header = PROSPECTS.names
    body: Grid = []
    for i in range(rows):
        values: dict[str, Cell] = {
            "Domain": f"site{i}.com",
            "Link type": "Resource page",
            "Competitors linked": "rival.com",
            "Relevance": 50,
            "Feasibility": 50,
            "Value": 50,
            "Priority": 50,
        }
        body.append([values.get(c) for c in header])
    return [list(header), *body]


def watch_calls(rows: int) -> dict[str, tuple[Counter[str], float]]:
    """Calls (and seconds) of one watch tick in each situation, on a sheet of `rows` prospects."""
    memory = MemoryStore({PROSPECTS.name: prospects_sheet(rows)})
    store = CountingStore(memory)
    outcome, notes = PROSPECTS.names.index("Outcome") + 1, PROSPECTS.names.index("Notes") + 1
    situations = {
        "first tick (snapshot taken)": lambda: None,
        "unchanged sheet": lambda: None,
        "unchanged again": lambda: None,
        "team typed a note": lambda: memory.edit(PROSPECTS.name, 2, notes, "call back"),
        "team set an outcome": lambda: memory.edit(PROSPECTS.name, 3, outcome, "Published / linked"),
        "after its own write": lambda: None,
    }
    results: dict[str, tuple[Counter[str], float]] = {}
    for name, team_action in situations.items():
        team_action()
        results[name] = _tick(store)
    # A new worker process remembers nothing: its first tick on the unchanged sheet reads once.
    results["new worker, unchanged sheet"] = _tick(CountingStore(memory))
    return results


def _tick(store: CountingStore) -> tuple[Counter[str], float]:
    """One tick as the worker runs it: through the runner, with its lease and heartbeat writes."""
    store.calls.clear()
    started = time.perf_counter()
    Runner({"watch": watch}, settle=0, alert=None).run("watch", JobContext(store=store, notifier=QUIET))
    return Counter(store.calls), time.perf_counter() - started


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 5000]
    for rows in sizes:
        print(f"Prospects rows: {rows}")
        for name, (calls, seconds) in watch_calls(rows).items():
            detail = ", ".join(f"{k} {v}" for k, v in sorted(calls.items()))
            print(f"  {name:<30} {sum(calls.values())} call(s): {detail}  ({seconds * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
