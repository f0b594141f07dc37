"""`gapbot run`: the worker that runs the jobs of the table (jobs/table.py) on their cadences until it is stopped.

One process, one sheet, one job at a time: a single-thread executor runs the jobs one after the
other, and every run takes the sheet's lease (jobs/lease.py): a run that finds the sheet busy with
another worker or a manual run writes nothing and tries again at its next scheduled time.
SIGTERM or SIGINT lets the running job finish, starts nothing new, and exits 0.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_START,
    JobEvent,
    JobSubmissionEvent,
    SchedulerEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.errors import ConfigError
from bot.settings import Settings, parse_settings
from bot.stores import Store
from bot.vendors import connector_for, default_pull_dir, kept_pulls
from sheets_schema.state_keys import LAST_ANALYSIS_KEY, RERUN_DUE_KEY
from sheets_schema.tabs import SETTINGS

from .context import JobContext
from .runner import Runner, log_run

log = logging.getLogger("gapbot.worker")

JOBS_ENV = "GAPBOT_JOBS"
#: Jobs `gapbot run` does once at start rather than on a cadence.
STARTUP_JOBS = ("init",)
SCHEDULED = "scheduled"
#: A run may start this late at most, whatever its cadence.
MAX_GRACE = timedelta(hours=12)


@dataclass(frozen=True)
class Cadence:
    job: str
    env: str
    #: Seconds between runs, or a crontab line (minute hour day-of-month month day-of-week) in the
    #: sheet's timezone. Name the days of the week (`mon`): cron's numbers mean other days here.
    default: str


#: Default cadences, in the order the jobs first run at start. `analyze` is checked hourly and runs
#: only when due (see `analysis_due`).
CADENCES: tuple[Cadence, ...] = (
    Cadence("analyze", "GAPBOT_ANALYZE_EVERY", "3600"),
    Cadence("watch", "GAPBOT_WATCH_EVERY", "300"),
    Cadence("rerun-check", "GAPBOT_RERUN_CHECK_EVERY", "0 7 * * *"),
    Cadence("health", "GAPBOT_HEALTH_EVERY", "0 6 * * *"),
    Cadence("digest", "GAPBOT_DIGEST_EVERY", "0 8 * * mon"),
)
CADENCES_BY_JOB = {c.job: c for c in CADENCES}


def cadence_env(job: str) -> str:
    """The variable that sets a job's cadence; jobs without a default cadence run only when it is set."""
    known = CADENCES_BY_JOB.get(job)
    return known.env if known else f"GAPBOT_{job.upper().replace('-', '_')}_EVERY"


@dataclass(frozen=True)
class Planned:
    job: str
    trigger: BaseTrigger
    #: Seconds a run may start late (queued behind another job) before it is skipped as missed.
    grace: int


def parse_cadence(text: str, where: str, tz: ZoneInfo) -> BaseTrigger:
    text = text.strip()
    if text.isdigit() and int(text) > 0:
        return IntervalTrigger(seconds=int(text), timezone=tz)
    try:
        return CronTrigger.from_crontab(text, timezone=tz)
    except ValueError as exc:
        raise ConfigError(
            f"{text!r} is not a cadence ({exc})",
            where=where,
            fix="give seconds between runs (e.g. 300) or a crontab line such as `0 8 * * mon`",
        ) from exc


def misfire_grace(trigger: BaseTrigger, now: datetime) -> int:
    """Half the time between two runs, capped at 12 hours: a late run still happens unless the next
    one is nearly due (watch: 150 s; a daily job: 12 h; the weekly digest: until Monday evening)."""
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1)) if first else None
    period = (second - first) if first and second else MAX_GRACE * 2
    return max(1, int(min(period / 2, MAX_GRACE).total_seconds()))


def plan(
    registered: Iterable[str], tz: ZoneInfo, now: datetime, environ: Mapping[str, str] = os.environ
) -> list[Planned]:
    """What `gapbot run` schedules: the known jobs with a cadence, limited to GAPBOT_JOBS if set."""
    registered = [j for j in registered if j not in STARTUP_JOBS]
    wanted = [j.strip() for j in environ.get(JOBS_ENV, "").split(",") if j.strip()]
    unknown = [j for j in wanted if j not in registered]
    if unknown:
        raise ConfigError(
            f"unknown job(s) {', '.join(unknown)}",
            where=JOBS_ENV,
            fix=f"choose among {', '.join(registered)}, or unset it to run them all",
        )
    order = [c.job for c in CADENCES]
    names = sorted(wanted or registered, key=lambda j: (order.index(j) if j in order else len(order), j))
    planned = []
    for job in names:
        env = cadence_env(job)
        known = CADENCES_BY_JOB.get(job)
        text = environ.get(env, "").strip() or (known.default if known else "")
        if not text:
            continue
        trigger = parse_cadence(text, env, tz)
        planned.append(Planned(job, trigger, misfire_grace(trigger, now)))
    return planned


def sheet_timezone(settings: Settings) -> ZoneInfo:
    """The sheet's timezone; `parse_settings` has already refused (and reported) an unknown one."""
    return ZoneInfo(settings.timezone)


def read_settings(store: Store) -> Settings:
    return parse_settings(store.read_tab(SETTINGS.name))


def analysis_due(
    state: Mapping[str, str], settings: Settings, now: datetime, pulls: Mapping[str, datetime] | None = None
) -> str | None:
    """Why `analyze` should run now, or None when it is not due. `pulls`: when each kept pull of
    Settings › Data source's vendor was pulled (`bot.vendors.kept_pulls`)."""
    last_text = state.get(LAST_ANALYSIS_KEY, "")
    if not last_text:
        return "no analysis yet"
    last = _aware(datetime.fromisoformat(last_text), now)
    if now - last >= timedelta(days=settings.rerun_days):
        return f"last analysis {last:%Y-%m-%d}, Rerun every (days) is {settings.rerun_days}"
    refresh = refresh_due(pulls or {}, settings, now, last)
    if refresh:
        return refresh
    rerun_due = state.get(RERUN_DUE_KEY, "")
    auto = settings.raw("Auto rerun").strip().lower() in ("yes", "true", "1")
    if auto and rerun_due and datetime.fromisoformat(rerun_due) > last:
        return f"a rerun alert fired at {rerun_due} and Auto rerun is on"
    return None


def refresh_due(pulls: Mapping[str, datetime], settings: Settings, now: datetime, last: datetime) -> str | None:
    """Why the vendor's kept pulls should be pulled again now (`analyze` pulls them), or None.

    Due once the oldest is `Refresh every (days)` old, if no analysis has run since: an analysis
    that could not refresh it (the vendor down, the budget spent) is not retried every hour.
    """
    if not pulls or settings.api_budget is None:
        return None
    name, oldest = min(pulls.items(), key=lambda item: _aware(item[1], now))
    due = _aware(oldest, now) + timedelta(days=settings.refresh_days)
    if now < due or last >= due:
        return None
    return f"{name} was pulled {oldest:%Y-%m-%d}, Refresh every (days) is {settings.refresh_days}"


def _aware(when: datetime, now: datetime) -> datetime:
    return when.replace(tzinfo=now.tzinfo) if when.tzinfo is None else when  # written without a zone: UTC


def due_reason(name: str, ctx: JobContext) -> str | None:
    """Why a job should run now, or None when it is not due. Only `analyze` waits for its cadence
    (and for the vendor's pulls to be due a refresh); the other jobs are due whenever their schedule fires."""
    if name != "analyze":
        return SCHEDULED
    settings = read_settings(ctx.store)
    connector = connector_for(settings.data_source)
    pulls = kept_pulls(default_pull_dir(ctx.store.location), connector.vendor.name) if connector else {}
    return analysis_due(ctx.store.read_state(), settings, ctx.clock(), pulls)


class Worker:
    """Runs scheduled jobs one at a time, each with a fresh context, and stops cleanly."""

    def __init__(self, runner: Runner, make_context: Callable[[], JobContext]) -> None:
        self.runner = runner
        self.make_context = make_context
        self.stopping = threading.Event()
        self._running = threading.Lock()

    def run_scheduled(self, name: str) -> None:
        """One scheduled run; its failure is logged and alerted by the runner and never stops the worker."""
        if self.stopping.is_set():
            return
        with self._running:
            if self.stopping.is_set():
                return
            ctx = self.make_context()
            if not self._due(name, ctx):
                return
            # A failure is already logged (and alerted) by the runner; the next run comes on schedule.
            with contextlib.suppress(Exception):
                self.runner.run(name, ctx)
            # The command line defers the collector's full passes while a run holds its cells; a
            # worker lives on, so what the run left in reference cycles is freed before it waits.
            gc.collect()

    def _due(self, name: str, ctx: JobContext) -> bool:
        started = time.monotonic()
        try:
            reason = due_reason(name, ctx)
        except Exception as exc:
            self.runner.failed(name, ctx, exc, time.monotonic() - started)
            return False
        if reason is None:
            log_run(name, "skipped", time.monotonic() - started, ctx.run_id, "not due")
        elif reason != SCHEDULED:
            log.info("%s is due: %s", name, reason)
        return reason is not None

    def wait_idle(self) -> None:
        """Block until the running job, if any, has finished."""
        with self._running:
            pass


def build_scheduler(worker: Worker, planned: Iterable[Planned], tz: ZoneInfo, now: datetime) -> BlockingScheduler:
    scheduler = BlockingScheduler(
        timezone=tz,
        # One thread: jobs on the same sheet never overlap inside this worker.
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1},
    )
    for index, item in enumerate(planned):
        extra: dict[str, Any] = {}
        if isinstance(item.trigger, IntervalTrigger):
            # Interval jobs start right away, one second apart so they queue in plan order.
            extra["next_run_time"] = now + timedelta(seconds=index)
        scheduler.add_job(
            worker.run_scheduled,
            item.trigger,
            args=[item.job],
            id=item.job,
            name=item.job,
            misfire_grace_time=item.grace,
            coalesce=True,
            max_instances=1,
            **extra,
        )

    def not_run(event: JobEvent) -> None:
        if isinstance(event, JobSubmissionEvent):  # the previous run is still running or queued
            why, when = "the previous run has not finished", event.scheduled_run_times[-1]
        else:
            why, when = (
                f"it could not start within {scheduler.get_job(event.job_id).misfire_grace_time}s",
                event.scheduled_run_time,
            )
        log_run(event.job_id, "missed", 0.0, "-", f"run due at {when:%H:%M:%S} skipped: {why}")

    scheduler.add_listener(not_run, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


def serve(
    store: Store,
    runner: Runner,
    make_context: Callable[[], JobContext],
    environ: Mapping[str, str] = os.environ,
) -> None:
    """Run the worker until SIGTERM/SIGINT; returns once the running job has finished."""
    worker = Worker(runner, make_context)
    scheduler: BlockingScheduler | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        if worker.stopping.is_set():
            return
        log.info("%s received: finishing the running job, then stopping", signal.Signals(signum).name)
        worker.stopping.set()
        if scheduler is not None and scheduler.state != STATE_STOPPED:
            scheduler.shutdown(wait=False)

    # Configuration errors stop the worker before it writes anything.
    tz = sheet_timezone(read_settings(store))
    now = datetime.now(tz)
    planned = plan(runner.jobs, tz, now, environ)
    scheduler = build_scheduler(worker, planned, tz, now)

    def stop_if_asked(event: SchedulerEvent) -> None:
        # A signal that came while the scheduler was starting finds nothing to shut down yet.
        if worker.stopping.is_set() and scheduler is not None and scheduler.state != STATE_STOPPED:
            scheduler.shutdown(wait=False)

    scheduler.add_listener(stop_if_asked, EVENT_SCHEDULER_START)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    for job in STARTUP_JOBS:
        if job in runner.jobs:
            worker.run_scheduled(job)
    if not worker.stopping.is_set():
        log.info(
            "worker started (timezone %s): %s",
            tz.key,
            "; ".join(f"{p.job} {p.trigger}, grace {p.grace}s" for p in planned) or "no jobs to schedule",
        )
        scheduler.start()
    worker.wait_idle()
    log.info("worker stopped")
