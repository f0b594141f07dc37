"""Run one job the way the worker and `gapbot run-job` do.

Look the job up by name, take the sheet's lease, run it, record a heartbeat and the run's result
in the state tab, log exactly one line for the run (result and duration), and on failure send the
failure alert and re-raise.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.errors import ConfigError, GapbotError
from bot.stores import SetState
from sheets_schema.state_keys import HEARTBEAT_KEY, last_run_key

from .context import Job, JobContext, JobResult
from .lease import Lease, LeaseBusy, LeasedStore, worker_identity
from .notifications import run_job as run_with_notifications
from .table import FIRST_READS, JOBS, SKIP_WHEN_UNCHANGED

log = logging.getLogger("gapbot.jobs")
# Silent unless a command configures logging (`run`, `run-job`): manual commands print their own report.
logging.getLogger("gapbot").addHandler(logging.NullHandler())

LEASE_SECONDS_ENV = "GAPBOT_LEASE_SECONDS"
LEASE_SETTLE_ENV = "GAPBOT_LEASE_SETTLE"
JOB_MODULES_ENV = "GAPBOT_JOB_MODULES"
LOG_FORMAT_ENV = "GAPBOT_LOG_FORMAT"
#: Environment variables whose values are secrets: never let them reach a log line or an alert.
SECRET_ENVS = ("SLACK_BOT_TOKEN", "SLACK_WEBHOOK_URL", "GAPBOT_SERVICE_ACCOUNT_JSON")
_SECRET_PATTERNS = re.compile(r"xox[a-z]-[A-Za-z0-9-]+|hooks\.slack\.com/services/[A-Za-z0-9/]+")

LOG_HANDLER = "gapbot"

#: Called once when a job fails, after its result is recorded: (job name, the error, the run's context).
FailureAlert = Callable[[str, BaseException, JobContext], None]


def describe(error: BaseException) -> str:
    """One line saying what went wrong, with secrets masked."""
    text = error.message if isinstance(error, GapbotError) else f"{type(error).__name__}: {error}"
    for name in SECRET_ENVS:
        secret = os.environ.get(name, "")
        if len(secret) >= 8:
            text = text.replace(secret, "***")
    return _SECRET_PATTERNS.sub("***", " ".join(text.split()))


def log_failure(job: str, error: BaseException, ctx: JobContext) -> None:
    """The failure alert when no notifier is configured: an error line in the log."""
    log.error("ALERT %s failed (run %s): %s", job, ctx.run_id, describe(error))


def available_jobs(environ: Mapping[str, str] = os.environ) -> dict[str, Job]:
    """The job table, plus the `JOBS` tables of any extra modules named in GAPBOT_JOB_MODULES."""
    jobs = dict(JOBS)
    for name in filter(None, (m.strip() for m in environ.get(JOB_MODULES_ENV, "").split(","))):
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ConfigError(
                f"cannot import job module {name!r} ({exc})",
                where=JOB_MODULES_ENV,
                fix="give importable module names, comma-separated, or unset it",
            ) from exc
        extra = getattr(module, "JOBS", None)
        if not isinstance(extra, Mapping):
            raise ConfigError(
                f"job module {name!r} has no JOBS table",
                where=JOB_MODULES_ENV,
                fix="define JOBS = {name: job, ...} in it",
            )
        taken = sorted(set(extra) & set(jobs))
        if taken:
            raise ConfigError(
                f"job module {name!r} names jobs that already exist: {', '.join(taken)}",
                where=JOB_MODULES_ENV,
                fix="give its jobs other names",
            )
        jobs.update(extra)
    return jobs


def _seconds(environ: Mapping[str, str], name: str, default: float, minimum: float = 0.0) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value < minimum:
        raise ConfigError(
            f"{raw!r} is not a number of seconds of at least {minimum:g}", where=name, fix=f"give e.g. {default:g}"
        )
    return value


@dataclass
class Runner:
    jobs: Mapping[str, Job]
    holder: str = field(default_factory=worker_identity)
    #: Long enough for the slowest job: a lease is only renewed when the job writes.
    lease_ttl: timedelta = timedelta(minutes=30)
    #: Seconds between writing the lease and reading it back (see jobs/lease.py).
    settle: float = 0.25
    #: None for interactive runs: the person who ran it sees the error.
    alert: FailureAlert | None = log_failure

    @classmethod
    def from_environment(
        cls, jobs: Mapping[str, Job], alert: FailureAlert | None = log_failure, environ: Mapping[str, str] = os.environ
    ) -> Runner:
        return cls(
            jobs,
            lease_ttl=timedelta(seconds=_seconds(environ, LEASE_SECONDS_ENV, 1800, minimum=60)),
            settle=_seconds(environ, LEASE_SETTLE_ENV, 0.25),
            alert=alert,
        )

    def job(self, name: str) -> Job:
        if name not in self.jobs:
            raise ConfigError(
                f"there is no job named {name!r}",
                fix=f"choose one of: {', '.join(sorted(self.jobs))}",
            )
        return self.jobs[name]

    def run(self, name: str, ctx: JobContext, job: Job | None = None) -> JobResult:
        """Run a job of the table (or `job` under that name, e.g. with options) under the sheet's lease."""
        started = time.monotonic()
        if job is None and name in SKIP_WHEN_UNCHANGED and ctx.store.unchanged_since_remembered():
            log_run(name, "skipped", time.monotonic() - started, ctx.run_id, "nothing changed since the last run")
            return JobResult(name, "nothing changed", {"changes": 0})
        job = job or self.job(name)
        with ctx.store.run_scope():
            return self._run_leased(name, job, ctx, started)

    def _run_leased(self, name: str, job: Job, ctx: JobContext, started: float) -> JobResult:
        lease = Lease(ctx.store, self.holder, self.lease_ttl, ctx.clock, self.settle)
        try:
            reads = FIRST_READS.get(name)
            with ctx.phase("lease"):
                lease.acquire(name, (lambda: reads(ctx)) if reads is not None else tuple)
        except LeaseBusy as exc:
            log_run(name, "busy", time.monotonic() - started, ctx.run_id, exc.message)
            raise
        except Exception as exc:  # the sheet cannot be read or written at all
            seconds = time.monotonic() - started
            # the lease may be written already (the first reads come after it): given back if it can be
            self._finish(
                lease, ctx, name, {"result": "failed", "seconds": round(seconds, 3), "error": describe(exc)}, {}
            )
            self.failed(name, ctx, exc, seconds)
            raise
        leased = LeasedStore(ctx.store, lease, name)
        try:
            # Inside the lease: win, rerun and failure alerts go through the outbox in the sheet.
            result = run_with_notifications(name, job, replace(ctx, store=leased))
        except BaseException as exc:
            seconds = time.monotonic() - started
            outcome = {"result": "failed", "seconds": round(seconds, 3), "error": describe(exc)}
            self._finish(lease, ctx, name, outcome, leased.later())
            self.failed(name, ctx, exc, seconds)
            raise
        seconds = time.monotonic() - started
        outcome = {"result": "ok", "seconds": round(seconds, 3), "summary": result.summary}
        with ctx.phase("lease"):
            self._finish(lease, ctx, name, outcome, leased.later())
        log_run(name, "ok", time.monotonic() - started, ctx.run_id, result.summary, ctx.phases)
        return result

    def run_when_free(
        self, name: str, ctx: JobContext, wait: float, poll: float = 15.0, sleep: Callable[[float], None] = time.sleep
    ) -> JobResult:
        """`run`, retrying every `poll` seconds for up to `wait` seconds while the sheet is busy."""
        deadline = time.monotonic() + wait
        while True:
            try:
                return self.run(name, ctx)
            except LeaseBusy:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise
                sleep(min(poll, left))

    def _finish(
        self, lease: Lease, ctx: JobContext, name: str, outcome: dict[str, Any], later: Mapping[str, str]
    ) -> None:
        """Heartbeat, last result, the entries the job held back and lease release in one write,
        only while the lease is still ours."""
        try:
            release = lease.release_values()
            if not release:
                log.warning(
                    "%s: the lease is not this run's (taken over, or never taken); its result is not recorded", name
                )
                return
            now = ctx.clock().isoformat()
            heartbeat = {"at": now, "holder": self.holder, "job": name, "result": outcome["result"]}
            record = {"at": now, "run": ctx.run_id, **outcome}
            values = {**later, **release, HEARTBEAT_KEY: json.dumps(heartbeat), last_run_key(name): json.dumps(record)}
            ctx.store.commit([SetState(values)])
        except Exception as exc:
            log.warning(
                "%s: could not record the run or release the lease (it expires by itself): %s", name, describe(exc)
            )

    def failed(self, name: str, ctx: JobContext, error: BaseException, seconds: float) -> None:
        """Log a failed run and send its alert (a failed alert never hides the job's own error)."""
        log_run(name, "failed", seconds, ctx.run_id, describe(error))
        if self.alert is None or not isinstance(error, Exception):
            return
        try:
            self.alert(name, error, ctx)
        except Exception as exc:
            log.error("the failure alert for %s could not be sent: %s", name, describe(exc))


def log_run(
    job: str, result: str, seconds: float, run_id: str, detail: str, phases: Mapping[str, float] | None = None
) -> None:
    """The one log line of a job run, with where its time went when the job says so."""
    fields: dict[str, Any] = {"job": job, "result": result, "seconds": round(seconds, 3), "run": run_id}
    fields["detail"] = detail
    split = ""
    if phases:
        fields["phases"] = {name: round(spent, 3) for name, spent in phases.items()}
        split = " [" + ", ".join(f"{name} {spent:.2f}s" for name, spent in phases.items()) + "]"
    level = logging.INFO if result in ("ok", "skipped") else logging.WARNING
    log.log(
        level, "%s %s in %.2fs (run %s): %s%s", job, result, seconds, run_id, detail, split, extra={"fields": fields}
    )


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and a job run's fields."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            data["traceback"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(json_lines: bool = False, environ: Mapping[str, str] = os.environ) -> None:
    """Log lines to stderr, as plain text or (flag or GAPBOT_LOG_FORMAT=json) JSON."""
    as_json = json_lines or environ.get(LOG_FORMAT_ENV, "").strip().lower() == "json"
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.set_name(LOG_HANDLER)
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if h.get_name() != LOG_HANDLER] + [handler]
    root.setLevel(logging.INFO)
    # The scheduler's own lines about runs (started, done, missed, skipped) would double our one line
    # per run; its errors stay.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
