"""API calls and bytes per `analyze` run on a Google Sheet (the in-memory fake), by sheet size.

    PYTHONPATH=. python bench/bench_sheets_calls.py [prospects ...]

Runs go through the job runner as `gapbot analyze` and the worker run them: the lease taken and
given back, the run recorded, win and rerun checks after the job. The number of calls must not
grow with the rows: only the payload chunks (writes of at most ~2 MB each) may. For each run it
also prints the size of the cells it wrote in the most compact form the API takes: the floor
under any encoding, and so the fewest 2 MB writes a run of that size can make.
"""

from __future__ import annotations

import io
import json
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.notify import ConsoleNotifier
from bot.stores import Store
from jobs.context import JobContext
from jobs.runner import Runner, available_jobs
from tests.fakes.google import Call, FakeGoogle
from tests.fakes.team import google_store, market_tabs, paste_tabs

WHEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def kind(call: Call) -> str:
    """The endpoint of a call, without ids."""
    path = call.path
    if path.startswith("/drive"):
        return f"{call.method} drive/files" + ("/{id}" if path.count("/") > 3 else "")
    rest = path.split("/", 4)[-1] if path.count("/") > 3 else ""
    for marker in (":batchGet", ":batchUpdate", ":batchClear", ":append", ":clear"):
        if rest.endswith(marker) or path.endswith(marker):
            return f"{call.method} {'values' if '/values' in path else 'spreadsheets'}{marker}"
    return f"{call.method} {'values/{range}' if '/values/' in path else 'spreadsheets/{id}'}"


#: The payload Google recommends at most per request; bigger ones are accepted up to 10 MB.
RECOMMENDED_PAYLOAD = 2_000_000


def cell_value(cell: dict[str, Any]) -> object:
    entered = cell.get("userEnteredValue", {})
    return next(iter(entered.values()), "")


def least_payload(calls: list[Call]) -> tuple[int, int]:
    """The cells a run wrote and their size in the most compact form the API takes (RAW values
    arrays, `[["a",1],…]`, as `values:batchUpdate` sends them): what no encoding gets below."""
    cells = size = 0
    for call in calls:
        body = call.body if isinstance(call.body, dict) else {}
        grids = [
            [[cell_value(c) for c in row.get("values", [])] for row in request[key].get("rows", [])]
            for request in body.get("requests", [])
            for key in ("appendCells", "updateCells")
            if key in request
        ] + [block.get("values", []) for block in body.get("data", [])]
        for grid in grids:
            cells += sum(map(len, grid))
            size += len(json.dumps(grid, ensure_ascii=False, separators=(",", ":")).encode())
    return cells, size


def run(store: Store, name: str) -> None:
    """One run of job `name` as the command line makes it (lease, job, alerts, record)."""
    ctx = JobContext(store=store, clock=lambda: WHEN, run_id=name, notifier=ConsoleNotifier(stream=io.StringIO()))
    Runner(available_jobs(), settle=0, alert=None).run(name, ctx)


def measure(prospects: int) -> list[tuple[str, list[Call]]]:
    """Calls of a first and a second `analyze` on a sheet whose exports give `prospects` prospects,
    then of a `watch` in a new process (one that remembers the sheet only through its version file)."""
    fake = FakeGoogle()
    fake.keep_bodies = True  # for least_payload
    spreadsheet_id = paste_tabs(fake, market_tabs(prospects))
    with tempfile.TemporaryDirectory() as tmp:
        version_file = Path(tmp) / "version"
        store = google_store(fake, spreadsheet_id)
        store.version_file = version_file
        run(store, "init")
        runs = []
        for label, name in (("first analyze", "analyze"), ("second analyze", "analyze"), ("watch", "watch")):
            mark = len(fake.api_calls())
            run(store, name)
            runs.append((label, fake.api_calls()[mark:]))
        fresh = google_store(fake, spreadsheet_id)
        fresh.version_file = version_file
        mark = len(fake.api_calls())
        run(fresh, "watch")
        runs.append(("idle watch, new process", fake.api_calls()[mark:]))
    return runs


def main(sizes: list[int]) -> None:
    for n in sizes:
        started = time.perf_counter()
        runs = measure(n)
        seconds = time.perf_counter() - started
        for label, calls in runs:
            by_kind = Counter(kind(c) for c in calls)
            sent = sum(c.sent for c in calls)
            largest = max((c.sent for c in calls), default=0) / 1e6
            print(f"{n:>7} prospects, {label}: {len(calls)} calls, {sent / 1e6:.2f} MB sent, largest {largest:.2f} MB")
            for k, count in sorted(by_kind.items()):
                print(f"{'':>10}{count:>3} x {k}")
            cells, least = least_payload(calls)
            if cells:
                writes = math.ceil(least / RECOMMENDED_PAYLOAD)
                print(
                    f"{'':>10}{cells:,} cells written: {least / 1e6:.2f} MB as bare values arrays, "
                    f"at least {writes} write{'s' * (writes != 1)} of Google's recommended 2 MB"
                )
        print(f"{'':>10}(all runs, with the fake and the analysis: {seconds:.1f} s)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 50_000])
