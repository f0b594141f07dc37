"""The command line with Slack configured from the environment and Settings, end to end."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bot.demo import write_demo
from jobs.cli import main
from tests.slack_server import TOKEN, SlackServer, running


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with running() as server:
        yield server


@pytest.mark.slow
def test_demo_shows_the_analysis_digest_in_the_console(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)  # even so, the demo never posts anywhere
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "demo.xlsx")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Backlink gap analysis: 25 new prospects\n25 prospects, 25 new since the last run." in out
    assert "Top 10 by priority:\n  - freelancejournal.com (new) — priority " in out
    assert " · List / roundup · 3 competitors link here" in out
    assert "  … and 15 more in the sheet" in out
    assert f"  → Prospects tab: {(tmp_path / 'demo.xlsx').resolve()}" in out
    assert "notify:" not in out  # printed right there: no note needed


def team_workbook(tmp_path: Path) -> Path:
    path = tmp_path / "team.xlsx"
    write_demo(path)
    wb = load_workbook(path)
    wb["Settings"].append(["Slack channel", "#link-building", ""])
    wb.save(path)
    return path


@pytest.mark.slow
def test_slack_down_for_a_run_and_up_for_the_next(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack: SlackServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    workbook = ["--workbook", str(team_workbook(tmp_path))]
    runner = CliRunner()

    slack.down()
    analysed = runner.invoke(main, [*workbook, "analyze"])
    assert analysed.exit_code == 0, analysed.output
    assert "notify: 1 message(s) waiting for the next run: cannot reach Slack" in analysed.output

    slack.start()
    checked = runner.invoke(main, [*workbook, "rerun-check"])
    assert checked.exit_code == 0, checked.output
    assert "notify: 1 message(s) delivered to Slack #link-building" in checked.output
    again = runner.invoke(main, [*workbook, "rerun-check"])
    assert "delivered" not in again.output

    (posted,) = slack.messages
    assert posted["blocks"][0]["text"]["text"] == "Backlink gap analysis: 25 new prospects"
    assert [c.method for c in slack.calls] == ["auth.test", "chat.postMessage"]
    seen = analysed.output + checked.output + again.output + caplog.text
    assert TOKEN not in seen


def test_help_lists_the_notification_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "digest" in result.output and "rerun-check" in result.output


@pytest.mark.slow
def test_digest_through_a_webhook_from_the_environment(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slack: SlackServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.webhook_url)
    result = CliRunner().invoke(main, ["--workbook", str(team_workbook(tmp_path)), "digest", "--days", "14"])
    assert result.exit_code == 0, result.output
    assert "notify: 1 message(s) delivered to Slack webhook" in result.output
    (posted,) = slack.webhook_messages
    assert posted["blocks"][0]["text"]["text"] == "Outreach, last 14 days: 0 won, 0 replies"
    assert "webhooksecret0000" not in result.output + caplog.text
