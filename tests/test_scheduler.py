from __future__ import annotations

import gc
import logging
import threading
import time
import weakref
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from click.testing import CliRunner

from bot.errors import ConfigError
from bot.settings import Settings, parse_settings
from bot.stores import MemoryStore, SetState
from jobs.cli import main
from jobs.context import JobContext, JobResult
from jobs.runner import Runner
from jobs.scheduler import Planned, Worker, analysis_due, build_scheduler, plan, sheet_timezone
from sheets_schema.state_keys import LAST_ANALYSIS_KEY, RERUN_DUE_KEY

ALL_JOBS = ("init", "analyze", "watch", "health", "digest", "rerun-check")
UTC_ZONE = ZoneInfo("UTC")
# A Monday in winter (Berlin is UTC+1) at 10:00 UTC.
MONDAY = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def settings(**values: str) -> Settings:
    return parse_settings(pd.DataFrame({"Setting": list(values), "Value": list(values.values())}))


def by_job(planned: list[Planned]) -> dict[str, Planned]:
    return {p.job: p for p in planned}


def test_default_plan_order_cadences_and_grace() -> None:
    planned = plan(ALL_JOBS, UTC_ZONE, MONDAY, environ={})
    assert [p.job for p in planned] == ["analyze", "watch", "rerun-check", "health", "digest"]
    jobs = by_job(planned)
    assert jobs["watch"].trigger.interval == timedelta(minutes=5)
    assert jobs["analyze"].trigger.interval == timedelta(hours=1)
    assert {j: p.grace for j, p in jobs.items()} == {
        "watch": 150,
        "analyze": 1800,
        "rerun-check": 12 * 3600,
        "health": 12 * 3600,
        "digest": 12 * 3600,
    }
    fire = jobs["digest"].trigger.get_next_fire_time(None, MONDAY)
    assert fire == datetime(2026, 1, 12, 8, 0, tzinfo=UTC_ZONE)


def test_cron_cadences_follow_the_sheet_timezone_across_daylight_saving() -> None:
    tz = sheet_timezone(settings(Timezone="Europe/Berlin"))
    digest = by_job(plan(ALL_JOBS, tz, MONDAY, environ={}))["digest"].trigger
    winter = digest.get_next_fire_time(None, MONDAY.astimezone(tz))
    assert winter.astimezone(UTC) == datetime(2026, 1, 12, 7, 0, tzinfo=UTC)  # 08:00 CET
    summer = digest.get_next_fire_time(None, datetime(2026, 7, 1, tzinfo=tz))
    assert summer.astimezone(UTC) == datetime(2026, 7, 6, 6, 0, tzinfo=UTC)  # 08:00 CEST
    health = by_job(plan(ALL_JOBS, tz, MONDAY, environ={}))["health"].trigger
    assert isinstance(health, CronTrigger) and str(health.timezone) == "Europe/Berlin"


def test_default_timezone_is_utc_and_a_bad_one_is_refused_like_every_setting() -> None:
    assert sheet_timezone(settings()).key == "UTC"
    bad = settings(Timezone="Mars/Olympus")
    assert sheet_timezone(bad).key == "UTC"  # the default, as analyze uses it too
    assert bad.problems[0].startswith("Settings row 2: 'Timezone' should be a timezone")


def test_environment_overrides_cadences() -> None:
    env = {"GAPBOT_WATCH_EVERY": "2", "GAPBOT_DIGEST_EVERY": "30 16 * * fri"}
    jobs = by_job(plan(ALL_JOBS, UTC_ZONE, MONDAY, environ=env))
    assert jobs["watch"].trigger.interval == timedelta(seconds=2)
    assert jobs["watch"].grace == 1
    assert jobs["digest"].trigger.get_next_fire_time(None, MONDAY) == datetime(2026, 1, 9, 16, 30, tzinfo=UTC_ZONE)
    assert jobs["digest"].grace == 12 * 3600


def test_a_bad_cadence_names_its_variable() -> None:
    with pytest.raises(ConfigError) as caught:
        plan(ALL_JOBS, UTC_ZONE, MONDAY, environ={"GAPBOT_HEALTH_EVERY": "every day"})
    assert caught.value.where == "GAPBOT_HEALTH_EVERY"


def test_only_registered_jobs_are_scheduled() -> None:
    assert [p.job for p in plan(("init", "analyze"), UTC_ZONE, MONDAY, environ={})] == ["analyze"]


def test_other_jobs_run_only_when_given_a_cadence() -> None:
    assert [p.job for p in plan(("analyze", "slow"), UTC_ZONE, MONDAY, environ={})] == ["analyze"]
    planned = plan(("analyze", "slow"), UTC_ZONE, MONDAY, environ={"GAPBOT_SLOW_EVERY": "1"})
    assert [p.job for p in planned] == ["analyze", "slow"]


def test_gapbot_jobs_limits_the_schedule() -> None:
    planned = plan(ALL_JOBS, UTC_ZONE, MONDAY, environ={"GAPBOT_JOBS": "digest, watch"})
    assert [p.job for p in planned] == ["watch", "digest"]
    with pytest.raises(ConfigError, match="unknown job"):
        plan(ALL_JOBS, UTC_ZONE, MONDAY, environ={"GAPBOT_JOBS": "watch,backup"})


def test_analysis_is_due_on_its_cadence_or_on_a_rerun_alert_with_auto_rerun() -> None:
    now = MONDAY
    recent = (now - timedelta(days=3)).isoformat()
    assert analysis_due({}, settings(), now) == "no analysis yet"
    assert analysis_due({LAST_ANALYSIS_KEY: recent}, settings(), now) is None
    old = {LAST_ANALYSIS_KEY: (now - timedelta(days=31)).isoformat()}
    assert "Rerun every (days) is 30" in analysis_due(old, settings(), now)  # type: ignore[operator]
    assert analysis_due(old, settings(**{"Rerun every (days)": "45"}), now) is None
    fired = {LAST_ANALYSIS_KEY: recent, RERUN_DUE_KEY: (now - timedelta(days=1)).isoformat()}
    assert analysis_due(fired, settings(), now) is None
    assert "Auto rerun is on" in analysis_due(fired, settings(**{"Auto rerun": "yes"}), now)  # type: ignore[operator]
    stale = {LAST_ANALYSIS_KEY: recent, RERUN_DUE_KEY: (now - timedelta(days=4)).isoformat()}
    assert analysis_due(stale, settings(**{"Auto rerun": "yes"}), now) is None


def test_analysis_is_due_when_the_vendor_pulls_are_due_a_refresh() -> None:
    now = MONDAY
    last = {LAST_ANALYSIS_KEY: (now - timedelta(days=3)).isoformat()}
    vendor = settings(**{"Data source": "Semrush", "API budget per run": "1000", "Refresh every (days)": "7"})
    fresh = {"Semrush API › backlinks › billhive.com": now - timedelta(days=6)}
    stale = {**fresh, "Semrush API › referring domains › billhive.com": now - timedelta(days=8)}
    assert analysis_due(last, vendor, now, fresh) is None
    assert analysis_due(last, vendor, now, stale) == (
        "Semrush API › referring domains › billhive.com was pulled 2025-12-28, Refresh every (days) is 7"
    )
    # an analysis since the refresh fell due (a day ago) tried it: not again every hour, whatever stopped it
    tried = {LAST_ANALYSIS_KEY: (now - timedelta(hours=2)).isoformat()}
    assert analysis_due(tried, vendor, now, stale) is None
    # a blank budget pulls nothing, so no refresh is due
    assert analysis_due(last, settings(**{"Data source": "Semrush", "Refresh every (days)": "7"}), now, stale) is None


class Recorder:
    def __init__(self) -> None:
        self.runs: list[str] = []
        self.alerts: list[str] = []
        self.lock = threading.Lock()

    def job(self, name: str, seconds: float = 0.0, fail: bool = False):
        def run(ctx: JobContext) -> JobResult:
            with self.lock:
                self.runs.append(name)
            time.sleep(seconds)
            if fail:
                raise RuntimeError(f"{name} broke")
            return JobResult(name, "done")

        return run

    def alert(self, job: str, error: BaseException, ctx: JobContext) -> None:
        self.alerts.append(f"{job}: {error}")


def run_for(planned: list[Planned], runner: Runner, until: float, done=lambda: False) -> Worker:
    store = MemoryStore()
    worker = Worker(runner, lambda: JobContext(store=store))
    now = datetime.now(UTC_ZONE)
    scheduler = build_scheduler(worker, planned, UTC_ZONE, now)
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    deadline = time.monotonic() + until
    while time.monotonic() < deadline and not done():
        time.sleep(0.05)
    worker.stopping.set()
    scheduler.shutdown(wait=True)
    thread.join(5)
    return worker


@pytest.mark.slow
def test_a_failing_job_is_alerted_and_the_schedule_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    rec = Recorder()
    runner = Runner({"boom": rec.job("boom", fail=True), "tick": rec.job("tick")}, settle=0, alert=rec.alert)
    second = IntervalTrigger(seconds=1, timezone=UTC_ZONE)
    planned = [Planned("boom", second, 1), Planned("tick", second, 1)]
    run_for(planned, runner, until=10, done=lambda: rec.runs.count("tick") >= 2 and len(rec.alerts) >= 2)
    assert rec.runs.count("tick") >= 2
    assert rec.alerts[:2] == ["boom: boom broke", "boom: boom broke"]
    results = [(r.fields["job"], r.fields["result"]) for r in caplog.records if hasattr(r, "fields")]
    assert ("boom", "failed") in results and ("tick", "ok") in results


@pytest.mark.slow
def test_a_run_queued_past_its_grace_is_skipped_and_one_within_it_runs(caplog: pytest.LogCaptureFixture) -> None:
    """One thread: `late` and `patient` wait behind `slow`; only the one whose grace covers the wait runs."""
    caplog.set_level(logging.INFO)
    rec = Recorder()
    jobs = {"slow": rec.job("slow", seconds=2.5), "late": rec.job("late"), "patient": rec.job("patient")}
    hourly = IntervalTrigger(hours=1, timezone=UTC_ZONE)
    planned = [Planned("slow", hourly, 60), Planned("late", hourly, 1), Planned("patient", hourly, 60)]
    run_for(planned, Runner(jobs, settle=0, alert=rec.alert), until=10, done=lambda: "patient" in rec.runs)
    assert rec.runs == ["slow", "patient"]
    missed = [r.fields for r in caplog.records if getattr(r, "fields", {}).get("result") == "missed"]  # type: ignore[attr-defined]
    assert [m["job"] for m in missed] == ["late"]


def test_a_stopping_worker_starts_nothing_new() -> None:
    rec = Recorder()
    worker = Worker(Runner({"tick": rec.job("tick")}, settle=0), lambda: JobContext(store=MemoryStore()))
    worker.run_scheduled("tick")
    worker.stopping.set()
    worker.run_scheduled("tick")
    assert rec.runs == ["tick"]


def test_what_a_run_left_in_reference_cycles_is_freed_before_the_worker_waits() -> None:
    """The command line defers the collector's full passes; a long-lived worker must not keep a
    run's cyclic garbage (a pandas Series used with `.str` is one) until the next pass."""

    class Held:
        pass

    left: list[weakref.ref[Held]] = []

    def job(ctx: JobContext) -> JobResult:
        held = Held()
        held.me = held  # type: ignore[attr-defined]  # a cycle: only the collector frees it
        left.append(weakref.ref(held))
        return JobResult("tick", "done")

    worker = Worker(Runner({"tick": job}, settle=0), lambda: JobContext(store=MemoryStore()))
    gc.disable()
    try:
        worker.run_scheduled("tick")
        assert left and left[0]() is None
    finally:
        gc.enable()


def test_analyze_runs_only_when_due() -> None:
    rec = Recorder()
    store = MemoryStore()
    worker = Worker(Runner({"analyze": rec.job("analyze")}, settle=0), lambda: JobContext(store=store))
    worker.run_scheduled("analyze")
    assert rec.runs == ["analyze"]
    store.commit([SetState({LAST_ANALYSIS_KEY: datetime.now(UTC).isoformat()})])
    worker.run_scheduled("analyze")
    assert rec.runs == ["analyze"]


def test_the_worker_refuses_a_bad_cadence_before_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAPBOT_ANALYZE_EVERY", "hourly")
    workbook = tmp_path / "team.xlsx"
    assert CliRunner().invoke(main, ["--workbook", str(workbook), "init"]).exit_code == 0
    before = workbook.read_bytes()
    done = CliRunner().invoke(main, ["--workbook", str(workbook), "run"])
    assert done.exit_code == 1
    assert "GAPBOT_ANALYZE_EVERY: 'hourly' is not a cadence" in done.stderr
    assert workbook.read_bytes() == before
