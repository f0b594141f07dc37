"""`gapbot watch`: one tick of the outcome watcher (the scheduler runs it every few minutes).

A tick that finds the sheet as it left it costs one `version()` call. Otherwise it reads the
team's cells of `Prospects`, compares them with the snapshot in the hidden state tab, appends
one `History` row per changed cell and stores the new snapshot. When an `Outcome` changed, it
also relearns the `Model` tab and refreshes Feasibility and Priority in place.

The worker keeps nothing between ticks that it needs to be correct: the snapshot and the
version it last read live in the state tab. A write changes the version, so a cursor written
into the sheet can never equal the version that follows the write that stored it; the store
remembers in memory the version its own last write produced (`Store.remembered_version`), which
lets the next idle tick skip with one call, also under the worker's lease writes. A fresh
process does one full read first.
"""

from __future__ import annotations

import pandas as pd

from bot.analysis.corrections import kept_judge_rows
from bot.errors import StoreError
from bot.learning.model import learn
from bot.learning.refresh import rescored, score_update, weights
from bot.learning.snapshot import Change, diff, from_state, initial_cells, state_entries, stored_parts, team_cells
from bot.settings import parse_settings
from bot.stores import AppendRows, ReplaceTab, SetState, Store, WriteOp
from sheets_schema import header_key
from sheets_schema.state_keys import WATCH_CURSOR_KEY
from sheets_schema.tabs import BATCHES, HISTORY, MODEL, PROSPECTS, SETTINGS

from .context import JobContext, JobResult


def history_rows(changes: list[Change], when: str, run_id: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "When": when,
            "Key": [c.key for c in changes],
            "Column": [c.column for c in changes],
            "Old value": [c.old for c in changes],
            "New value": [c.new for c in changes],
            "Run": run_id,
        },
        columns=HISTORY.names,
    )


def _idle(store: Store, version: str, reason: str) -> JobResult:
    store.remember_version(version)
    return JobResult("watch", reason, {"changes": 0})


def watch(ctx: JobContext) -> JobResult:
    store = ctx.store
    if store.unchanged_since_remembered():
        return JobResult("watch", "nothing changed", {"changes": 0})
    version = store.version()
    state = store.read_state()
    if state.get(WATCH_CURSOR_KEY) == version:
        return _idle(store, version, "nothing changed")

    prospects = store.read_tab(PROSPECTS.name)
    now = team_cells(prospects)
    problems: list[str] = []
    try:
        before = from_state(state)
    except StoreError as exc:
        before = None
        problems.append(f"{exc.message}; edits since the last tick were not logged")
    # The first tick records the team cells it finds (typed before gapbot watched); after a state
    # it could not read, it records nothing rather than every cell again.
    first_tick = before is None and not problems
    changes = diff(before or {}, now, initial_cells(prospects)) if before is not None or first_tick else []
    if before == now:
        return _idle(store, version, "no team edits")

    ops: list[WriteOp] = []
    when = f"{ctx.clock():%Y-%m-%d %H:%M}"
    if changes:
        ops.append(AppendRows(HISTORY, history_rows(changes, when, ctx.run_id)))
    outcome_changes = [c for c in changes if header_key(c.column) == header_key("Outcome")]
    # Outcomes typed before the first tick are not edits, but they are evidence worth learning from.
    first_outcomes = before is None and any(row.get("Outcome") for row in now.values())
    rescore_count = 0
    if (outcome_changes or first_outcomes) and prospects is not None:
        tabs = store.read_tabs([HISTORY.name, SETTINGS.name, BATCHES.name, MODEL.name])
        history = pd.concat([tabs.get(HISTORY.name), history_rows(changes, when, ctx.run_id)], ignore_index=True)
        settings = parse_settings(tabs.get(SETTINGS.name))
        model = learn(prospects, history, tabs.get(BATCHES.name), today=ctx.clock().date(), weights=weights(settings))
        moved = rescored(prospects, model, tabs.get(BATCHES.name))
        judge_line = kept_judge_rows(tabs.get(MODEL.name))
        table = pd.concat([model.table, judge_line], ignore_index=True) if len(judge_line) else model.table
        ops.append(ReplaceTab(MODEL, table))
        if not moved.empty:
            ops.append(score_update(moved))
        rescore_count = len(moved)
    snapshot = state_entries(now, store.max_cell_chars, stored_parts(state))
    ops.append(SetState({**snapshot, WATCH_CURSOR_KEY: version}))
    notes = store.commit(ops)
    store.remember_version(store.version())  # everything the sheet held was just read and answered

    counts = {"changes": len(changes), "outcome changes": len(outcome_changes), "prospects rescored": rescore_count}
    logged = (
        f"{len(changes)} team edit(s) logged to History"
        if before is not None
        else f"first snapshot of {len(now)} prospect(s) taken; edits are logged from now on"
    )
    relearned = f"; Model relearned, {rescore_count} prospect(s) rescored" if outcome_changes or first_outcomes else ""
    summary = logged + relearned
    return JobResult("watch", summary, counts, (*problems, *notes.notes))
