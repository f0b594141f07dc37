"""The number of API calls of a run does not grow with the rows: only payload chunks of <= 2 MB do."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from bench.bench_sheets_calls import kind, measure
from bot.stores import AppendRows, EnsureTab, ReplaceTab, SetState, UpsertRows, WriteOp
from bot.stores.google_plan import MAX_REQUEST_BYTES
from sheets_schema import ALL_TABS
from sheets_schema.state_keys import LAST_ANALYSIS_KEY
from sheets_schema.tabs import HISTORY, IMPORTS, PROSPECTS
from tests.fakes.google import Call, FakeGoogle
from tests.fakes.team import google_store, team_client

# New rows ride in the final spreadsheets:batchUpdate, so it is chunked by bytes too.
CHUNKED = {"POST values:batchUpdate", "POST spreadsheets:batchUpdate"}


def fixed_part(calls: list[Call]) -> Counter[str]:
    return Counter(kind(c) for c in calls if kind(c) not in CHUNKED)


def assert_chunked_by_bytes(calls: list[Call]) -> None:
    chunked = [c for c in calls if kind(c) in CHUNKED]
    assert all(c.sent <= MAX_REQUEST_BYTES for c in calls)
    assert len(chunked) <= math.ceil(sum(c.sent for c in chunked) / (MAX_REQUEST_BYTES * 0.9)) + 4  # + one per tab


def prospects_frame(n: int, priority_shift: int = 0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Domain": [f"site{i:06d}-news.com" for i in range(n)],
            "Priority": [(i * 37 + priority_shift) % 100 for i in range(n)],
            "Page title": "=12 best invoicing tools",
            "Status": "New",
            "Next action": "Pitch existing page",
        }
    )


def analyze_commit(n: int, shift: int) -> list[WriteOp]:
    """The writes `analyze` commits, for `n` prospects."""
    imports = pd.DataFrame({"Export": [f"export-{i}.csv" for i in range(12)], "Rows read": 100})
    return [
        UpsertRows(PROSPECTS, prospects_frame(n, shift), mark_missing={"Status": "Gone"}, sort_by="Priority"),
        ReplaceTab(IMPORTS, imports),
        AppendRows(HISTORY, pd.DataFrame([{"When": "2026-11-23 10:00", "Column": "analyze"}])),
        SetState({LAST_ANALYSIS_KEY: "2026-11-23T10:00:00+00:00"}),
    ]


def store_runs(n: int) -> list[list[Call]]:
    """Calls of: init, a first commit of `n` prospects, and an update after the team typed outcomes."""
    fake = FakeGoogle()
    sid = fake.create_spreadsheet()
    store = google_store(fake, sid)
    runs = []
    for ops in ([EnsureTab(t) for t in ALL_TABS], analyze_commit(n, 0), analyze_commit(n, 11)):
        mark = len(fake.api_calls())
        store.commit(ops)
        runs.append(fake.api_calls()[mark:])
        team_client(fake).values_update(
            sid, "'Prospects'!W2", params={"valueInputOption": "RAW"}, body={"values": [["Sent"]]}
        )
    return runs


@pytest.mark.slow
def test_store_calls_for_50000_prospects_are_those_for_100_plus_payload_chunks() -> None:
    small, large = store_runs(100), store_runs(50_000)
    for few, many in zip(small, large, strict=True):
        assert fixed_part(many) == fixed_part(few)
        assert_chunked_by_bytes(many)
    assert sum(c.sent for c in large[1]) > 1.5 * MAX_REQUEST_BYTES  # the big run really needed several chunks


@pytest.mark.slow
def test_analyze_makes_the_same_calls_on_a_small_and_a_larger_market() -> None:
    small, large = measure(100), measure(3_000)
    for (label, few), (_, many) in zip(small, large, strict=True):
        assert fixed_part(few) == fixed_part(many), label
        # Only the bytes may add chunks to the chunked writes (a replaced tab that outgrows its grid
        # included: its rows past the grid go with the final request, or a structure request goes first).
        extra = [c for c in many if kind(c) in CHUNKED]
        assert all(c.sent <= MAX_REQUEST_BYTES for c in many)
        assert len(extra) - sum(kind(c) in CHUNKED for c in few) - 1 <= math.ceil(
            sum(c.sent for c in extra) / (MAX_REQUEST_BYTES * 0.9)
        ), label


#: Calls of one `analyze` through the runner, payload chunks aside.
ANALYZE_CALLS = 11


@pytest.mark.slow
def test_an_analyze_run_stays_within_its_call_budget_and_an_idle_watch_is_one_call() -> None:
    runs = dict(measure(100))
    for label in ("first analyze", "second analyze"):
        assert len(runs[label]) <= ANALYZE_CALLS  # 100 prospects: no payload needs a second chunk
    assert len(runs["idle watch, new process"]) == 1
