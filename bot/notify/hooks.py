"""Where jobs meet notifications: after an analysis, after every job, and when a job fails.

Notifications never make a job fail: a problem with them becomes a note on the job's result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.errors import GapbotError
from bot.inputs import read_inputs
from sheets_schema.tabs import PROSPECTS

from . import triggers
from .analysis_digest import analysis_digest
from .base import DeliveryError
from .failure import failure_message
from .lost_links import lost_link_alerts
from .message import Message
from .outbox import Outbox
from .secrets import redact
from .sheet import read_schema_tabs
from .wins import win_alerts

if TYPE_CHECKING:
    from jobs.context import JobContext, JobResult

log = logging.getLogger(__name__)

#: The job that sends win and rerun alerts itself, so they are not checked twice after it.
RERUN_CHECK_JOB = "rerun-check"


def deliver(ctx: JobContext, messages: Sequence[Message], memory: Mapping[str, str] | None = None) -> list[str]:
    """Record the messages (and the memory that goes with them), then send everything pending."""
    outbox = Outbox(ctx.store, ctx.notifier, ctx.clock)
    entries = outbox.record(messages, memory)
    report = outbox.flush(entries)
    return [f"notify: {n}" for n in report.notes(ctx.notifier.description, ctx.notifier.remote)]


def _noted(result: JobResult, step: Callable[[], list[str]]) -> JobResult:
    try:
        notes = step()
    except GapbotError as exc:
        notes = [f"notify: messages could not be prepared: {exc.message}"]
    except Exception as exc:  # the job's own work is done and saved; a notification bug must not undo that
        log.exception("preparing notifications failed")
        notes = [f"notify: messages could not be prepared ({type(exc).__name__}: {redact(str(exc))})"]
    return replace(result, notes=(*result.notes, *notes))


def notify_after_analyze(ctx: JobContext, result: JobResult) -> JobResult:
    """The analysis digest, and a new baseline for the rerun triggers."""

    def step() -> list[str]:
        memory = triggers.after_analysis(ctx.store, read_inputs(ctx.store), ctx.store.read_state())
        return deliver(ctx, [analysis_digest(ctx.store, ctx.clock().date())], memory)

    return _noted(result, step)


def end_of_job_alerts(ctx: JobContext) -> tuple[list[Message], dict[str, str], list[triggers.Fired]]:
    """Win alerts and the rerun alert, with the state entries that remember them."""
    state = ctx.store.read_state()
    tabs = read_schema_tabs(ctx.store, *triggers.CHECK_TABS)
    wins, memory = win_alerts(ctx.store, tabs[PROSPECTS.name], state)
    lost = lost_link_alerts(ctx.store, state, ctx.clock().date())
    rerun = triggers.check(ctx.store, read_inputs(ctx.store), tabs, state, ctx.clock())
    messages = [*wins, *lost, *([rerun.message] if rerun.message else [])]
    return messages, {**memory, **rerun.memory}, rerun.fired


def after_job(ctx: JobContext, result: JobResult) -> JobResult:
    def step() -> list[str]:
        messages, memory, _ = end_of_job_alerts(ctx)
        return deliver(ctx, messages, memory)

    return _noted(result, step)


def alert_failure(ctx: JobContext, job: str, error: BaseException) -> None:
    """Tell the team a job failed. If the sheet itself is the problem, send without the outbox."""
    message = failure_message(job, error, ctx.clock().date())
    try:
        deliver(ctx, [message])
        return
    except GapbotError:
        pass
    except Exception:  # never let the alert hide the job's own error
        log.exception("recording the failure alert failed")
    try:
        ctx.notifier.send(message)
    except DeliveryError as exc:
        log.warning("could not send the failure alert: %s", exc)


def run_job(name: str, job: Callable[[JobContext], JobResult], ctx: JobContext) -> JobResult:
    """Run a job; then win and rerun alerts, or a failure alert if it raised."""
    try:
        result = job(ctx)
    except Exception as exc:
        alert_failure(ctx, name, exc)
        raise
    return result if name == RERUN_CHECK_JOB else after_job(ctx, result)
