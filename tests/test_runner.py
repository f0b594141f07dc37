from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from bot.errors import ConfigError, InputError, StoreError
from bot.stores import AppendRows, EnsureTab, MemoryStore, SetState, WorkbookStore
from jobs.cli import main
from jobs.context import JobContext, JobResult
from jobs.lease import Lease, LeaseBusy
from jobs.runner import JsonFormatter, Runner, available_jobs, configure_logging, describe
from jobs.table import FIRST_READS, JOBS
from sheets_schema.state_keys import HEARTBEAT_KEY, LEASE_KEY, last_run_key
from sheets_schema.tabs import HISTORY
from tests.backends import Backend
from tests.fakes.team import market_tabs

ROOT = Path(__file__).resolve().parents[1]


class Alerts:
    """Failure alerts as a notifier would receive them."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def __call__(self, job: str, error: BaseException, ctx: JobContext) -> None:
        self.sent.append((job, describe(error), ctx.run_id))


def writes_history(ctx: JobContext) -> JobResult:
    row = pd.DataFrame([{"When": "today", "Column": "test", "New value": "written", "Run": ctx.run_id}])
    ctx.store.commit([EnsureTab(HISTORY), AppendRows(HISTORY, row)])
    return JobResult("write", "wrote one row", {"rows": 1})


def fails(ctx: JobContext) -> JobResult:
    raise InputError("the Competitors tab has no Domain column", where="Competitors", fix="add the header")


def job_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [getattr(r, "fields") for r in caplog.records if hasattr(r, "fields")]  # noqa: B009


def test_a_run_records_heartbeat_result_and_releases_the_lease(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    runner = Runner({"write": writes_history}, holder="worker-a", settle=0)
    ctx = JobContext(store=backend.store)
    result = runner.run("write", ctx)
    assert result.summary == "wrote one row"
    state = backend.store.read_state()
    assert state[LEASE_KEY] == ""
    heartbeat = json.loads(state[HEARTBEAT_KEY])
    assert (heartbeat["holder"], heartbeat["job"], heartbeat["result"]) == ("worker-a", "write", "ok")
    last = json.loads(state[last_run_key("write")])
    assert (last["result"], last["run"], last["summary"]) == ("ok", ctx.run_id, "wrote one row")
    history = backend.store.read_tab(HISTORY.name)
    assert history is not None and history["Run"].tolist() == [ctx.run_id]
    [line] = job_lines(caplog)
    assert (line["job"], line["result"], line["run"]) == ("write", "ok", ctx.run_id)
    assert isinstance(line["seconds"], float)


def test_a_failure_is_recorded_alerted_once_and_re_raised(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    alerts = Alerts()
    runner = Runner({"fails": fails}, holder="worker-a", settle=0, alert=alerts)
    ctx = JobContext(store=backend.store)
    with pytest.raises(InputError):
        runner.run("fails", ctx)
    assert alerts.sent == [
        ("fails", "Competitors: the Competitors tab has no Domain column — add the header", ctx.run_id)
    ]
    state = backend.store.read_state()
    assert state[LEASE_KEY] == ""
    assert json.loads(state[last_run_key("fails")])["error"].startswith("Competitors: the Competitors tab")
    [line] = job_lines(caplog)
    assert line["result"] == "failed"


def test_a_run_whose_first_reads_fail_after_taking_the_lease_gives_it_back(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable(ctx: JobContext) -> list[str]:
        raise StoreError("the sheet did not answer", where="Prospects", fix="try again")

    monkeypatch.setitem(FIRST_READS, "write", unreadable)
    runner = Runner({"write": writes_history}, holder="worker-a", settle=0, alert=None)
    with pytest.raises(StoreError):
        runner.run("write", JobContext(store=backend.store))
    state = backend.store.read_state()
    assert state[LEASE_KEY] == ""
    assert json.loads(state[last_run_key("write")])["result"] == "failed"
    monkeypatch.undo()  # the sheet answers again
    runner.run("write", JobContext(store=backend.store))  # and the next run need not wait


def test_a_busy_sheet_is_not_touched_and_not_alerted(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    ctx = JobContext(store=backend.store)
    Lease(backend.store, "other-worker", timedelta(minutes=5), ctx.clock).acquire("analyze")
    alerts = Alerts()
    runner = Runner({"write": writes_history}, settle=0, alert=alerts)
    with pytest.raises(LeaseBusy):
        runner.run("write", ctx)
    assert alerts.sent == []
    assert HISTORY.name not in backend.store.tab_names()
    assert json.loads(backend.store.read_state()[LEASE_KEY])["holder"] == "other-worker"
    assert [line["result"] for line in job_lines(caplog)] == ["busy"]


def test_a_broken_alert_never_hides_the_job_error() -> None:
    def broken_alert(job: str, error: BaseException, ctx: JobContext) -> None:
        raise ConnectionError("Slack is down")

    runner = Runner({"fails": fails}, settle=0, alert=broken_alert)
    with pytest.raises(InputError):
        runner.run("fails", JobContext(store=MemoryStore()))


def test_unknown_job_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="choose one of: fails, write"):
        Runner({"write": writes_history, "fails": fails}).run("nope", JobContext(store=MemoryStore()))


def test_extra_job_modules_add_their_job_tables() -> None:
    jobs = available_jobs({"GAPBOT_JOB_MODULES": "tests.jobs_for_tests.worker_jobs"})
    assert {"slow", "boom"} <= set(jobs) and set(JOBS) <= set(jobs)
    assert available_jobs({}) == dict(JOBS)


@pytest.mark.parametrize(
    ("module", "problem"),
    [
        ("tests.no_such_module", "cannot import job module"),
        ("tests.linkrows", "has no JOBS table"),  # a module without a JOBS table
        ("jobs.table", "names jobs that already exist: analyze, digest"),
    ],
)
def test_extra_job_modules_that_cannot_serve_are_refused(module: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        available_jobs({"GAPBOT_JOB_MODULES": module})


def test_secrets_never_reach_the_log(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1234-5678-abcdefgh")
    text = describe(
        RuntimeError("auth failed for xoxb-1234-5678-abcdefgh at https://hooks.slack.com/services/T1/B2/c3")
    )
    assert "abcdefgh" not in text and "T1/B2" not in text
    assert text.startswith("RuntimeError: auth failed for ***")


def test_json_log_lines_carry_the_run_fields(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(json_lines=True, environ={})
    try:
        Runner({"write": writes_history}, settle=0).run("write", JobContext(store=MemoryStore(), run_id="r-1"))
    finally:
        logging.getLogger().handlers[:] = [h for h in logging.getLogger().handlers if h.get_name() != "gapbot"]
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    [run] = [line for line in lines if line.get("job") == "write"]
    assert (run["result"], run["run"], run["detail"], run["level"]) == ("ok", "r-1", "wrote one row", "info")


def test_json_formatter_without_fields() -> None:
    record = logging.LogRecord("gapbot.worker", logging.INFO, __file__, 1, "worker %s", ("started",), None)
    assert json.loads(JsonFormatter().format(record))["message"] == "worker started"


def cli(workbook: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GAPBOT_JOB_MODULES": "tests.jobs_for_tests.worker_jobs",
        "GAPBOT_LEASE_SETTLE": "0",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "jobs.cli", "--workbook", str(workbook), *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=workbook.parent,
        timeout=60,
    )


@pytest.mark.slow
def test_run_job_exits_non_zero_after_its_failure_alert(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["--workbook", str(tmp_path / "team.xlsx"), "init"]).exit_code == 0
    done = cli(tmp_path / "team.xlsx", "run-job", "boom", "--log-json")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    alert = next(i for i, line in enumerate(lines) if "ALERT boom failed" in line)
    assert lines[-1].startswith("gapbot: error: Settings row 2: the test job always fails")
    assert alert < len(lines) - 1
    assert json.loads(lines[alert - 1])["result"] == "failed"


def test_run_job_on_a_busy_sheet_exits_75(tmp_path: Path) -> None:
    store = WorkbookStore(tmp_path / "team.xlsx")
    Lease(store, "the-worker", timedelta(minutes=5), JobContext(store=store).clock).acquire("analyze")
    done = CliRunner().invoke(main, ["--workbook", str(tmp_path / "team.xlsx"), "run-job", "init"])
    assert done.exit_code == 75
    assert "busy with analyze" in done.stderr
    assert "Settings" not in store.tab_names()


def test_run_when_free_waits_for_the_other_run_to_finish() -> None:
    store = MemoryStore()
    ctx = JobContext(store=store)
    other = Lease(store, "other-worker", timedelta(minutes=5), ctx.clock)
    other.acquire("analyze")
    naps: list[float] = []

    def other_finishes(seconds: float) -> None:
        naps.append(seconds)
        store.commit([SetState(other.release_values())])

    result = Runner({"write": writes_history}, settle=0).run_when_free("write", ctx, wait=60, sleep=other_finishes)
    assert result.summary == "wrote one row" and naps == [15.0]


def test_run_when_free_gives_up_after_its_wait() -> None:
    store = MemoryStore()
    ctx = JobContext(store=store)
    Lease(store, "other-worker", timedelta(minutes=5), ctx.clock).acquire("analyze")
    with pytest.raises(LeaseBusy):
        Runner({"write": writes_history}, settle=0).run_when_free("write", ctx, wait=0.05, poll=0.01)


@pytest.mark.slow
def test_run_job_if_due_skips_analyze_until_its_cadence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAPBOT_LEASE_SETTLE", "0")
    workbook = str(tmp_path / "team.xlsx")
    assert CliRunner().invoke(main, ["--workbook", workbook, "init"]).exit_code == 0
    first = CliRunner().invoke(main, ["--workbook", workbook, "run-job", "analyze", "--if-due"])
    # The console notifier prints the analysis digest first; then the job's report and its notes.
    report = [line for line in first.stdout.splitlines() if not line.startswith("  note: ")][-1]
    assert first.exit_code == 0 and report.startswith("analyze: 0 prospects"), first.output
    second = CliRunner().invoke(main, ["--workbook", workbook, "run-job", "analyze", "--if-due"])
    assert second.exit_code == 0 and second.stdout == "analyze: not due\n"


def test_a_sheet_that_cannot_be_opened_is_a_failure_and_alerted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    path = tmp_path / "team.xlsx"
    path.write_text("not a workbook")
    alerts = Alerts()
    with pytest.raises(StoreError):
        Runner({"write": writes_history}, settle=0, alert=alerts).run("write", JobContext(store=WorkbookStore(path)))
    assert [job for job, _, _ in alerts.sent] == ["write"]
    assert "cannot open the workbook" in alerts.sent[0][1]
    assert [line["result"] for line in job_lines(caplog)] == ["failed"]


def test_lease_settings_from_the_environment() -> None:
    runner = Runner.from_environment({}, environ={"GAPBOT_LEASE_SECONDS": "600", "GAPBOT_LEASE_SETTLE": "1.5"})
    assert (runner.lease_ttl, runner.settle) == (timedelta(minutes=10), 1.5)
    with pytest.raises(ConfigError) as caught:
        Runner.from_environment({}, environ={"GAPBOT_LEASE_SECONDS": "5"})
    assert caught.value.where == "GAPBOT_LEASE_SECONDS"
    with pytest.raises(ConfigError, match="not a number"):
        Runner.from_environment({}, environ={"GAPBOT_LEASE_SETTLE": "soon"})


def test_the_log_line_says_where_the_time_went(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    def thinks(ctx: JobContext) -> JobResult:
        with ctx.phase("analysis"):
            time.sleep(0.05)
        with ctx.phase("analysis"):  # a phase entered twice counts both times
            time.sleep(0.05)
        return JobResult("thinks", "thought")

    Runner({"thinks": thinks}, holder="worker-a", settle=0).run("thinks", JobContext(store=backend.store))
    [line] = job_lines(caplog)
    phases = line["phases"]
    assert isinstance(phases, dict) and set(phases) == {"lease", "analysis"}
    assert 0.1 <= phases["analysis"] <= line["seconds"]
    assert "analysis 0.1" in caplog.records[-1].getMessage()


def test_an_analysis_says_how_long_it_read_ingested_analysed_wrote_and_notified(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    backend.team_tabs({name.replace("Raw: ", "Raw - "): rows for name, rows in market_tabs(12).items()})
    Runner(JOBS, holder="worker-a", settle=0).run("analyze", JobContext(store=backend.store))
    [line] = job_lines(caplog)
    phases = line["phases"]
    assert isinstance(phases, dict)
    assert {"lease", "read", "ingest", "pages", "analysis", "write", "notify"} <= set(phases)
    seconds = line["seconds"]
    assert isinstance(seconds, float) and sum(phases.values()) <= seconds
