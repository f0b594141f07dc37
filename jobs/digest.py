"""`gapbot digest`: the weekly outcomes digest, with a funnel chart where Slack takes files."""

from __future__ import annotations

from bot.notify.hooks import deliver
from bot.notify.outcomes_digest import outcomes_digest
from bot.notify.slack import SlackNotifier

from .context import JobContext, JobResult
from .registry import register

PERIOD_DAYS = 7
STALE_DAYS = 14


def digest_job(ctx: JobContext, days: int = PERIOD_DAYS, stale_days: int = STALE_DAYS) -> JobResult:
    chart = isinstance(ctx.notifier, SlackNotifier)
    messages = outcomes_digest(ctx.store, ctx.clock(), days=days, stale_days=stale_days, chart=chart)
    notes = deliver(ctx, messages)
    return JobResult("digest", messages[0].summary, {"messages": len(messages)}, tuple(notes))


@register("digest")
def digest(ctx: JobContext) -> JobResult:
    return digest_job(ctx)
