"""Time the messages gapbot builds from a large sheet, and the outbox round trip.

Run: PYTHONPATH=$PWD /work/venv/bin/python bench/bench_notify.py [prospects]
"""

from __future__ import annotations

import io
import sys
import time
from datetime import UTC, datetime, timedelta

import pandas as pd

from bot.inputs import read_inputs
from bot.notify import ConsoleNotifier
from bot.notify.analysis_digest import analysis_digest
from bot.notify.hooks import deliver
from bot.notify.outcomes_digest import outcomes_digest
from bot.notify.render import to_blocks
from bot.notify.sheet import read_schema_tabs
from bot.notify.triggers import CHECK_TABS, check
from bot.stores import MemoryStore, ReplaceTab
from jobs.context import JobContext
from sheets_schema.tabs import HISTORY, PROSPECTS
from sheets_schema.vocabularies import LINK_TYPES, OUTCOMES

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def sheet(n: int) -> MemoryStore:
    prospects = pd.DataFrame(
        {
            "Domain": [f"site{i}.com" for i in range(n)],
            "Priority": [str(i % 100) for i in range(n)],
            "Link type": [LINK_TYPES[i % len(LINK_TYPES)] for i in range(n)],
            "Why": [f"reason {i}" for i in range(n)],
            "Status": ["New" if i % 7 == 0 else "Active" for i in range(n)],
            "Outcome": [OUTCOMES[i % len(OUTCOMES)] if i % 3 == 0 else "" for i in range(n)],
            "Batch": [f"B{i % 50}" for i in range(n)],
        }
    )
    history = pd.DataFrame(
        {
            "When": [f"{NOW - timedelta(hours=i):%Y-%m-%d %H:%M}" for i in range(n // 3)],
            "Key": [f"site{3 * i}.com" for i in range(n // 3)],
            "Column": "Outcome",
            "New value": [OUTCOMES[i % len(OUTCOMES)] for i in range(n // 3)],
        }
    )
    store = MemoryStore()
    store.commit([ReplaceTab(PROSPECTS, prospects), ReplaceTab(HISTORY, history)])
    return store


def timed(label: str, work: object) -> None:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    print(f"{label:<34} {time.perf_counter() - start:7.3f} s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    store = sheet(n)
    print(f"{n} prospects, {n // 3} outcome edits in History")
    timed("analysis digest (build + render)", lambda: to_blocks(analysis_digest(store, NOW.date())))
    timed("outcomes digest (build)", lambda: outcomes_digest(store, NOW))
    timed(
        "rerun check (all triggers)",
        lambda: check(store, read_inputs(store), read_schema_tabs(store, *CHECK_TABS), store.read_state(), NOW),
    )
    ctx = JobContext(store=store, clock=lambda: NOW, notifier=ConsoleNotifier(io.StringIO()))
    timed("outbox record + deliver (console)", lambda: deliver(ctx, [analysis_digest(store, NOW.date())]))


if __name__ == "__main__":
    main()
