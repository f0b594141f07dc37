"""`gapbot init`: create missing tabs, headers, example settings and dropdowns."""

from __future__ import annotations

from bot.errors import StoreError
from bot.stores import EnsureTab
from bot.stores.base import SCHEMA_VERSION_KEY
from sheets_schema import ALL_TABS, SCHEMA_VERSION

from .context import JobContext, JobResult
from .registry import register


@register("init")
def init(ctx: JobContext) -> JobResult:
    stored = ctx.store.read_state().get(SCHEMA_VERSION_KEY, "")
    if stored.isdigit() and int(stored) > SCHEMA_VERSION:
        raise StoreError(
            f"the sheet was written by a newer gapbot (schema {stored}, this one knows {SCHEMA_VERSION})",
            where=ctx.store.location,
            fix="upgrade gapbot before running it on this sheet",
        )
    notes = ctx.store.commit([EnsureTab(t) for t in ALL_TABS])
    created = [t.name for t in ALL_TABS if t.name in notes.created]
    summary = f"created {len(created)} tab(s): {', '.join(created)}" if created else "every tab was already there"
    return JobResult("init", summary, {"tabs created": len(created)}, tuple(notes.notes))
