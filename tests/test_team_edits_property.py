"""Random sequences of analyze runs, team edits and watch ticks never lose or move a team cell.

The oracle is deliberately plain: a dict of the cells the team typed, per key, updated by each
action the way a person would expect, and the list of changes a watch tick should log (every
team cell that differs from the previous tick, the first tick recording what it finds; a key seen
for the first time is compared with what gapbot wrote into it, i.e. Next action = Suggested
action).
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.priority import combine_priority, learned_feasibility
from bot.learning import hand_added_rows, learn, prospect_multiplier, prospects_upsert
from jobs.context import JobContext
from jobs.watch import watch
from sheets_schema import header_key
from sheets_schema.tabs import PROSPECTS
from sheets_schema.vocabularies import LINK_TYPES, NEXT_ACTIONS, OUTCOMES
from tests.backends import BACKENDS, Backend

POOL = ["alpha.com", "bravo.org", "charlie.net", "delta.io", "echo.co.uk", "foxtrot.com"]
HAND_TYPED = [*POOL, "hotel.com", "india.org"]
TEAM_HEADERS = ["Call notes", "Budget", "Priority flag"]
VALUES = ["", " ", "Ana", "2026-11-20", "=1+1", "call back Tuesday", *OUTCOMES, *NEXT_ACTIONS]
BOT = {header_key(n) for n in PROSPECTS.bot_columns}
# Examples per backend: the workbook saves a real .xlsx on every step, so it gets fewer.
EXAMPLES = {"memory": 200, "workbook": 20}

Cells = dict[str, dict[str, str]]

analyze_action = st.tuples(
    st.just("analyze"),
    st.frozensets(st.sampled_from(POOL)),
    st.sampled_from(NEXT_ACTIONS),
    st.integers(0, 99),
)
actions = st.lists(
    st.one_of(
        analyze_action,
        st.tuples(st.just("edit"), st.integers(0, 99), st.integers(0, 99), st.sampled_from(VALUES)),
        st.tuples(st.just("sort"), st.integers(0, 99), st.booleans()),
        st.tuples(st.just("insert column"), st.integers(0, 99), st.sampled_from(TEAM_HEADERS)),
        st.tuples(st.just("delete column"), st.integers(0, 99)),
        st.tuples(st.just("add row"), st.sampled_from(HAND_TYPED), st.sampled_from(VALUES)),
        st.just(("watch",)),
    ),
    min_size=1,
    max_size=14,
)


def _blank(value: object) -> bool:
    return str(value).strip() == ""


class Oracle:
    def __init__(self) -> None:
        self.cells: Cells = {}
        self.suggested: dict[str, str] = {}
        self.snapshot: Cells | None = None
        self.history: list[tuple[str, str, str, str]] = []

    def type(self, key: str, column: str, value: str) -> None:
        row = self.cells.setdefault(key, {})
        row.pop(column, None)
        if not _blank(value):
            row[column] = value

    def analyzed(self, keys: list[str], suggested: str) -> None:
        for key in keys:
            row = self.cells.setdefault(key, {})
            if "Next action" not in row:
                row["Next action"] = suggested
            self.suggested[key] = suggested

    def deleted(self, column: str) -> None:
        for row in self.cells.values():
            row.pop(column, None)

    def tick(self) -> None:
        now = {k: dict(v) for k, v in self.cells.items()}
        before = self.snapshot or {}  # the first tick compares with nothing: it records what it finds
        for key, row in now.items():
            initial = {"Next action": self.suggested[key]} if key in self.suggested else {}
            was = before.get(key, initial)
            for column in {*row, *was}:
                if row.get(column, "") != was.get(column, ""):
                    self.history.append((key, column, was.get(column, ""), row.get(column, "")))
        self.snapshot = now


def sheet(backend: Backend) -> pd.DataFrame:
    frame = backend.store.read_tab(PROSPECTS.name)
    return frame if frame is not None else pd.DataFrame()


def team_cells_in(frame: pd.DataFrame) -> Cells:
    """Read independently of the code under test: every non-gapbot header, by key."""
    cells: Cells = {}
    team = [c for c in frame.columns if header_key(c) and header_key(c) not in BOT]
    for record in frame.to_dict("records"):
        key = str(record["Domain"]).strip()
        if key:
            assert key not in cells, f"key {key} appears twice"
            cells[key] = {c: str(record[c]) for c in team if not _blank(record[c])}
    return cells


def simple_analyze(backend: Backend, exported: frozenset[str], suggested: str, seed: int) -> list[str]:
    """An analyze run driven by a generated link table, written the way analyze writes Prospects."""
    store = backend.store
    existing = store.read_tab(PROSPECTS.name)
    found = sorted(exported)
    frame = pd.DataFrame(
        {
            "Domain": found,
            "Competitors linked": "rival.com",
            "Overlap": 1,
            "Link type": [LINK_TYPES[(seed + i) % 3] for i in range(len(found))],
        }
    )
    frame = pd.concat([frame, hand_added_rows(existing, found)], ignore_index=True)
    frame["Suggested action"] = suggested
    frame["Relevance"] = [(seed * 7 + i * 13) % 100 for i in range(len(frame))]
    frame["Value"] = [(seed * 3 + i * 29) % 100 for i in range(len(frame))]
    frame["Base feasibility"] = 50.0
    model = learn(existing if existing is not None else pd.DataFrame(), store.read_tab("History"))
    frame["Feasibility"] = learned_feasibility(frame["Base feasibility"], prospect_multiplier(frame, model.multipliers))
    frame["Priority"] = combine_priority(frame["Relevance"], frame["Feasibility"], frame["Value"], (0.4, 0.35, 0.25))
    store.commit([prospects_upsert(frame, sort_by="Priority")])
    return list(frame["Domain"])


def play(backend: Backend, steps: list[tuple[Any, ...]]) -> None:
    oracle = Oracle()
    for step in steps:
        kind = step[0]
        frame = sheet(backend)
        header = list(frame.columns)
        keys = [str(k).strip() for k in frame["Domain"]] if "Domain" in header else []
        team = [c for c in header if header_key(c) and header_key(c) not in BOT]
        if kind == "analyze":
            _, exported, suggested, seed = step
            oracle.analyzed(simple_analyze(backend, exported, suggested, seed), suggested)
        elif kind == "edit" and keys and team:
            _, row_pick, column_pick, value = step
            key, column = sorted(set(keys))[row_pick % len(set(keys))], team[column_pick % len(team)]
            backend.team_types(PROSPECTS.name, keys.index(key) + 2, header.index(column) + 1, value or None)
            oracle.type(key, column, value)
        elif kind == "sort" and header:
            backend.team_sorts(PROSPECTS.name, step[1] % len(header) + 1, descending=bool(step[2]))
        elif kind == "insert column" and header and step[2] not in header:
            at = step[1] % (len(header) + 1)
            rows = [header, *frame.to_numpy().tolist()]
            rows = [[*r[:at], step[2] if i == 0 else None, *r[at:]] for i, r in enumerate(rows)]
            backend.team_rewrites(PROSPECTS.name, [[v if v != "" else None for v in r] for r in rows])
        elif kind == "delete column" and team:
            column = team[step[1] % len(team)]
            at = header.index(column)
            rows = [[*r[:at], *r[at + 1 :]] for r in [header, *frame.to_numpy().tolist()]]
            backend.team_rewrites(PROSPECTS.name, [[v if v != "" else None for v in r] for r in rows])
            oracle.deleted(column)
        elif kind == "add row" and header and step[1] not in keys:
            _, key, value = step
            row = len(keys) + 2
            backend.team_types(PROSPECTS.name, row, header.index("Domain") + 1, key)
            if "Outcome" in header and not _blank(value):
                backend.team_types(PROSPECTS.name, row, header.index("Outcome") + 1, value)
                oracle.type(key, "Outcome", value)
            oracle.cells.setdefault(key, {})
        elif kind == "watch":
            watch(JobContext(store=backend.store))
            oracle.tick()
        assert team_cells_in(sheet(backend)) == oracle.cells, f"after {step}"
    logged = backend.store.read_tab("History")
    rows = [] if logged is None else list(logged[["Key", "Column", "Old value", "New value"]].itertuples(index=False))
    assert Counter(map(tuple, rows)) == Counter(oracle.history)


@pytest.mark.slow
@pytest.mark.parametrize("backend_name", sorted(BACKENDS))
def test_no_team_cell_is_lost_or_moved_and_history_is_exact(backend_name: str) -> None:
    examples = EXAMPLES.get(backend_name, 20)
    started = time.perf_counter()

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=actions)
    def run(steps: list[tuple[Any, ...]]) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            play(BACKENDS[backend_name](Path(tmp)), steps)

    run()
    print(f"{backend_name}: {examples} examples in {time.perf_counter() - started:.1f} s")
