"""`gapbot demo` never overwrites a workbook it did not make, or one somebody edited, without --force."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from jobs.cli import main


@pytest.mark.slow
def test_the_demo_replaces_only_its_own_unedited_workbook(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--out", str(out)]).exit_code == 0
    assert runner.invoke(main, ["demo", "--out", str(out)]).exit_code == 0  # unedited: made again
    assert not (tmp_path / "demo-pages.sqlite").exists()  # no pages read, so no page cache made

    book = load_workbook(out)
    sheet = book["Prospects"]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=header.index("Owner") + 1).value = "Ana"
    book.save(out)
    edited = out.read_bytes()
    refused = runner.invoke(main, ["demo", "--out", str(out)])
    assert refused.exit_code == 1 and "not an unedited demo workbook" in refused.output
    assert out.read_bytes() == edited
    assert runner.invoke(main, ["demo", "--out", str(out), "--force"]).exit_code == 0

    other = tmp_path / "budget.xlsx"
    other.write_bytes(edited)
    assert runner.invoke(main, ["demo", "--out", str(other)]).exit_code == 1


def test_the_demo_writes_only_a_workbook(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 1 and "is not an .xlsx file" in result.output
    assert list(tmp_path.iterdir()) == []
