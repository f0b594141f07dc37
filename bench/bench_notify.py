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
from bot.notify import analysis_digest as analysis
from bot.notify import outcomes_digest as outcomes
from bot.notify.render import to_blocks
from bot.notify.sheet import schema_tabs
from bot.notify.triggers import CHECK_TABS, check
from bot.stores import MemoryStore, ReplaceTab
from jobs.context import JobContext
from jobs.notifications import deliver
from sheets_schema import TabSchema
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


def tabs(store: MemoryStore, *schemas: TabSchema) -> dict[str, pd.DataFrame]:
    return schema_tabs(store.read_tabs([s.name for s in schemas]), *schemas)


def timed(label: str, work: object) -> None:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    print(f"{label:<34} {time.perf_counter() - start:7.3f} s")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    store = sheet(n)
    print(f"{n} prospects, {n // 3} outcome edits in History")
    links = store.tab_link
    digest_tabs = tabs(store, *analysis.DIGEST_TABS)
    today = NOW.date()
    # As `analyze` does: from the tabs in hand, nothing read again.
    timed("analysis digest (build + render)", lambda: to_blocks(analysis.analysis_digest(digest_tabs, links, today)))
    # As `digest` does: read its tabs, then build.
    timed(
        "outcomes digest (read + build)",
        lambda: outcomes.outcomes_digest(tabs(store, *outcomes.DIGEST_TABS), links, NOW),
    )
    timed(
        "rerun check (all triggers)",
        lambda: check(read_inputs(store), tabs(store, *CHECK_TABS), store.read_state(), NOW, {}, links),
    )
    ctx = JobContext(store=store, clock=lambda: NOW, notifier=ConsoleNotifier(io.StringIO()))
    digest = analysis.analysis_digest(digest_tabs, links, NOW.date())
    timed("outbox record + deliver (console)", lambda: deliver(ctx, [digest]))


if __name__ == "__main__":
    main()
