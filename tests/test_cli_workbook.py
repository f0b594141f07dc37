"""The local workbook is a shared file, and the command line is typed by people: a workbook open
elsewhere is not written, its mode is kept, a mistyped path or someone else's workbook is refused,
and the options work after the command."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from bot.demo import write_demo
from bot.settings import parse_settings
from jobs.analyze import nothing_to_compare
from jobs.cli import main


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "links.xlsx"
    write_demo(path)
    assert CliRunner().invoke(main, ["--workbook", str(path), "init"]).exit_code == 0
    return path


@pytest.mark.parametrize(
    ("lock", "app", "owner"),
    [
        (".~lock.links.xlsx#", "LibreOffice", b",Ana Lima,laptop,02.12.2026 10:00,file:///home/ana/.config;"),
        ("~$links.xlsx", "Excel", bytes([3]) + b"Ana" + b" " * 50),
    ],
)
def test_a_workbook_open_in_another_program_is_not_written(workbook: Path, lock: str, app: str, owner: bytes) -> None:
    (workbook.parent / lock).write_bytes(owner)
    before = workbook.read_bytes()
    result = CliRunner().invoke(main, ["analyze", "--workbook", str(workbook)])
    assert result.exit_code == 1
    assert f"the workbook is open in {app} by Ana" in result.output
    assert workbook.read_bytes() == before


def test_the_workbook_keeps_its_mode(workbook: Path) -> None:
    os.chmod(workbook, 0o664)
    assert CliRunner().invoke(main, ["--workbook", str(workbook), "analyze"]).exit_code == 0
    assert workbook.stat().st_mode & 0o777 == 0o664


def test_a_mistyped_path_or_someone_elses_workbook_is_refused(tmp_path: Path) -> None:
    missing = CliRunner().invoke(main, ["analyze", "--workbook", str(tmp_path / "linsk.xlsx")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    assert not (tmp_path / "linsk.xlsx").exists()
    other = tmp_path / "budget.xlsx"
    book = Workbook()
    book.active["A1"] = "our budget"
    book.save(other)
    before = other.read_bytes()
    refused = CliRunner().invoke(main, ["--workbook", str(other), "analyze"])
    assert refused.exit_code == 1 and "has none of gapbot's tabs" in refused.output
    assert other.read_bytes() == before
    assert CliRunner().invoke(main, ["init", "--workbook", str(other)]).exit_code == 0  # init adds them


def test_options_work_after_the_command(workbook: Path) -> None:
    result = CliRunner().invoke(main, ["analyze", "--workbook", str(workbook)])
    assert result.exit_code == 0, result.output
    assert "analyze:" in result.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and result.output.strip().endswith(version("gapbot"))


@pytest.mark.slow
def test_a_run_prints_no_library_warning(tmp_path: Path) -> None:
    """Every warning shown (Python's default hides some): a user should see gapbot's words only.
    Run as the installed `gapbot` command runs (`jobs.cli:command_line`): its output and exit status whole."""
    import subprocess
    import sys

    workbook = tmp_path / "demo.xlsx"
    run = [
        sys.executable,
        "-W",
        "always",
        "-c",
        "from jobs.cli import command_line; command_line()",
        "--workbook",
        str(workbook),
    ]
    demo = subprocess.run([*run[:5], "demo", "--out", str(workbook)], capture_output=True, text=True, cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    again = subprocess.run([*run, "analyze"], capture_output=True, text=True, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.rstrip().splitlines()[-1].startswith("analyze: ")  # flushed before the exit
    assert "Warning" not in demo.stderr + again.stderr
    missing = subprocess.run(
        [*run[:5], "--workbook", str(tmp_path / "none.xlsx"), "analyze"], capture_output=True, text=True
    )
    assert missing.returncode == 1 and "does not exist" in missing.stderr


def test_a_new_workbook_says_what_it_still_lacks(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["--workbook", str(path), "init"]).exit_code == 0
    fresh = runner.invoke(main, ["--workbook", str(path), "analyze"])
    assert fresh.exit_code == 0, fresh.output
    assert "note: no backlink export found: paste a competitor's export into a tab named 'Raw: <name>'" in fresh.output
    assert "note: Competitors lists no active competitor" in fresh.output
    demo = tmp_path / "demo.xlsx"
    write_demo(demo)
    ready = runner.invoke(main, ["--workbook", str(demo), "analyze"])
    assert ready.exit_code == 0, ready.output
    assert "no backlink export found" not in ready.output and "no active competitor" not in ready.output


def test_a_vendor_source_without_a_budget_is_named_in_the_note() -> None:
    settings = parse_settings(pd.DataFrame({"Setting": ["Data source"], "Value": ["Semrush"]}))
    active = pd.DataFrame({"active": [True]})
    notes = nothing_to_compare([], active, settings)
    assert len(notes) == 1 and notes[0].endswith("give Settings › API budget per run a value so Semrush can be pulled")
