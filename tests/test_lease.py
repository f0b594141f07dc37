from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.errors import StoreError
from bot.stores import AppendRows, EnsureTab, SetState, WorkbookStore
from jobs.lease import Lease, LeaseBusy, LeasedStore, LeaseLost, LeaseRecord
from sheets_schema import SCHEMA_VERSION
from sheets_schema.state_keys import LEASE_KEY, SCHEMA_VERSION_KEY
from sheets_schema.tabs import HISTORY
from tests.backends import Backend

TTL = timedelta(minutes=10)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def lease(backend: Backend, holder: str, clock: Clock) -> Lease:
    return Lease(backend.store, holder, TTL, clock)


def test_acquire_writes_holder_and_expiry(backend: Backend, clock: Clock) -> None:
    lease(backend, "worker-a", clock).acquire("analyze")
    record = LeaseRecord.parse(backend.store.read_state()[LEASE_KEY])
    assert record == LeaseRecord("worker-a", "analyze", clock.now + TTL)


def test_a_held_lease_refuses_another_holder(backend: Backend, clock: Clock) -> None:
    lease(backend, "worker-a", clock).acquire("analyze")
    clock.now += TTL - timedelta(seconds=1)
    with pytest.raises(LeaseBusy) as caught:
        lease(backend, "manual", clock).acquire("watch")
    assert "busy with analyze" in caught.value.message
    assert "worker-a" in caught.value.message
    assert LeaseRecord.parse(backend.store.read_state()[LEASE_KEY]).holder == "worker-a"  # type: ignore[union-attr]


def test_the_holder_may_take_it_again(backend: Backend, clock: Clock) -> None:
    mine = lease(backend, "worker-a", clock)
    mine.acquire("analyze")
    clock.now += timedelta(minutes=5)
    mine.acquire("watch")
    assert mine.current() == LeaseRecord("worker-a", "watch", clock.now + TTL)


def test_a_stale_lease_expires(backend: Backend, clock: Clock) -> None:
    lease(backend, "crashed", clock).acquire("analyze")
    clock.now += TTL
    assert lease(backend, "worker-b", clock).current() is None
    lease(backend, "worker-b", clock).acquire("watch")
    assert LeaseRecord.parse(backend.store.read_state()[LEASE_KEY]).holder == "worker-b"  # type: ignore[union-attr]


def test_release_frees_only_our_own_lease(backend: Backend, clock: Clock) -> None:
    a, b = lease(backend, "worker-a", clock), lease(backend, "worker-b", clock)
    a.acquire("analyze")
    assert b.release_values() == {}
    backend.store.commit([SetState(a.release_values())])
    assert a.current() is None
    b.acquire("watch")
    assert b.current().holder == "worker-b"  # type: ignore[union-attr]


def test_unreadable_lease_cell_counts_as_free(backend: Backend, clock: Clock) -> None:
    backend.store.commit([SetState({LEASE_KEY: "held by Anna, do not touch"})])
    lease(backend, "worker-a", clock).acquire("analyze")
    assert lease(backend, "worker-a", clock).current() is not None


def test_read_back_sees_a_competitor_that_wrote_during_settle(backend: Backend, clock: Clock) -> None:
    """Both read 'free'; the competitor's write lands while we settle, so we back off (a workbook
    that does not exist yet has no file to lock: it settles too)."""
    competitor = lease(backend, "worker-b", clock)

    def competitor_writes(seconds: float) -> None:
        assert seconds == 0.25
        backend.store.commit([competitor.renewal("watch")])

    ours = Lease(backend.store, "worker-a", TTL, clock, settle=0.25, sleep=competitor_writes)
    with pytest.raises(LeaseBusy):
        ours.acquire("analyze")
    assert competitor.current().holder == "worker-b"  # type: ignore[union-attr]


def test_a_workbook_take_waits_for_another_process_take_then_sees_its_record(tmp_path: Path, clock: Clock) -> None:
    """Two gapbot processes on one workbook: the second take waits for the first's file lock,
    then reads the record the first wrote, with no settling."""
    path = tmp_path / "w.xlsx"
    WorkbookStore(path).commit([EnsureTab(HISTORY)])
    first, second = WorkbookStore(path), WorkbookStore(path)

    def no_settling(seconds: float) -> None:
        raise AssertionError("a workbook's take needs no settling")

    outcome: list[BaseException | None] = []

    def take() -> None:
        try:
            Lease(second, "worker-b", TTL, clock, settle=0.25, sleep=no_settling).acquire("watch")
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    with first.exclusive_take() as exclusive:  # the first process, in the middle of its take
        assert exclusive
        taker = threading.Thread(target=take)
        taker.start()
        taker.join(0.3)
        assert taker.is_alive()  # waiting for the first take
        first.commit([Lease(first, "worker-a", TTL, clock).renewal("analyze")])
    taker.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], LeaseBusy)
    Lease(first, "worker-a", TTL, clock, settle=0.25, sleep=no_settling).acquire("analyze")  # ours again


def test_leased_commit_renews_the_lease(backend: Backend, clock: Clock) -> None:
    mine = lease(backend, "worker-a", clock)
    mine.acquire("analyze")
    store = LeasedStore(backend.store, mine, "analyze")
    clock.now += timedelta(minutes=8)
    store.commit([EnsureTab(HISTORY)])
    assert mine.current() == LeaseRecord("worker-a", "analyze", clock.now + TTL)


def test_a_run_that_lost_its_lease_writes_nothing(backend: Backend, clock: Clock) -> None:
    mine = lease(backend, "worker-a", clock)
    mine.acquire("analyze")
    backend.store.commit([EnsureTab(HISTORY)])
    clock.now += TTL + timedelta(seconds=1)
    lease(backend, "worker-b", clock).acquire("watch")
    before = backend.store.read_tab(HISTORY.name)
    row = pd.DataFrame([{"When": "now", "Column": "analyze", "New value": "late", "Run": "r1"}])
    with pytest.raises(LeaseLost) as caught:
        LeasedStore(backend.store, mine, "analyze").commit([AppendRows(HISTORY, row)])
    assert "GAPBOT_LEASE_SECONDS" in caught.value.message
    pd.testing.assert_frame_equal(backend.store.read_tab(HISTORY.name), before)
    assert json.loads(backend.store.read_state()[LEASE_KEY])["holder"] == "worker-b"


def test_a_sheet_from_a_newer_gapbot_is_not_leased(backend: Backend, clock: Clock) -> None:
    backend.store.commit([EnsureTab(HISTORY)])
    backend.team_types("_gapbot_state", 2, 2, str(SCHEMA_VERSION + 1))
    assert backend.store.read_state()[SCHEMA_VERSION_KEY] == str(SCHEMA_VERSION + 1)
    with pytest.raises(StoreError, match="newer gapbot"):
        lease(backend, "worker-a", clock).acquire("analyze")
    assert backend.store.read_state()[SCHEMA_VERSION_KEY] == str(SCHEMA_VERSION + 1)
    assert LEASE_KEY not in backend.store.read_state()
