"""The team's cells of `Prospects`, as a snapshot the watch can diff and keep in the state tab.

A snapshot maps each prospect key to the values of the columns the team owns: the declared
team columns and any column the team added. Rows are found by key, never by position, so
sorting, filtering and inserted columns change nothing; a second row with the same key is
tracked on its own as "key #2".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from bot.stores import state_parts
from sheets_schema import header_key
from sheets_schema.state_keys import WATCH_SNAPSHOT_KEY
from sheets_schema.tabs import PROSPECTS

# key -> column -> value; blank values are left out
TeamCells = dict[str, dict[str, str]]

SNAPSHOT_FIX = "leave the hidden state tab to gapbot; the next watch takes a fresh snapshot"

_BOT_COLUMNS = {header_key(n) for n in PROSPECTS.bot_columns}
_SCHEMA_NAMES = {header_key(n): n for n in PROSPECTS.names}
_SUGGESTED, _NEXT_ACTION = "Suggested action", "Next action"


@dataclass(frozen=True)
class Change:
    key: str
    column: str
    old: str
    new: str


def team_column_names(frame: pd.DataFrame) -> dict[str, str]:
    """Header as typed -> column name tracked, for every column gapbot does not own.

    Declared columns keep their declared spelling; a column the team added keeps its header
    (spaces tidied). A header that appears twice is tracked once, at its first position.
    """
    names: dict[str, str] = {}
    seen: set[str] = set()
    for header in frame.columns:
        key = header_key(header)
        if not key or key in _BOT_COLUMNS or key in seen:
            continue
        seen.add(key)
        names[header] = _SCHEMA_NAMES.get(key, " ".join(str(header).split()))
    return names


def team_cells(frame: pd.DataFrame | None) -> TeamCells:
    """The team's non-blank cells of a Prospects tab (as read: strings, header = columns), by key."""
    if frame is None or frame.empty:
        return {}
    key_column = _find(frame, PROSPECTS.key or "Domain")
    if key_column is None:
        return {}
    columns = team_column_names(frame)
    positions = [list(frame.columns).index(h) for h in columns]
    names = list(columns.values())
    cells: TeamCells = {}
    occurrences: dict[str, int] = {}
    for key, values in zip(
        frame.iloc[:, list(frame.columns).index(key_column)], frame.itertuples(index=False, name=None), strict=True
    ):
        key = str(key).strip()
        if not key:
            continue
        occurrences[key] = occurrences.get(key, 0) + 1
        tracked = key if occurrences[key] == 1 else f"{key} #{occurrences[key]}"
        cells[tracked] = {n: str(values[p]) for n, p in zip(names, positions, strict=True) if str(values[p]).strip()}
    return cells


def initial_cells(frame: pd.DataFrame | None) -> TeamCells:
    """What gapbot itself put in the team's cells of each row: Next action = Suggested action.

    A key the watch sees for the first time is compared with this, so a prospect gapbot just
    listed does not log its suggested action as a team edit, while anything else typed does.
    """
    if frame is None or frame.empty:
        return {}
    key_column, suggested = _find(frame, PROSPECTS.key or "Domain"), _find(frame, _SUGGESTED)
    if key_column is None or suggested is None:
        return {}
    return {
        str(k).strip(): {_NEXT_ACTION: str(s)}
        for k, s in zip(frame[key_column], frame[suggested], strict=True)
        if str(k).strip() and str(s).strip()
    }


def diff(before: Mapping[str, Mapping[str, str]], after: TeamCells, initial: TeamCells) -> list[Change]:
    """Every team cell whose value differs, in sheet order; a row that vanished clears its cells."""
    changes: list[Change] = []
    for key, now in after.items():
        was = before[key] if key in before else initial.get(key, {})
        changes.extend(_row_changes(key, was, now))
    for key, was in before.items():
        if key not in after:
            changes.extend(_row_changes(key, was, {}))
    return changes


def _row_changes(key: str, was: Mapping[str, str], now: Mapping[str, str]) -> list[Change]:
    columns = [*now, *(c for c in was if c not in now)]
    return [Change(key, c, was.get(c, ""), now.get(c, "")) for c in columns if was.get(c, "") != now.get(c, "")]


def _payload(cells: TeamCells) -> dict[str, Any]:
    """The snapshot as compact JSON: column names once, each key's values by column position."""
    columns = list(dict.fromkeys(c for row in cells.values() for c in row))
    position = {c: i for i, c in enumerate(columns)}
    rows = {}
    for key, row in cells.items():
        values = [""] * (max((position[c] for c in row), default=-1) + 1)
        for column, value in row.items():
            values[position[column]] = value
        rows[key] = values
    return {"c": columns, "r": rows}


def _cells(data: Mapping[str, Any] | None) -> TeamCells:
    if not data:
        return {}
    columns = data["c"]
    return {key: {columns[i]: v for i, v in enumerate(values) if v} for key, values in data["r"].items()}


def encode(cells: TeamCells, part_chars: int) -> list[str]:
    """The snapshot as state-tab cells of at most `part_chars` characters each."""
    return state_parts.encode(_payload(cells), part_chars)


def decode(parts: list[str]) -> TeamCells:
    return _cells(state_parts.decode(parts))


def state_entries(cells: TeamCells, part_chars: int, previous_parts: int) -> dict[str, str]:
    """State-tab entries holding the snapshot; parts left over from a longer one are emptied."""
    return state_parts.part_entries(WATCH_SNAPSHOT_KEY, _payload(cells), part_chars, previous_parts)


def stored_parts(state: Mapping[str, str]) -> int:
    return state_parts.stored_parts(state, WATCH_SNAPSHOT_KEY)


def from_state(state: Mapping[str, str]) -> TeamCells | None:
    """The snapshot kept in the state tab, or None before the first watch."""
    if WATCH_SNAPSHOT_KEY not in state:
        return None
    data = state_parts.read_parts(state, WATCH_SNAPSHOT_KEY, "the watch snapshot", SNAPSHOT_FIX)
    try:
        return _cells(data)
    except (KeyError, TypeError, IndexError, AttributeError) as exc:  # well-formed JSON of another shape
        raise state_parts.damaged(WATCH_SNAPSHOT_KEY, "the watch snapshot", SNAPSHOT_FIX, exc) from exc


def _find(frame: pd.DataFrame, name: str) -> str | None:
    wanted = header_key(name)
    return next((c for c in frame.columns if header_key(c) == wanted), None)
