"""One result on a fresh sheet of about 190 prospects moves little else, through the real jobs.

The team types an Outcome into the workbook (openpyxl, as Excel would save it); `watch` logs it,
relearns the Model and rescores Prospects; `analyze` then scores the same.
"""

from __future__ import annotations

import contextlib
import io
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from bench.learning_market import write_market
from bot.stores import WorkbookStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import PROSPECTS

NOW = datetime(2026, 12, 1, 9, tzinfo=UTC)


def run(store: WorkbookStore, job: str) -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # the console digest of analyze
        JOBS[job](JobContext(store=store, clock=lambda: NOW))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("market") / "team.xlsx"
    write_market(path, seed=1)
    store = WorkbookStore(path)
    for job in ("init", "analyze", "watch"):
        run(store, job)
    return path


def priorities(store: WorkbookStore) -> pd.Series:
    frame = store.read_tab(PROSPECTS.name)
    assert frame is not None
    return pd.Series(pd.to_numeric(frame["Priority"]).to_numpy(), index=frame["Domain"]).sort_values(ascending=False)


def team_sets_outcome(path: Path, key: str, outcome: str) -> None:
    book = load_workbook(path)
    sheet = book[PROSPECTS.name]
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        if cells[header.index("Domain")].value == key:
            cells[header.index("Outcome")].value = outcome
    book.save(path)


def copy_of(fresh: Path, tmp_path: Path) -> WorkbookStore:
    path = tmp_path / fresh.name
    path.write_bytes(fresh.read_bytes())
    exports = fresh.with_name(fresh.stem + "-exports")
    (tmp_path / exports.name).symlink_to(exports)
    return WorkbookStore(path)


@pytest.mark.slow
@pytest.mark.parametrize("rank", [0, 9, 100])
def test_one_win_on_a_fresh_sheet_moves_little_else(fresh: Path, tmp_path: Path, rank: int) -> None:
    store = copy_of(fresh, tmp_path)
    before = priorities(store)
    assert len(before) > 150
    winner = str(before.index[rank])
    team_sets_outcome(store.path, winner, "Published / linked")
    run(store, "watch")
    after = priorities(store)
    moved = (after.drop(winner) - before.drop(winner)).abs()
    assert moved.max() <= 5, moved.sort_values().tail()
    assert moved.median() <= 2
    assert len(set(after.index[:10]) - set(before.index[:10])) <= 2
    assert after[winner] >= before[winner]
    run(store, "analyze")  # analyze learns the same model from the sheet and scores the same
    pd.testing.assert_series_equal(priorities(store).sort_index(), after.sort_index())


@pytest.mark.slow
def test_a_pending_sent_moves_nothing(fresh: Path, tmp_path: Path) -> None:
    store = copy_of(fresh, tmp_path)
    before = priorities(store)
    team_sets_outcome(store.path, str(before.index[0]), "Sent")
    run(store, "watch")
    pd.testing.assert_series_equal(priorities(store).sort_index(), before.sort_index())
    model = store.read_tab("Model")
    assert model is not None
    team = model[model["Dimension"] == "All"].iloc[0]
    assert (team["Sent"], team["Win rate"]) == ("1", "0.05")
