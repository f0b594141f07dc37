"""What only the local workbook does: real dropdowns, formats, and crash-safe saving."""

from __future__ import annotations

import marshal
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.errors import StoreError
from bot.stores import EnsureTab, ReplaceTab, SetState, UpsertRows, WorkbookStore, WriteOp
from bot.stores.cells_cache import cache_path
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
    assert ws.freeze_panes == "B2"  # the header row and the key column
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


def _everything(store: WorkbookStore) -> tuple[list[str], dict[str, pd.DataFrame], dict[str, str]]:
    names = store.tab_names()
    return names, store.read_tabs([*names, STATE_TAB]), store.read_state()


def _same_as_the_file(store: WorkbookStore) -> None:
    """What `store` holds in memory, what a new process reads (from the cells cache where it
    holds the file's tabs) and a parse of the file with no cache are all the same."""
    names, tabs, state = _everything(store)
    cached = _everything(WorkbookStore(store.path))
    cache_path(store.path).unlink(missing_ok=True)
    for fresh_names, fresh_tabs, fresh_state in (cached, _everything(WorkbookStore(store.path))):
        assert names == fresh_names and state == fresh_state
        assert tabs.keys() == fresh_tabs.keys()
        for name, frame in tabs.items():
            pd.testing.assert_frame_equal(frame, fresh_tabs[name], obj=name)


def test_a_workbook_nobody_saved_since_is_read_from_the_cells_cache_and_a_saved_one_is_not(tmp_path: Path) -> None:
    WorkbookStore(tmp_path / "w.xlsx").commit([EnsureTab(t) for t in ALL_TABS])
    store = WorkbookStore(tmp_path / "w.xlsx")  # a run reads the workbook, then writes it
    store.commit([UpsertRows(PROSPECTS, pd.DataFrame({"Domain": ["a.com"], "Priority": [75.5]}))])
    # The cache holds Prospects as written; marked here, so a read that takes it shows it.
    stored = marshal.loads(cache_path(store.path).read_bytes())
    grid = next(entry[2] for entry in stored["parts"].values() if ["a.com"] in [row[:1] for row in entry[2]])
    grid[1][0] = "from-the-cache.com"
    cache_path(store.path).write_bytes(marshal.dumps(stored))

    def domains() -> list[str]:
        return WorkbookStore(store.path).read_tabs([PROSPECTS.name])[PROSPECTS.name]["Domain"].tolist()

    assert domains() == ["from-the-cache.com"]
    book = load_workbook(store.path)  # a teammate saves the workbook: every part is written anew
    book[PROSPECTS.name]["A2"] = "typed.com"
    book.save(store.path)
    assert domains() == ["typed.com"]
    cache_path(store.path).write_bytes(b"not a cache")  # a damaged cache file is read past
    assert domains() == ["typed.com"]


def test_what_a_run_keeps_in_memory_is_what_the_file_holds(tmp_path: Path) -> None:
    """A process reads the workbook from memory after its own saves: every read must equal a
    fresh parse of the file, and a teammate's save in between must be seen."""
    store = WorkbookStore(tmp_path / "w.xlsx")
    store.commit([EnsureTab(t) for t in ALL_TABS])
    _same_as_the_file(store)
    frame = pd.DataFrame(
        {
            "Domain": ["a.com", "b.com", "c.com"],
            "Priority": [75.5, 20, 3],
            "Page title": ["=2+2", "", "Ünïcode – title"],
            "Why": ["x" * 500, "two\nlines", " padded "],
        }
    )
    store.commit([UpsertRows(PROSPECTS, frame, sort_by="Priority"), SetState({"k": "v"})])
    _same_as_the_file(store)
    store.commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["one.csv"], "Rows read": [12]})), SetState({"k": "w"})])
    _same_as_the_file(store)

    book = load_workbook(store.path)  # a teammate types an outcome and saves
    ws = book[PROSPECTS.name]
    ws[f"{_column_letter(ws, 'Outcome')}2"] = "Won"
    book.save(store.path)
    assert store.read_tabs([PROSPECTS.name])[PROSPECTS.name]["Outcome"].tolist()[0] == "Won"
    store.commit([UpsertRows(PROSPECTS, frame.iloc[1:], sort_by="Priority", mark_missing={"Status": "Gone"})])
    _same_as_the_file(store)
    assert "Won" in store.read_tabs([PROSPECTS.name])[PROSPECTS.name]["Outcome"].tolist()


@pytest.mark.slow
def test_an_analysis_saves_the_workbook_three_times(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lease, the analysis with its digest recorded, and the run's record with what was
    delivered: a run makes no more saves than these (the lease's and the record's rewrite only the
    state tab's part of the file)."""
    from click.testing import CliRunner

    from bot.demo import write_demo
    from jobs.cli import main
    from sheets_schema.state_keys import OUTBOX_PREFIX

    path = tmp_path / "team.xlsx"
    write_demo(path)
    saved = WorkbookStore._save
    saves: list[str] = []

    def counted(store: WorkbookStore, *args: object) -> None:
        saves.append("save")
        saved(store, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(WorkbookStore, "_save", counted)
    result = CliRunner().invoke(main, ["--workbook", str(path), "analyze"])
    assert result.exit_code == 0, result.output
    assert len(saves) == 3
    outbox = {k: v for k, v in WorkbookStore(path).read_state().items() if k.startswith(OUTBOX_PREFIX)}
    assert outbox and all('"delivered"' in v for v in outbox.values())


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


def _as_openpyxl_reads(path: Path) -> dict[str, list[list[object]]]:
    book = load_workbook(path, read_only=True, data_only=True)
    grids = {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    book.close()
    return grids


@pytest.mark.parametrize("with_formula", [False, True])
def test_cells_read_as_openpyxl_reads_them(tmp_path: Path, with_formula: bool) -> None:
    """The store's own pass over the cells gives what openpyxl's reader gives: dates by their
    number format, booleans, numbers, text with its spaces; a formula sends the file to openpyxl."""
    from datetime import datetime

    path = tmp_path / "w.xlsx"
    WorkbookStore(path).commit([EnsureTab(t) for t in ALL_TABS])
    book = load_workbook(path)
    ws = book["Settings"]
    ws.append(["Contacted", datetime(2026, 3, 4, 5, 6), True])
    ws.append([" padded ", 7.25, 12])
    ws["E9"] = "far right"
    ws["E9"].number_format = "0.00"
    if with_formula:
        ws["D2"] = "=1+1"
    book.save(path)
    store = WorkbookStore(path)
    grids, _ = store._load()
    assert grids == {k: [list(r) for r in v] for k, v in _as_openpyxl_reads(path).items()}
    assert store._book is not None and (store._book.wb is None) == with_formula


def test_a_write_of_state_entries_keeps_every_other_part_as_it_was(written: Path) -> None:
    import zipfile

    def parts(path: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(path) as archive:
            return {n: archive.read(n) for n in archive.namelist()}

    before = parts(written)
    store = WorkbookStore(written)
    store.commit([SetState({"k": "  two\nlines & <more> "})])
    after = parts(written)
    changed = {n for n in before if before[n] != after.get(n)}
    assert after.keys() == before.keys() and len(changed) == 1
    assert WorkbookStore(written).read_state()["k"] == "  two\nlines & <more> "
    assert load_workbook(written)[STATE_TAB].sheet_state == "hidden"


def _look(path: Path) -> dict[str, object]:
    """Everything a person sees in each tab: values, each cell's font, fill, number format and
    wrapping, hidden rows, widths, frozen panes, filters, dropdowns, colour rules and notes."""
    book = load_workbook(path)
    seen: dict[str, object] = {}
    for ws in book.worksheets:
        cells = {
            c.coordinate: (c.value, c.font.b, c.fill.fgColor.rgb, c.number_format, c.alignment.wrap_text)
            for row in ws.iter_rows()
            for c in row
            if c.value is not None or c.has_style
        }
        seen[ws.title] = (
            cells,
            ws.sheet_state,
            sorted(r for r, d in ws.row_dimensions.items() if d.hidden),
            {k: d.width for k, d in ws.column_dimensions.items()},
            ws.freeze_panes,
            ws.auto_filter.ref,
            sorted((str(v.sqref), v.formula1) for v in ws.data_validations.dataValidation),
            sorted(str(r.sqref) for r in ws.conditional_formatting),
            sorted((c.coordinate, c.comment.text) for row in ws.iter_rows() for c in row if c.comment),
        )
    return seen


def test_a_commit_written_by_our_own_cell_pass_looks_as_openpyxl_writes_it(tmp_path: Path) -> None:
    """The store writes the cells itself and openpyxl the rest; a workbook openpyxl must write
    whole (a formula in it) gets the same commit: both files look the same in every tab."""
    from datetime import datetime

    from openpyxl.styles import Font

    plain = tmp_path / "plain.xlsx"
    store = WorkbookStore(plain)
    store.commit([EnsureTab(t) for t in ALL_TABS])
    frame = pd.DataFrame(
        {"Domain": ["a.com", "b.com", "c.com"], "Priority": [75.5, 20, 3], "Why": ["two\nlines", "x" * 300, " sp "]}
    )
    store.commit([UpsertRows(PROSPECTS, frame, sort_by="Priority")])
    book = load_workbook(plain)  # the team formats, dates, hides and notes as people do
    ws = book[PROSPECTS.name]
    ws[f"{_column_letter(ws, 'Notes')}2"] = "call back"
    ws[f"{_column_letter(ws, 'Notes')}2"].font = Font(bold=True)
    ws[f"{_column_letter(ws, 'Contacted on')}3"] = datetime(2026, 11, 30)
    ws.row_dimensions[4].hidden = True
    book.save(plain)
    whole = tmp_path / "whole.xlsx"
    book["Settings"]["H40"] = "=1+1"
    book.save(whole)

    commit: list[WriteOp] = [
        UpsertRows(PROSPECTS, frame.assign(Priority=[10, 80, 30]).iloc[:2], sort_by="Priority"),
        ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["one.csv", "two.csv"], "Rows read": [12, 7]})),
        SetState({"k": "v"}),
    ]
    stores = [WorkbookStore(path) for path in (plain, whole)]
    for each in stores:
        each.commit(commit)
    # the first wrote its cells itself (it keeps them apart from openpyxl's model), the second through openpyxl
    assert [each._book is not None and each._book.unbound is not None for each in stores] == [True, False]
    ours, theirs = _look(plain), _look(whole)
    settings_cells = theirs["Settings"][0]  # type: ignore[index]
    assert isinstance(settings_cells, dict) and settings_cells.pop("H40")[0] == "=1+1"
    assert ours == theirs
