"""What only the local workbook does: real dropdowns, formats, and crash-safe saving."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.errors import StoreError
from bot.stores import EnsureTab, ReplaceTab, UpsertRows, WorkbookStore
from bot.stores.grid import Grid
from sheets_schema import ALL_TABS, STATE_TAB
from sheets_schema.tabs import IMPORTS, PROSPECTS
from sheets_schema.vocabularies import NEXT_ACTIONS, OUTCOMES


@pytest.fixture
def written(tmp_path: Path) -> Path:
    store = WorkbookStore(tmp_path / "w.xlsx")
    store.commit([EnsureTab(t) for t in ALL_TABS])
    frame = pd.DataFrame({"Domain": ["a.com", "b.com"], "Priority": [75.5, 20], "Page title": ["=2+2", "ok"]})
    store.commit([UpsertRows(PROSPECTS, frame, sort_by="Priority")])
    return store.path


def _column_letter(ws: Worksheet, name: str) -> str:
    header = [c.value for c in ws[1]]
    return get_column_letter(header.index(name) + 1)


def test_dropdowns_on_team_columns(written: Path) -> None:
    ws = load_workbook(written)["Prospects"]
    by_range = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for name, vocabulary in (("Next action", NEXT_ACTIONS), ("Outcome", OUTCOMES)):
        letter = _column_letter(ws, name)
        dv = next(v for r, v in by_range.items() if r.startswith(f"{letter}2:"))
        assert dv.type == "list"
        assert dv.formula1.strip('"').split(",") == list(vocabulary)
        assert (dv.showErrorMessage, dv.errorStyle) == (True, "stop")  # a value outside the list is refused


def test_frozen_header_notes_widths_and_colours(written: Path) -> None:
    ws = load_workbook(written)["Prospects"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].comment is not None and "prospect" in ws["A1"].comment.text.lower()
    assert ws.column_dimensions["A"].width > 20
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(r.startswith(_column_letter(ws, "Priority") + "2:") for r in ranges)
    assert any(r.startswith(_column_letter(ws, "Outcome") + "2:") for r in ranges)


def test_state_tab_hidden_and_numbers_are_numbers(written: Path) -> None:
    wb = load_workbook(written)
    assert wb[STATE_TAB].sheet_state == "hidden"
    ws = wb["Prospects"]
    priority = ws[f"{_column_letter(ws, 'Priority')}2"]
    assert priority.value == 75.5 and priority.data_type == "n"
    title = ws[f"{_column_letter(ws, 'Page title')}2"]
    assert title.value == "=2+2" and title.data_type == "s"


def test_a_crash_while_saving_leaves_the_old_workbook(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = written.read_bytes()

    def crash(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", crash)
    with pytest.raises(OSError):
        WorkbookStore(written).commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["x"]}))])
    assert written.read_bytes() == before
    assert [p.name for p in written.parent.iterdir()] == [written.name]


def test_damaged_workbook_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(Exception, match="cannot open the workbook"):
        WorkbookStore(path).read_tab("Settings")


def test_a_workbook_saved_by_someone_else_during_a_commit_is_not_written_over(
    written: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """gapbot applies its changes by cell position: a teammate's save (sorted rows) between gapbot's
    read and its save would put gapbot's cells in other rows and lose the teammate's work."""
    store = WorkbookStore(written)
    read = store._load

    def read_then_teammate_sorts() -> tuple[dict[str, Grid], set[str]]:
        loaded = read()
        wb = load_workbook(written)
        ws = wb[PROSPECTS.name]
        rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        for i, row in enumerate(reversed(rows), start=2):
            for j, value in enumerate(row, start=1):
                ws.cell(row=i, column=j).value = value
        wb.save(written)
        return loaded

    monkeypatch.setattr(store, "_load", read_then_teammate_sorts)
    saved = written.read_bytes()
    frame = pd.DataFrame({"Domain": ["a.com", "b.com"], "Priority": [1, 99], "Status": "Active"})
    with pytest.raises(StoreError, match="saved by someone else while gapbot was writing"):
        store.commit([UpsertRows(PROSPECTS, frame)])
    assert written.read_bytes() != saved  # the teammate's save stands, untouched by gapbot
    assert [r[0].value for r in load_workbook(written)[PROSPECTS.name].iter_rows(min_row=2)] == ["b.com", "a.com"]
