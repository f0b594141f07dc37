"""Writes that are safe to repeat and aimed by key: a lost answer adds nothing twice, and rows the
team moves while gapbot writes do not take other prospects' cells."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable

import pytest

from bot.errors import GapbotError, StoreError
from tests.fakes.google import Call, FakeGoogle
from tests.fakes.sheets_model import Sheet
from tests.fakes.sheets_requests import apply_requests
from tests.fakes.team import google_store, market_tabs, paste_tabs, run_jobs
from tests.test_google_safety import prospects_by_key, sheet_with_team_work, team_cells

Move = Callable[[FakeGoogle, str], None]


def tab(fake: FakeGoogle, sid: str, title: str) -> Sheet:
    return next(s for s in fake.book(sid).sheets if s.title == title)


def rows_of(fake: FakeGoogle, sid: str, title: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in tab(fake, sid, title).rows[1:] if any(v not in (None, "") for v in r)]


def formatting(fake: FakeGoogle, sid: str) -> dict[str, tuple[int, int]]:
    """Per tab: how many conditional rules and protected ranges it has (a repeated add shows here)."""
    return {s.title: (len(s.conditional), len(s.protected)) for s in fake.book(sid).sheets}


def lose_answer_of_write(number: int) -> Callable[[Call], int | None]:
    """Google applies the `number`-th write (0-based) but its answer is lost: a 503."""
    writes = iter(range(10_000))
    return lambda call: 503 if next(writes) == number else None


@pytest.mark.slow
@pytest.mark.parametrize("fresh_sheet", [True, False], ids=["init and analyze on a new sheet", "analyze again"])
def test_a_lost_answer_to_any_write_adds_nothing_twice(fresh_sheet: bool) -> None:
    if fresh_sheet:
        base = FakeGoogle()
        sid = paste_tabs(base, market_tabs(12))
        jobs = ["init", "analyze"]
    else:
        base, sid = sheet_with_team_work()
        jobs = ["analyze"]
    reference = copy.deepcopy(base)
    marks = len(reference.calls)
    run_jobs(google_store(reference, sid), jobs)
    writes = sum(1 for c in reference.calls[marks:] if c.is_write)
    assert writes >= 4  # the lease, the values, the new rows with the sort, the run's record

    for number in range(writes):
        fake = copy.deepcopy(base)
        fake.lost_answers.append(lose_answer_of_write(number))
        run_jobs(google_store(fake, sid), jobs)
        where = f"answer of write {number} lost"
        assert prospects_by_key(fake, sid) == prospects_by_key(reference, sid), where
        if not fresh_sheet:  # (a new sheet has no team column of its own yet)
            assert team_cells(fake, sid) == team_cells(reference, sid), where
        for title in ("Prospects", "History", "Imports", "Links"):
            assert Counter(rows_of(fake, sid, title)) == Counter(rows_of(reference, sid, title)), f"{where}: {title}"
        assert formatting(fake, sid) == formatting(reference, sid), where


def sort_by_domain(fake: FakeGoogle, sid: str, descending: bool = False) -> None:
    prospects = tab(fake, sid, "Prospects")
    order = "DESCENDING" if descending else "ASCENDING"
    spec = {"dimensionIndex": prospects.rows[0].index("Domain"), "sortOrder": order}
    apply_requests(
        fake.book(sid), [{"sortRange": {"range": {"sheetId": prospects.id, "startRowIndex": 1}, "sortSpecs": [spec]}}]
    )


def rows_request(kind: str, at: int) -> Move:
    def move(fake: FakeGoogle, sid: str) -> None:
        rows = {"sheetId": tab(fake, sid, "Prospects").id, "dimension": "ROWS", "startIndex": at, "endIndex": at + 1}
        apply_requests(fake.book(sid), [{kind: {"range": rows}}])

    return move


MOVES: dict[str, Move] = {
    "sort": sort_by_domain,
    "delete a row": rows_request("deleteDimension", 3),
    "insert a row": rows_request("insertDimension", 2),
}


def before_values_writes(fake: FakeGoogle, sid: str, move: Move, times: int) -> list[Call]:
    """The team moves rows right before gapbot's values writes (after its re-read of the keys)."""
    moved: list[Call] = []

    def team_moves(call: Call) -> None:
        if call.path.endswith("/values:batchUpdate") and len(moved) < times:
            moved.append(call)
            move(fake, sid)
        return None

    fake.faults.append(team_moves)
    return moved


@pytest.mark.slow
@pytest.mark.parametrize("move", sorted(MOVES))
def test_gapbot_cells_reach_their_own_key_when_the_team_moves_rows_right_before_the_write(move: str) -> None:
    fake, sid = sheet_with_team_work()
    before = team_cells(fake, sid)
    reference = copy.deepcopy(fake)
    run_jobs(google_store(reference, sid), ["analyze"])
    moved = before_values_writes(fake, sid, MOVES[move], times=1)
    run_jobs(google_store(fake, sid), ["analyze"])
    assert moved

    expected = prospects_by_key(reference, sid, only_gapbot=True)
    got = prospects_by_key(fake, sid, only_gapbot=True)
    assert {k: v for k, v in got.items()} == {k: expected[k] for k in got}
    after = team_cells(fake, sid)
    assert {k: after[k] for k in before if k in after} == {k: v for k, v in before.items() if k in after}
    assert len(before) - len([k for k in before if k in after]) == (1 if move == "delete a row" else 0)
    keyless = [r for r in tab(fake, sid, "Prospects").rows[1:] if not r or r[0] in (None, "")]
    assert all(v in (None, "") for r in keyless for v in r), "a row without a key holds gapbot's cells"


@pytest.mark.slow
def test_gapbot_cells_reach_their_own_key_when_the_team_sorts_before_the_write_and_again_before_the_check() -> None:
    """The check after the write cannot find a misplaced cell where it was aimed: the rows moved
    again. Every cell holding a value gapbot sent in its column is checked against its row's key."""
    fake, sid = sheet_with_team_work()
    reference = copy.deepcopy(fake)
    run_jobs(google_store(reference, sid), ["analyze"])
    moves: list[str] = []

    def team_sorts_twice(call: Call) -> None:
        if not moves and call.path.endswith("/values:batchUpdate"):
            moves.append("before the write")
            sort_by_domain(fake, sid)
        elif moves == ["before the write"] and call.path.endswith("/values:batchGet"):
            moves.append("before the check")
            sort_by_domain(fake, sid, descending=True)
        return None

    fake.faults.append(team_sorts_twice)
    run_jobs(google_store(fake, sid), ["analyze"])
    assert moves == ["before the write", "before the check"]
    assert prospects_by_key(fake, sid, only_gapbot=True) == prospects_by_key(reference, sid, only_gapbot=True)


@pytest.mark.slow
def test_a_sheet_that_keeps_moving_stops_with_a_clear_error_and_no_row_twice() -> None:
    fake, sid = sheet_with_team_work()
    before_values_writes(fake, sid, MOVES["insert a row"], times=10)
    with pytest.raises(StoreError, match="kept sorting, inserting or deleting rows") as raised:
        run_jobs(google_store(fake, sid), ["analyze"])
    assert "run again" in raised.value.fix
    keys = [r[0] for r in tab(fake, sid, "Prospects").rows[1:] if r and r[0]]
    assert len(keys) == len(set(keys))


def appends(call: Call) -> bool:
    """A batchUpdate that appends rows (new rows ride in the commit's final batchUpdate)."""
    return isinstance(call.body, dict) and any("appendCells" in r for r in call.body.get("requests", []))


def test_every_append_answer_lost_is_checked_and_an_append_that_never_lands_stops_with_a_clear_error() -> None:
    fake, sid = sheet_with_team_work()
    fake.keep_bodies = True
    history = len(rows_of(fake, sid, "History"))
    fake.lost_answers.append(lambda call: 503 if appends(call) else None)
    run_jobs(google_store(fake, sid), ["analyze"])
    keys = [r[0] for r in tab(fake, sid, "Prospects").rows[1:] if r and r[0]]
    assert len(keys) == len(set(keys)) == 24  # 4 gone, 20 exported
    assert len(rows_of(fake, sid, "History")) == history + 1  # the run's line, once

    fake, sid = sheet_with_team_work()
    fake.keep_bodies = True
    fake.faults.append(lambda call: 503 if appends(call) else None)
    with pytest.raises(GapbotError, match="Google kept failing") as raised:
        run_jobs(google_store(fake, sid), ["analyze"])
    assert "spreadsheets:batchUpdate" in raised.value.where


@pytest.mark.parametrize("fault", ["none", "answer lost", "refused"])
def test_a_replaced_tab_that_outgrows_its_grid_gets_its_rows_once_with_the_final_request(fault: str) -> None:
    """The rows past the grid go with the final request, which grows the grid itself: no structure
    request before the values writes. If that request's answer is lost (it landed) or it was
    refused (it did not), a check tells which, though the rows written in place look the same."""
    import pandas as pd

    from bot.stores import ReplaceTab
    from sheets_schema.tabs import IMPORTS

    def imports(n: int) -> ReplaceTab:
        return ReplaceTab(IMPORTS, pd.DataFrame({"Export": [f"export-{i % 3}.csv" for i in range(n)], "Rows read": 7}))

    fake = FakeGoogle()
    sid = fake.create_spreadsheet()
    store = google_store(fake, sid)
    store.commit([imports(5)])
    grid_rows = tab(fake, sid, "Imports").props["gridProperties"]["rowCount"]
    first = iter(range(10_000))

    def once(call: Call) -> int | None:
        final = ":batchUpdate" in call.path and "/values" not in call.path
        return 503 if final and next(first) == 0 else None

    (fake.lost_answers if fault == "answer lost" else fake.faults if fault == "refused" else []).append(once)
    mark = len(fake.api_calls())
    store.commit([imports(grid_rows + 40)])
    calls = fake.api_calls()[mark:]
    writes = ["values" if "/values" in c.path else "final" for c in calls if c.is_write]
    assert "values" not in writes[writes.index("final") :]  # no structure request before the values
    assert [r[0] for r in rows_of(fake, sid, "Imports")] == [f"export-{i % 3}.csv" for i in range(grid_rows + 40)]
