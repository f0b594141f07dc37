from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import main
from jobs.table import JOBS


def test_help_lists_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("init", "analyze", "demo"):
        assert command in result.output


def test_no_target_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GAPBOT_WORKBOOK", raising=False)
    monkeypatch.delenv("GAPBOT_SHEET_ID", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["analyze"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("gapbot: error: no sheet to work on")
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_workbook_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "env.xlsx"
    monkeypatch.setenv("GAPBOT_WORKBOOK", str(path))
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert path.exists()


def test_damaged_workbook_exits_non_zero_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_text("junk")
    result = CliRunner().invoke(main, ["--workbook", str(path), "analyze"])
    assert result.exit_code == 1
    assert "cannot open the workbook" in result.output
    assert "Traceback" not in result.output


def test_run_job_help_names_every_job() -> None:
    shown = CliRunner().invoke(main, ["run-job", "--help"]).output
    assert all(name in shown for name in JOBS), shown
