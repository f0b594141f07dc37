"""Jobs that let a test watch the worker from outside: one that blocks until told, one that fails.

Loaded through GAPBOT_JOB_MODULES, which adds this module's `JOBS` table to gapbot's.

`slow` appends `start <lease holder>` to $GAPBOT_TEST_EVENTS, waits until the file
$GAPBOT_TEST_RELEASE exists (at most 30 s), then appends `end`. `boom` always fails.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bot.errors import InputError
from jobs.context import JobContext, JobResult
from sheets_schema.state_keys import LEASE_KEY


def _event(text: str) -> None:
    with Path(os.environ["GAPBOT_TEST_EVENTS"]).open("a") as events:
        events.write(text + "\n")


def slow(ctx: JobContext) -> JobResult:
    holder = json.loads(ctx.store.read_state()[LEASE_KEY])["holder"]
    _event(f"start {holder}")
    release = Path(os.environ["GAPBOT_TEST_RELEASE"])
    deadline = time.monotonic() + 30
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    _event("end")
    return JobResult("slow", "waited for the release file")


def boom(ctx: JobContext) -> JobResult:
    raise InputError("the test job always fails", where="Settings row 2", fix="nothing to fix")


JOBS = {"slow": slow, "boom": boom}
