"""Every entry of the exports folder gets a line in Imports: read (ZIP and gzip unpacked), or
refused or left alone with the reason."""

from __future__ import annotations

import gzip
import io
import os
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.demo import market, write_demo
from bot.demo.export_writers import AHREFS_V2_BACKLINKS_HEADER, semrush_backlinks_rows
from bot.ingest import read_export_entries
from bot.ingest.archives import unpacked
from bot.stores import WorkbookStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import IMPORTS, PROSPECTS


def test_every_entry_of_the_folder_has_its_line(tmp_path: Path) -> None:
    workbook = tmp_path / "market.xlsx"
    exports = write_demo(workbook)
    plain = WorkbookStore(workbook)
    JOBS["analyze"](JobContext(store=plain))
    before = plain.read_tab(PROSPECTS.name)
    assert before is not None

    # The same exports, packed the ways they arrive: two in a ZIP (as Search Console sends them), one gzipped.
    ahrefs = sorted(exports.glob("*-backlinks-subdomains_*.csv"))
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for path in ahrefs[:2]:
            archive.write(path, f"download/{path.name}")
            path.unlink()
        archive.writestr("__MACOSX/._junk", b"\x00")
    (exports / "links.zip").write_bytes(packed.getvalue())
    third = ahrefs[2]
    (exports / f"{third.name}.gz").write_bytes(gzip.compress(third.read_bytes()))
    third.unlink()
    (exports / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    (exports / "2025").mkdir()
    os.symlink(exports / "gone.csv", exports / "broken.csv")
    (exports / "~$market.xlsx").write_bytes(b"\x03Ana")

    result = JOBS["analyze"](JobContext(store=plain))
    imports = plain.read_tab(IMPORTS.name)
    assert imports is not None
    lines = {row["Export"]: row for row in imports.to_dict("records")}
    for path in ahrefs[:2]:
        assert int(lines[f"links.zip › download/{path.name}"]["Rows read"]) > 0
    assert int(lines[f"{third.name}.gz › {third.name}"]["Rows read"]) > 0
    assert "an old-style Excel .xls workbook" in lines["old.xls"]["Problem"]
    assert "a subfolder: not read" in lines["2025/"]["Notes"] and lines["2025/"]["Problem"] == ""
    assert "does not exist" in lines["broken.csv"]["Problem"]
    assert "someone has market.xlsx open" in lines["~$market.xlsx"]["Notes"]
    assert not any("__MACOSX" in name for name in lines)
    assert result.counts["exports failed"] == 2  # the .xls and the broken link
    after = plain.read_tab(PROSPECTS.name)
    assert after is not None
    assert sorted(after["Domain"]) == sorted(before["Domain"])  # the packed exports gave the same links
    assert set(after["Status"]) == set(before["Status"].replace("New", "Active"))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"PK\x03\x04 not really a zip", "the ZIP archive is damaged"),
        (b"\x1f\x8b\x08 broken gzip", "the gzip file is damaged"),
    ],
)
def test_a_damaged_archive_is_a_problem_not_an_empty_export(data: bytes, problem: str) -> None:
    (entry,) = unpacked("x.zip", data)
    assert entry.problem.startswith(problem) and entry.data == b""


def test_every_sheet_of_a_workbook_is_considered() -> None:
    book = Workbook()
    book.active.title = "Summary"
    book.active.append(["Backlink export for the board", "", ""])
    semrush = book.create_sheet("Semrush")
    for row in semrush_backlinks_rows(market.TALLYBOOK):
        semrush.append(list(row))
    broken = book.create_sheet("Broken")
    for row in [list(AHREFS_V2_BACKLINKS_HEADER), *map(list, market.BILLHIVE_BROKEN)]:
        broken.append(row)
    book.create_sheet("Empty")
    packed = io.BytesIO()
    book.save(packed)

    lines = {
        report.export: (len(links), report) for links, report in read_export_entries("team.xlsx", packed.getvalue())
    }
    assert set(lines) == {"team.xlsx › Summary", "team.xlsx › Semrush", "team.xlsx › Broken"}
    assert (
        lines["team.xlsx › Semrush"][0] == len(market.TALLYBOOK) and lines["team.xlsx › Semrush"][1].tool == "Semrush"
    )
    assert lines["team.xlsx › Broken"][0] == len(market.BILLHIVE_BROKEN)
    summary = lines["team.xlsx › Summary"][1]
    assert summary.problem == "" and summary.notes == ["not an export; this sheet was left alone"]
