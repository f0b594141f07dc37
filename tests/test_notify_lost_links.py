"""A won link reported lost by `verify-links` is alerted once, through the outbox."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

from bot.notify import ConsoleNotifier
from bot.stores import EnsureTab, MemoryStore, SetState
from jobs.context import JobContext, JobResult
from jobs.notifications import run_job
from sheets_schema import ALL_TABS
from sheets_schema.state_keys import LOST_LINKS_KEY

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_lost_links_are_alerted_once() -> None:
    store = MemoryStore()
    lost = [{"domain": "p4.org", "linking_page": "https://p4.org/post", "detail": "no link to ours.example"}]
    store.commit([*(EnsureTab(t) for t in ALL_TABS), SetState({LOST_LINKS_KEY: json.dumps(lost)})])
    console = io.StringIO()
    ctx = JobContext(store=store, clock=lambda: NOW, notifier=ConsoleNotifier(console))

    run_job("verify-links", lambda c: JobResult("verify-links", "1 lost"), ctx)
    first = console.getvalue()
    assert "Link lost: p4.org" in first
    assert "https://p4.org/post" in first and "no link to ours.example" in first

    console.truncate(0)
    console.seek(0)
    run_job("verify-links", lambda c: JobResult("verify-links", "still lost"), ctx)
    assert "Link lost" not in console.getvalue()
