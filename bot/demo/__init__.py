"""`gapbot demo`: a workbook with a realistic small market, filled the way a team would."""

from __future__ import annotations

import tempfile
from pathlib import Path

from openpyxl import Workbook

from bot.errors import GapbotError
from bot.learning.snapshot import initial_cells, team_cells
from bot.stores import WorkbookStore
from bot.stores.workbook import format_tab
from sheets_schema import TABS_BY_NAME
from sheets_schema.state_keys import DEMO_KEY
from sheets_schema.tabs import COMPETITORS, PROSPECTS, RULES, SERP, SETTINGS, TARGETS

from . import market as m
from .export_writers import (
    AHREFS_V2_BACKLINKS_HEADER,
    ahrefs_backlinks_tsv,
    semrush_backlinks_csv,
    semrush_backlinks_rows,
)

EXPORTS_DIR_SUFFIX = "-exports"


def demo_settings() -> list[tuple[str, str, str]]:
    return [
        ("Our domains", m.OUR_DOMAIN, "Our site and its subdomains"),
        ("Market languages", "en", "We sell in English-speaking markets"),
        ("Review level", "domain", ""),
        ("Minimum overlap", "1", ""),
        ("Exports folder", "", "Set below by the demo"),
        ("Pages read per run", "0", "The demo's linking pages are made up: judged by URL and title"),
    ]


def write_demo(path: Path) -> Path:
    """Write the demo workbook and its exports folder; returns the exports folder."""
    exports = path.with_name(path.stem + EXPORTS_DIR_SUFFIX)
    exports.mkdir(parents=True, exist_ok=True)
    files = {
        "billhive.com-backlinks-subdomains_2026-11-20.csv": ahrefs_backlinks_tsv((*m.BILLHIVE, *m.BILLHIVE_MORE)),
        "paypilot.co.uk-backlinks-subdomains_2026-11-20.csv": ahrefs_backlinks_tsv((*m.PAYPILOT, *m.PAYPILOT_MORE)),
        "freelancerbank.com-backlinks-subdomains_2026-11-20.csv": ahrefs_backlinks_tsv(
            (*m.FREELANCERBANK, *m.FREELANCERBANK_MORE)
        ),
        "oldrival.net-backlinks-subdomains_2026-11-20.csv": ahrefs_backlinks_tsv(m.OLDRIVAL),
        "ledgerly.io-backlinks-subdomains_2026-11-20.csv": ahrefs_backlinks_tsv(m.OURS_AHREFS),
        "ledgerly.io-backlinks.csv": semrush_backlinks_csv(m.OURS_SEMRUSH),
    }
    for name, data in files.items():
        (exports / name).write_bytes(data)

    settings = [(k, exports.name if k == "Exports folder" else v, n) for k, v, n in demo_settings()]
    tabs: dict[str, list[list[str]]] = {
        SETTINGS.name: [SETTINGS.names, *map(list, settings)],
        COMPETITORS.name: [COMPETITORS.names, *map(list, m.COMPETITORS)],
        TARGETS.name: [TARGETS.names, *map(list, m.TARGETS)],
        RULES.name: [RULES.names, *map(list, m.RULES)],
        SERP.name: [SERP.names, *map(list, m.SERP)],
        "Raw - tallybook.io Semrush": semrush_backlinks_rows((*m.TALLYBOOK, *m.TALLYBOOK_MORE)),
        "Raw - billhive broken links": [list(AHREFS_V2_BACKLINKS_HEADER), *map(list, m.BILLHIVE_BROKEN)],
    }
    # The demo's input tabs look as `init` makes them; only their rows are the demo's.
    write_workbook(path, tabs, styled=True)
    return exports


def untouched_demo(path: Path) -> bool:
    """Whether `path` is a workbook `gapbot demo` made and nobody has edited since: its input tabs
    are the demo's and no team cell of Prospects holds anything gapbot did not put there."""
    store = WorkbookStore(path)
    try:
        if store.read_state().get(DEMO_KEY) != "yes":
            return False
        prospects = store.read_tab(PROSPECTS.name)
    except GapbotError:
        return False
    if team_cells(prospects) != initial_cells(prospects):
        return False
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / path.name
        write_demo(fresh)
        names = WorkbookStore(fresh).tab_names()
        made, now = WorkbookStore(fresh).read_tabs(names), store.read_tabs(names)
    return all(name in now and made[name].equals(now[name]) for name in names)


def write_workbook(path: Path, tabs: dict[str, list[list[str]]], *, styled: bool = False) -> None:
    """A workbook holding exactly these tabs, every cell as text, as a team would have typed it.

    `styled` gives gapbot's tabs the look `init` gives them (header style, notes, widths, dropdowns).
    """
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tabs.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        if styled and name in TABS_BY_NAME:
            format_tab(ws, TABS_BY_NAME[name], [list(r) for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
