"""`gapbot run` as the platform runs it: a real process, real signals, a real workbook."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.stores import WorkbookStore
from sheets_schema.state_keys import HEARTBEAT_KEY, LEASE_KEY, last_run_key

ROOT = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.mark.slow
def test_worker_runs_jobs_in_order_respects_the_lease_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    workbook, events, release = tmp_path / "team.xlsx", tmp_path / "events.txt", tmp_path / "release"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GAPBOT_WORKBOOK": str(workbook),
        "GAPBOT_JOB_MODULES": "tests.jobs_for_tests.worker_jobs",
        "GAPBOT_JOBS": "analyze,slow",
        "GAPBOT_SLOW_EVERY": "1",
        "GAPBOT_LEASE_SETTLE": "0.2",
        "GAPBOT_LOG_FORMAT": "json",
        "GAPBOT_TEST_EVENTS": str(events),
        "GAPBOT_TEST_RELEASE": str(release),
    }
    # The worker works on an existing sheet (only `init` and `demo` make one).
    subprocess.run([sys.executable, "-m", "jobs.cli", "init"], env=env, cwd=tmp_path, check=True, capture_output=True)
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "jobs.cli", "run"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_for(lambda: events.exists() and "start" in events.read_text(), "the slow job to start")
        holder = events.read_text().split()[1]

        # A manual run while the worker's job holds the sheet is turned away, untouched.
        manual = subprocess.run(
            [sys.executable, "-m", "jobs.cli", "run-job", "analyze"],
            env={**env, "GAPBOT_LOG_FORMAT": ""},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert manual.returncode == 75, manual.stderr
        assert "busy with slow" in manual.stderr and holder in manual.stderr

        worker.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        assert worker.poll() is None, "the worker must wait for the running job"
        assert "end" not in events.read_text()
        release.touch()
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()

    lines = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    runs = [(line["job"], line["result"]) for line in lines if line.get("result") in ("ok", "failed")]
    assert runs == [("init", "ok"), ("analyze", "ok"), ("slow", "ok")]
    assert [line for line in lines if line["level"] == "error"] == []
    assert {line["job"] for line in lines if line.get("result") == "missed"} <= {"slow"}  # ticks while it ran
    messages = [line["message"] for line in lines]
    stop = next(i for i, m in enumerate(messages) if m.startswith("SIGTERM received"))
    slow_done = next(i for i, line in enumerate(lines) if (line.get("job"), line.get("result")) == ("slow", "ok"))
    assert stop < slow_done < len(lines) - 1
    assert messages[-1] == "worker stopped"
    assert events.read_text().splitlines() == [f"start {holder}", "end"]  # the slow job ran once, never twice

    state = WorkbookStore(workbook).read_state()
    assert state[LEASE_KEY] == ""
    assert json.loads(state[HEARTBEAT_KEY])["holder"] == holder
    assert json.loads(state[last_run_key("slow")])["result"] == "ok"
    assert "Prospects" in WorkbookStore(workbook).tab_names()
