"""API calls and bytes per `analyze` run on a Google Sheet (the in-memory fake), by sheet size.

    PYTHONPATH=. python bench/bench_sheets_calls.py [prospects ...]

The number of calls must not grow with the rows: only the payload chunks (values:batchUpdate
and values:append, at most ~2 MB each) may.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from tests.fakes.google import Call, FakeGoogle
from tests.fakes.team import google_store, market_tabs, paste_tabs, run_jobs


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


def measure(prospects: int) -> list[tuple[str, list[Call]]]:
    """Calls of a first and a second `analyze` on a sheet whose exports give `prospects` prospects."""
    fake = FakeGoogle()
    spreadsheet_id = paste_tabs(fake, market_tabs(prospects))
    store = google_store(fake, spreadsheet_id)
    run_jobs(store, ["init"])
    runs = []
    for label in ("first analyze", "second analyze"):
        mark = len(fake.api_calls())
        run_jobs(store, ["analyze"])
        runs.append((label, fake.api_calls()[mark:]))
    return runs


def main(sizes: list[int]) -> None:
    for n in sizes:
        started = time.perf_counter()
        runs = measure(n)
        seconds = time.perf_counter() - started
        for label, calls in runs:
            by_kind = Counter(kind(c) for c in calls)
            sent = sum(c.sent for c in calls)
            largest = max(c.sent for c in calls) / 1e6
            print(f"{n:>7} prospects, {label}: {len(calls)} calls, {sent / 1e6:.2f} MB sent, largest {largest:.2f} MB")
            for k, count in sorted(by_kind.items()):
                print(f"{'':>10}{count:>3} x {k}")
        print(f"{'':>10}(both runs, with the fake and the analysis: {seconds:.1f} s)")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 50_000])
