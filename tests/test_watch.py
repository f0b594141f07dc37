"""`gapbot watch`: what one tick logs, skips and keeps, on every store backend."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from bench.bench_watch_calls import CountingStore, prospects_sheet
from bot.learning import prospects_upsert
from bot.learning.snapshot import decode, encode, from_state, team_cells
from bot.stores import MemoryStore, SetState, WorkbookStore
from jobs.cli import main
from jobs.context import JobContext
from jobs.watch import watch
from sheets_schema.state_keys import WATCH_SNAPSHOT_KEY
from sheets_schema.tabs import PROSPECTS
from tests.backends import Backend

OUTCOME = PROSPECTS.names.index("Outcome") + 1
NOTES = PROSPECTS.names.index("Notes") + 1
OWNER = PROSPECTS.names.index("Owner") + 1


def logged(backend: Backend) -> list[tuple[str, str, str, str]]:
    frame = backend.store.read_tab("History")
    if frame is None:
        return []
    return [tuple(r) for r in frame[["Key", "Column", "Old value", "New value"]].itertuples(index=False)]


def tick(backend: Backend) -> None:
    watch(JobContext(store=backend.store, run_id="tick"))


def start(backend: Backend, rows: int = 3) -> None:
    backend.team_tabs({PROSPECTS.name: [[str(c) if c is not None else "" for c in r] for r in prospects_sheet(rows)]})
    tick(backend)


def test_first_tick_takes_a_snapshot_and_logs_nothing(backend: Backend) -> None:
    start(backend)
    assert logged(backend) == []
    assert from_state(backend.store.read_state()) == {"site0.com": {}, "site1.com": {}, "site2.com": {}}


def test_each_changed_cell_is_one_history_row(backend: Backend) -> None:
    start(backend)
    backend.team_types(PROSPECTS.name, 2, OUTCOME, "Sent")
    backend.team_types(PROSPECTS.name, 3, NOTES, "asked for data")
    tick(backend)
    backend.team_types(PROSPECTS.name, 2, OUTCOME, "Replied")
    tick(backend)
    assert logged(backend) == [
        ("site0.com", "Outcome", "", "Sent"),
        ("site1.com", "Notes", "", "asked for data"),
        ("site0.com", "Outcome", "Sent", "Replied"),
    ]
    history = backend.store.read_tab("History")
    assert history is not None and set(history["Run"]) == {"tick"}


def test_a_value_set_and_reverted_between_ticks_is_not_an_event(backend: Backend) -> None:
    start(backend)
    backend.team_types(PROSPECTS.name, 2, OWNER, "Ana")
    backend.team_types(PROSPECTS.name, 2, OWNER, None)
    tick(backend)
    assert logged(backend) == []


def test_changes_on_a_prospect_marked_gone_are_still_logged(backend: Backend) -> None:
    start(backend)
    backend.store.commit([prospects_upsert(pd.DataFrame({"Domain": ["site1.com", "site2.com"]}), sort_by=None)])
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None and frame.loc[frame["Domain"] == "site0.com", "Status"].item() == "Gone"
    backend.team_types(PROSPECTS.name, 2, OUTCOME, "No fit")
    tick(backend)
    assert logged(backend) == [("site0.com", "Outcome", "", "No fit")]


def test_team_sorting_and_inserted_columns_are_not_edits(backend: Backend) -> None:
    start(backend)
    backend.team_types(PROSPECTS.name, 2, NOTES, "first")
    tick(backend)
    backend.team_sorts(PROSPECTS.name, 1, descending=True)
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    rows = [["Call notes", *frame.columns], *[[None, *r] for r in frame.to_numpy().tolist()]]
    backend.team_rewrites(PROSPECTS.name, [[v if v != "" else None for v in r] for r in rows])
    tick(backend)
    assert logged(backend) == [("site0.com", "Notes", "", "first")]
    backend.team_types(PROSPECTS.name, 4, 1, "phone first")  # site0.com is last after the sort
    tick(backend)
    assert logged(backend)[-1] == ("site0.com", "Call notes", "", "phone first")


def test_a_renamed_gapbot_header_comes_back_and_is_reported(backend: Backend) -> None:
    start(backend)
    overlap = PROSPECTS.names.index("Overlap") + 1
    backend.team_types(PROSPECTS.name, 1, overlap, "My overlap")
    notes = backend.store.commit([prospects_upsert(pd.DataFrame({"Domain": ["site0.com"], "Overlap": [4]}))])
    assert any("Overlap" in n and "renamed" in n for n in notes.notes)
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    assert list(frame.columns)[-1] == "Overlap"
    assert frame.loc[frame["Domain"] == "site0.com", "Overlap"].item() == "4"


def test_a_row_the_team_deletes_keeps_its_values_in_history(backend: Backend) -> None:
    start(backend)
    backend.team_types(PROSPECTS.name, 3, NOTES, "keep me")
    tick(backend)
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    rows = [list(frame.columns), *[r for r in frame.to_numpy().tolist() if r[0] != "site1.com"]]
    backend.team_rewrites(PROSPECTS.name, [[v if v != "" else None for v in r] for r in rows])
    tick(backend)
    assert logged(backend)[-1] == ("site1.com", "Notes", "keep me", "")


def test_duplicate_keys_are_tracked_separately() -> None:
    store = MemoryStore({PROSPECTS.name: [["Domain", "Notes"], ["a.com", "one"], ["a.com", "two"]]})
    assert team_cells(store.read_tab(PROSPECTS.name)) == {"a.com": {"Notes": "one"}, "a.com #2": {"Notes": "two"}}


def test_an_unchanged_sheet_costs_one_call() -> None:
    store = CountingStore(MemoryStore({PROSPECTS.name: prospects_sheet(50)}))
    watch(JobContext(store=store))
    store.calls.clear()
    watch(JobContext(store=store))
    assert dict(store.calls) == {"version": 1}


def test_a_big_snapshot_is_split_across_state_cells() -> None:
    class SmallCells(MemoryStore):
        max_cell_chars = 300

    store = SmallCells({PROSPECTS.name: prospects_sheet(400)})
    for i in range(2, 402):
        store.edit(PROSPECTS.name, i, NOTES, f"note {i * 7919 % 1000003}")
    watch(JobContext(store=store))
    state = store.read_state()
    parts = int(state[WATCH_SNAPSHOT_KEY])
    assert parts > 3
    assert all(len(state[f"{WATCH_SNAPSHOT_KEY}.{i}"]) <= 300 for i in range(1, parts + 1))
    assert from_state(state) == team_cells(store.read_tab(PROSPECTS.name))

    for i in range(2, 402):
        store.edit(PROSPECTS.name, i, NOTES, None)
    watch(JobContext(store=store))
    state = store.read_state()
    assert int(state[WATCH_SNAPSHOT_KEY]) < parts
    assert state[f"{WATCH_SNAPSHOT_KEY}.{parts}"] == ""  # a part left over from the longer snapshot is emptied
    assert from_state(state) == {f"site{i}.com": {} for i in range(400)}


def test_snapshot_encoding_round_trips_any_text() -> None:
    cells = {"münzkasse.com": {"Notes": '=HYPERLINK("x")', "Owner": "Zoë"}, "b.com": {}, "c.com": {"Outcome": "Sent"}}
    parts = encode(cells, 80)
    assert all(not p.startswith(("=", "+", "-", "@")) for p in parts)
    assert decode(parts) == cells


def test_hidden_rows_and_filters_in_a_workbook_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    store = WorkbookStore(path)
    store.commit([prospects_upsert(pd.DataFrame({"Domain": ["a.com", "b.com", "c.com"], "Priority": [3, 2, 1]}))])
    watch(JobContext(store=store))
    wb = load_workbook(path)
    ws = wb[PROSPECTS.name]
    ws.auto_filter.ref = ws.dimensions
    ws.row_dimensions[3].hidden = True
    ws.cell(row=3, column=NOTES).value = "hidden but kept"
    wb.save(path)
    store.commit([prospects_upsert(pd.DataFrame({"Domain": ["c.com", "b.com"], "Priority": [9, 1]}))])
    watch(JobContext(store=store))
    frame = store.read_tab(PROSPECTS.name)
    assert frame is not None
    assert frame.loc[frame["Domain"] == "b.com", "Notes"].item() == "hidden but kept"
    history = store.read_tab("History")
    assert history is not None
    assert list(history["Key"]) == ["b.com"]


@pytest.mark.slow
def test_cli_watch_reports_the_tick(tmp_path: Path) -> None:
    path = tmp_path / "team.xlsx"
    WorkbookStore(path).commit([prospects_upsert(pd.DataFrame({"Domain": ["a.com"], "Priority": [1]}))])
    runner = CliRunner()
    first = runner.invoke(main, ["--workbook", str(path), "watch"])
    assert first.exit_code == 0, first.output
    assert "first snapshot of 1 prospect" in first.output
    wb = load_workbook(path)
    wb[PROSPECTS.name].cell(row=2, column=OUTCOME).value = "Sent"
    wb.save(path)
    second = runner.invoke(main, ["--workbook", str(path), "watch"])
    assert second.exit_code == 0, second.output
    assert "1 team edit(s) logged to History; Model relearned" in second.output
    model = WorkbookStore(path).read_tab("Model")
    assert model is not None and model.loc[0, "Sent"] == "1"


def test_cells_typed_before_the_first_tick_are_logged_and_learned_from(backend: Backend) -> None:
    backend.team_tabs({PROSPECTS.name: [[str(c) if c is not None else "" for c in r] for r in prospects_sheet(2)]})
    backend.team_types(PROSPECTS.name, 2, OUTCOME, "Published / linked")
    result = watch(JobContext(store=backend.store))
    assert "Model relearned" in result.summary
    assert logged(backend) == [("site0.com", "Outcome", "", "Published / linked")]  # recorded on the first tick
    model = backend.store.read_tab("Model")
    assert model is not None and model.loc[0, "Won"] == "1"


def test_a_damaged_snapshot_is_reported_and_replaced(backend: Backend) -> None:
    start(backend)
    backend.store.commit([SetState({f"{WATCH_SNAPSHOT_KEY}.1": "z1:not base64 at all!"})])
    backend.team_types(PROSPECTS.name, 2, NOTES, "typed meanwhile")
    result = watch(JobContext(store=backend.store))
    assert any("watch snapshot cannot be read" in n and "_gapbot_state" in n for n in result.notes)
    assert from_state(backend.store.read_state()) == team_cells(backend.store.read_tab(PROSPECTS.name))


def test_the_worker_skips_an_unchanged_sheet_with_one_call_despite_its_lease_writes() -> None:
    from bench.bench_watch_calls import watch_calls

    calls = watch_calls(20)
    for idle in ("unchanged sheet", "unchanged again", "after its own write"):
        assert calls[idle][0] == Counter({"version": 1}), idle
    for busy in ("team typed a note", "team set an outcome"):
        assert calls[busy][0]["commit"] >= 1, busy  # the edit was seen and logged
