"""The tabs a person works in: Prospects' column order, frozen key, filter, greyed Gone rows, wrapped
Why; and input tabs that look the same in the demo as after `init`. On the workbook and on Google."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.demo import write_demo
from bot.learning import prospects_upsert
from bot.stores import EnsureTab, WorkbookStore
from sheets_schema import ALL_TABS
from sheets_schema.tabs import COMPETITORS, PROSPECTS, RULES, SETTINGS, TARGETS
from tests.backends import Backend, GoogleBackend, WorkbookBackend
from tests.fakes.sheets_model import Sheet

TEAM_FIRST = ["Domain", "Priority", "Next action", "Outcome", "Owner", "Contacted on", "Notes"]
# The order of Prospects before the team's columns moved forward: an existing sheet keeps it.
OLD_ORDER = [n for n in PROSPECTS.names if n not in PROSPECTS.team_columns] + PROSPECTS.team_columns
FOUND = pd.DataFrame(
    {
        "Domain": ["a.com", "b.com"],
        "Priority": [80, 20],
        "Competitors linked": ["rival.com", "rival.com"],
        "Why": ["A long reason " * 10, "short"],
        "Status": ["New", "New"],
    }
)


def test_a_new_prospects_tab_shows_the_teams_columns_right_after_the_key_and_priority(backend: Backend) -> None:
    backend.store.commit([prospects_upsert(FOUND)])
    header = list(backend.store.read_tab(PROSPECTS.name).columns)  # type: ignore[union-attr]
    assert header[: len(TEAM_FIRST)] == TEAM_FIRST
    assert "Correct type" in header[: header.index("Link type")]


def test_an_existing_prospects_tab_keeps_its_column_order(backend: Backend) -> None:
    backend.team_tabs({PROSPECTS.name: [OLD_ORDER, ["a.com", "10", *[""] * (len(OLD_ORDER) - 2)]]})
    backend.store.commit([prospects_upsert(FOUND)])
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None and list(frame.columns) == OLD_ORDER
    assert frame.loc[frame["Domain"] == "b.com", "Next action"].item() == ""


# --- Google Sheets -----------------------------------------------------------------------------


def google_prospects(backend: GoogleBackend) -> Sheet:
    backend.store.commit([prospects_upsert(FOUND)])
    return next(s for s in backend.fake.book(backend.spreadsheet_id).sheets if s.title == PROSPECTS.name)


def test_google_prospects_freezes_the_key_with_the_header_and_filters_the_header(tmp_path: Path) -> None:
    tab = google_prospects(GoogleBackend(tmp_path))
    grid = tab.props["gridProperties"]
    assert (grid["frozenRowCount"], grid["frozenColumnCount"]) == (1, PROSPECTS.names.index("Domain") + 1)
    assert tab.basic_filter is not None
    assert tab.basic_filter["range"] == {
        "sheetId": tab.id,
        "startRowIndex": 0,
        "endRowIndex": tab.row_count,
        "startColumnIndex": 0,
        "endColumnIndex": tab.column_count,
    }


def test_google_greys_gone_rows_ahead_of_the_cell_colours_and_wraps_why(tmp_path: Path) -> None:
    tab = google_prospects(GoogleBackend(tmp_path))
    status = get_column_letter(PROSPECTS.names.index("Status") + 1)
    first = tab.conditional[0]
    assert first["ranges"] == [{"sheetId": tab.id, "startRowIndex": 1}]
    condition = first["booleanRule"]["condition"]
    assert condition == {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": f'=${status}2="Gone"'}]}
    assert "backgroundColor" in first["booleanRule"]["format"]
    why = PROSPECTS.names.index("Why")
    wrapped = [r for r, fmt in tab.range_formats if fmt.get("wrapStrategy") == "WRAP"]
    assert [(r["startColumnIndex"], r["endColumnIndex"], r["startRowIndex"]) for r in wrapped] == [(why, why + 1, 1)]


def test_google_adds_the_layout_once(tmp_path: Path) -> None:
    backend = GoogleBackend(tmp_path)
    tab = google_prospects(backend)
    rules = len(tab.conditional)
    backend.store.commit([prospects_upsert(FOUND)])
    again = next(s for s in backend.fake.book(backend.spreadsheet_id).sheets if s.title == PROSPECTS.name)
    assert len(again.conditional) == rules
    assert len([f for _, f in again.range_formats if "wrapStrategy" in f]) == 1


# --- the local workbook ------------------------------------------------------------------------


def workbook_prospects(tmp_path: Path) -> Worksheet:
    backend = WorkbookBackend(tmp_path)
    backend.store.commit([prospects_upsert(FOUND)])
    return load_workbook(backend.path)[PROSPECTS.name]


def test_workbook_prospects_freezes_the_key_with_the_header_and_filters_the_header(tmp_path: Path) -> None:
    ws = workbook_prospects(tmp_path)
    assert ws.freeze_panes == "B2"  # row 1 and column A (Domain) stay in view
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(PROSPECTS.names))}3"


def test_workbook_greys_gone_rows_ahead_of_the_cell_colours_and_wraps_why(tmp_path: Path) -> None:
    ws = workbook_prospects(tmp_path)
    status = get_column_letter(PROSPECTS.names.index("Status") + 1)
    rules = sorted((rule for cf in ws.conditional_formatting for rule in cf.rules), key=lambda r: r.priority)
    assert rules[0].type == "expression" and rules[0].formula == [f'${status}2="Gone"']
    grey = next(cf for cf in ws.conditional_formatting if rules[0] in cf.rules)
    assert str(grey.sqref).startswith("A2:")
    why = get_column_letter(PROSPECTS.names.index("Why") + 1)
    assert ws[f"{why}2"].alignment.wrap_text and ws[f"{why}3"].alignment.wrap_text
    assert not ws[f"{get_column_letter(PROSPECTS.names.index('Anchor') + 1)}2"].alignment.wrap_text


def test_the_workbook_keeps_the_key_frozen_where_the_team_moved_it(tmp_path: Path) -> None:
    backend = WorkbookBackend(tmp_path)
    backend.team_tabs({PROSPECTS.name: [["Call notes", *PROSPECTS.names], ["", "a.com"]]})
    backend.store.commit([prospects_upsert(FOUND)])
    assert load_workbook(backend.path)[PROSPECTS.name].freeze_panes == "C2"


# --- input tabs: the demo as after init ---------------------------------------------------------


def look(ws: Worksheet) -> dict[str, object]:
    """What a person sees of a tab's styling: frozen panes, header style and notes, widths, dropdowns."""
    header = [c for c in ws[1] if c.value]
    return {
        "freeze": ws.freeze_panes,
        "header": [(c.value, c.font.b, c.fill.fgColor.rgb, c.comment.text if c.comment else None) for c in header],
        "widths": [ws.column_dimensions[c.column_letter].width for c in header],
        "dropdowns": sorted(
            (str(dv.sqref).split(":")[0], dv.formula1, dv.errorStyle) for dv in ws.data_validations.dataValidation
        ),
    }


def test_the_demos_input_tabs_look_as_after_init(tmp_path: Path) -> None:
    demo = tmp_path / "demo.xlsx"
    write_demo(demo)
    init = WorkbookStore(tmp_path / "init.xlsx")
    init.commit([EnsureTab(t) for t in ALL_TABS])
    made, fresh = load_workbook(demo), load_workbook(init.path)
    for schema in (SETTINGS, COMPETITORS, TARGETS, RULES):
        assert look(made[schema.name]) == look(fresh[schema.name]), schema.name
        assert look(made[schema.name])["dropdowns"] or schema is SETTINGS
