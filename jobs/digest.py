"""`gapbot digest`: the weekly outcomes digest, with a funnel chart where Slack takes files."""

from __future__ import annotations

from bot.notify.outcomes_digest import DIGEST_TABS, outcomes_digest
from bot.notify.sheet import schema_tabs
from jobs.notifications import deliver

from .context import JobContext, JobResult

PERIOD_DAYS = 7
STALE_DAYS = 14


def digest_job(ctx: JobContext, days: int = PERIOD_DAYS, stale_days: int = STALE_DAYS) -> JobResult:
    chart = ctx.notifier.uploads_files
    tabs = schema_tabs(ctx.store.read_tabs([s.name for s in DIGEST_TABS]), *DIGEST_TABS)
    messages = outcomes_digest(tabs, ctx.store.tab_link, ctx.clock(), days=days, stale_days=stale_days, chart=chart)
    notes = deliver(ctx, messages)
    return JobResult("digest", messages[0].summary, {"messages": len(messages)}, tuple(notes))


def digest(ctx: JobContext) -> JobResult:
    return digest_job(ctx)
