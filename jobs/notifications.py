"""Where jobs meet notifications: after an analysis, after every job, and when a job fails.

The message builders in `bot.notify` are functions of data; this module gathers that data (what
a job already has in hand, or the tabs it reads once) and delivers the messages through the
outbox. Notifications never make a job fail: a problem with them becomes a note on the job's result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import pandas as pd

from bot.errors import GapbotError
from bot.inputs import Inputs, read_inputs
from bot.notify import triggers
from bot.notify.analysis_digest import DIGEST_TABS, PROSPECT_COLUMNS, analysis_digest
from bot.notify.base import DeliveryError
from bot.notify.failure import failure_message
from bot.notify.lost_links import lost_link_alerts
from bot.notify.message import Message
from bot.notify.outbox import Outbox
from bot.notify.secrets import redact
from bot.notify.sheet import schema_tabs
from bot.notify.wins import win_alerts
from bot.settings import Settings
from bot.stores import SetState, Store, WriteOp
from bot.stores.grid import MAX_CELL_CHARS, written_tabs
from bot.vendors import connector_for, default_pull_dir, kept_pulls
from sheets_schema.state_keys import RERUN_BASELINE_KEY
from sheets_schema.tabs import MODEL, PROSPECTS

from .context import Job, JobContext, JobResult

log = logging.getLogger(__name__)
_T = TypeVar("_T")

#: The job that sends win and rerun alerts itself, so they are not checked twice after it.
RERUN_CHECK_JOB = "rerun-check"


@dataclass(frozen=True)
class AnalysisNews:
    """What an analysis hands to its notifications, so that they read nothing of it again."""

    #: The inputs the analysis read.
    inputs: Inputs
    #: The output tabs as the analysis read them before writing (`Inputs.also`).
    before: Mapping[str, pd.DataFrame]
    #: The analysis's writes of the tabs the digest and the rerun baseline are made of.
    writes: Sequence[WriteOp]
    #: `triggers.export_digests` of the exports, taken while reading them, and `triggers.pull_digests`
    #: of the kept vendor pulls.
    exports: Mapping[str, str]
    #: The store's limit of characters per cell (what it writes is cut to that).
    max_cell_chars: int = MAX_CELL_CHARS
    #: What the run pulled from the vendor: the units spent, then what the budget left unread.
    pulls: Sequence[str] = ()

    def tabs(self) -> dict[str, pd.DataFrame]:
        """The digest's tabs and the Model tab as the analysis left them, by schema."""
        schemas = (*DIGEST_TABS, MODEL)
        wanted = {s.name: PROSPECT_COLUMNS if s is PROSPECTS else None for s in schemas}
        written = written_tabs(self.before, self.writes, self.max_cell_chars, wanted)
        return schema_tabs({**self.before, **written}, *schemas)


def deliver(ctx: JobContext, messages: Sequence[Message], memory: Mapping[str, str] | None = None) -> list[str]:
    """Record the messages (and the memory that goes with them), then send everything pending."""
    outbox = Outbox(ctx.store, ctx.notifier, ctx.clock)
    entries = outbox.record(messages, memory)
    report = outbox.flush(entries)
    return [f"notify: {n}" for n in report.notes(ctx.notifier.description, ctx.notifier.remote)]


def _attempt(step: Callable[[], _T], failed: Callable[[str], _T]) -> _T:
    """`step`, or `failed` of a note saying why it could not be done: the job's own work must
    not be undone by a notification's bug."""
    try:
        return step()
    except GapbotError as exc:
        return failed(f"notify: messages could not be prepared: {exc.message}")
    except Exception as exc:
        log.exception("preparing notifications failed")
        return failed(f"notify: messages could not be prepared ({type(exc).__name__}: {redact(str(exc))})")


def _noted(result: JobResult, step: Callable[[], list[str]]) -> JobResult:
    notes = _attempt(step, lambda note: [note])
    return replace(result, notes=(*result.notes, *notes))


@dataclass(frozen=True)
class PreparedNotice:
    """Messages a job records in the outbox with its own commit, sent once that commit landed."""

    #: State entries for the job's commit: the outbox entries and the triggers' memory.
    record: dict[str, str]
    #: Every outbox entry as it will be once `record` landed (what `Outbox.flush` takes).
    entries: Mapping[str, dict[str, Any]]
    #: Why nothing could be prepared ("" when it was).
    problem: str = ""

    def ops(self) -> list[WriteOp]:
        return [SetState(self.record)] if self.record else []


def prepare_after_analyze(ctx: JobContext, news: AnalysisNews) -> PreparedNotice:
    """The analysis digest and a new baseline for the rerun triggers, to record with the analysis."""

    def step() -> PreparedNotice:
        tabs = news.tabs()
        state = ctx.store.read_state()  # the triggers' memory, as the notifications of other jobs left it
        memory = triggers.after_analysis(news.inputs, state, tabs[MODEL.name], news.exports)
        digest = analysis_digest(tabs, ctx.store.tab_link, ctx.clock().date(), news.pulls)
        return PreparedNotice(*Outbox(ctx.store, ctx.notifier, ctx.clock).prepare([digest], memory))

    return _attempt(step, lambda note: PreparedNotice({}, {}, note))


def send_prepared(ctx: JobContext, result: JobResult, notice: PreparedNotice) -> JobResult:
    """Send what `notice` recorded (and anything still pending), once the job's commit landed."""
    if notice.problem:
        return replace(result, notes=(*result.notes, notice.problem))

    def step() -> list[str]:
        report = Outbox(ctx.store, ctx.notifier, ctx.clock).flush(notice.entries)
        return [f"notify: {n}" for n in report.notes(ctx.notifier.description, ctx.notifier.remote)]

    return _noted(result, step)


def export_fingerprints(store: Store, folder: str) -> tuple[dict[str, str], list[str]]:
    """The exports folder's entries and their fingerprints, read without downloading where the
    store can, and a note when the folder could not be read."""
    if not folder:
        return {}, []
    try:
        return store.export_fingerprints(folder), []
    except GapbotError as exc:
        return {}, [f"could not check the exports folder for new files: {exc}"]


def kept_pull_digests(ctx: JobContext, settings: Settings) -> dict[str, str]:
    """`triggers.pull_digests` of the kept pulls of Settings › Data source's vendor (none for exports)."""
    connector = connector_for(settings.data_source)
    if connector is None:
        return {}
    return triggers.pull_digests(kept_pulls(default_pull_dir(ctx.store.location), connector.vendor.name))


def end_of_job_alerts(ctx: JobContext) -> tuple[list[Message], dict[str, str], list[triggers.Fired], list[str]]:
    """Win alerts and the rerun alert, with the state entries that remember them, and what could
    not be checked."""
    state = ctx.store.read_state()
    read = ctx.store.read_tabs([s.name for s in triggers.CHECK_TABS], triggers.CHECK_COLUMNS)
    tabs = schema_tabs(read, *triggers.CHECK_TABS)
    links = ctx.store.tab_link
    wins, memory = win_alerts(tabs[PROSPECTS.name], state, links)
    lost = lost_link_alerts(state, ctx.clock().date(), links)
    inputs = read_inputs(ctx.store)
    unchecked: list[str] = []
    exports: dict[str, str] = {}
    if state.get(RERUN_BASELINE_KEY):  # only compared with the last analysis's: not read before there is one
        # An unreadable folder lists no file, and an export that is gone is no reason to rerun.
        files, unchecked = export_fingerprints(ctx.store, inputs.settings.exports_folder)
        exports = triggers.export_digests(inputs.raw_tabs, files)
        try:
            exports |= kept_pull_digests(ctx, inputs.settings)
        except GapbotError as exc:  # Settings › Data source names no vendor: analyze says so
            unchecked.append(f"could not check for new vendor pulls: {exc.message}")
    rerun = triggers.check(inputs, tabs, state, ctx.clock(), exports, links)
    messages = [*wins, *lost, *([rerun.message] if rerun.message else [])]
    return messages, {**memory, **rerun.memory}, rerun.fired, unchecked


def after_job(ctx: JobContext, result: JobResult) -> JobResult:
    def step() -> list[str]:
        messages, memory, _, unchecked = end_of_job_alerts(ctx)
        return [*unchecked, *deliver(ctx, messages, memory)]

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


def run_job(name: str, job: Job, ctx: JobContext) -> JobResult:
    """Run a job; then win and rerun alerts, or a failure alert if it raised."""
    try:
        result = job(ctx)
    except Exception as exc:
        alert_failure(ctx, name, exc)
        raise
    return result if name == RERUN_CHECK_JOB else after_job(ctx, result)
