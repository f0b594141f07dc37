"""The demo workbook opens in LibreOffice with working dropdowns (when LibreOffice is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from jobs.cli import main
from sheets_schema.vocabularies import NEXT_ACTIONS, OUTCOMES

SOFFICE = shutil.which("soffice")


def demo_as_ods(tmp_path: Path) -> None:
    """`gapbot demo`, then LibreOffice opens the workbook and saves it as demo.ods."""
    out = tmp_path / "demo.xlsx"
    assert CliRunner().invoke(main, ["demo", "--out", str(out)]).exit_code == 0
    subprocess.run(
        [str(SOFFICE), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", "ods",
         "--outdir", str(tmp_path), str(out)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_reads_the_dropdowns(tmp_path: Path) -> None:
    demo_as_ods(tmp_path)
    content = zipfile.ZipFile(tmp_path / "demo.ods").read("content.xml").decode()
    lists = re.findall(r'table:condition="of:cell-content-is-in-list\(([^)]*)\)"', content)
    parsed = [item.replace("&quot;", "").split(";") for item in lists]
    assert list(NEXT_ACTIONS) in parsed
    assert list(OUTCOMES) in parsed


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_keeps_the_dashboard_charts(tmp_path: Path) -> None:
    demo_as_ods(tmp_path)
    with zipfile.ZipFile(tmp_path / "demo.ods") as ods:
        charts = [n for n in ods.namelist() if re.fullmatch(r"Object \d+/content\.xml", n)]
        titles = " ".join(ods.read(n).decode() for n in charts)
    assert len(charts) >= 3  # on a fresh demo: prospects by link type and next action, and the funnel
    assert "Prospects by link type" in titles
