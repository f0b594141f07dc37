"""`gapbot init`: create missing tabs, headers, example settings and dropdowns."""

from __future__ import annotations

from bot.stores import EnsureTab
from sheets_schema import ALL_TABS

from .context import JobContext, JobResult
from .lease import refuse_newer_schema


def init(ctx: JobContext) -> JobResult:
    refuse_newer_schema(ctx.store.read_state(), ctx.store.location)
    notes = ctx.store.commit([EnsureTab(t) for t in ALL_TABS])
    created = [t.name for t in ALL_TABS if t.name in notes.created]
    summary = f"created {len(created)} tab(s): {', '.join(created)}" if created else "every tab was already there"
    return JobResult("init", summary, {"tabs created": len(created)}, tuple(notes.notes))
