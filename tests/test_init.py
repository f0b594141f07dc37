"""`gapbot init` creates what is missing and never touches what the team typed."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from bot.stores import WorkbookStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema import ALL_TABS, STATE_TAB
from tests.backends import Backend

TEAM_TABS = {
    "Settings": [
        ["Setting", "Value", "Notes"],
        ["Our domains", "mine.com, shop.mine.co.uk", "ours"],
        ["Minimum overlap", "007", ""],
    ],
    "Competitors": [["Domain", "Group", "Notes"], ["rival.com", "Aspirational peer", "=not a formula"]],
    "Raw - rival.com ahrefs": [["Referring page URL", "Target URL"], ["https://x.org/a", "https://rival.com/"]],
    "Our own tab": [["anything"], ["the team keeps"]],
}


def _init(backend: Backend) -> None:
    JOBS["init"](JobContext(store=backend.store))


def _all_cells(backend: Backend) -> dict[str, list[list[str]]]:
    frames = backend.store.read_tabs(backend.store.tab_names())
    return {name: [list(f.columns), *f.to_numpy().tolist()] for name, f in frames.items()}


def test_init_twice_keeps_every_team_cell(backend: Backend) -> None:
    backend.team_tabs(TEAM_TABS)
    _init(backend)
    once = _all_cells(backend)
    _init(backend)
    twice = _all_cells(backend)
    assert once == twice
    for tab, rows in TEAM_TABS.items():
        header, *body = once[tab]
        for r, row in enumerate(rows[1:]):
            for c, value in enumerate(row):
                assert body[r][c] == value, (tab, r, c)
        assert header[: len(rows[0])] == rows[0]
    assert once["Competitors"][0] == ["Domain", "Group", "Notes", "Topic", "Active"]  # added at the end
    assert {t.name for t in ALL_TABS if t.name != STATE_TAB} <= set(backend.store.tab_names())


def test_init_on_a_new_workbook_writes_example_settings(tmp_path: Path) -> None:
    store = WorkbookStore(tmp_path / "new.xlsx")
    JOBS["init"](JobContext(store=store))
    settings = store.read_tab("Settings")
    assert settings is not None
    assert "Our domains" in list(settings["Setting"])
    wb = load_workbook(store.path)
    assert wb.sheetnames[0] == "Settings"
    assert wb[STATE_TAB].sheet_state == "hidden"
