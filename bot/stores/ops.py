"""Write operations a job hands to a store, all at once, in one `Store.commit`.

Staging every write and applying them together is what keeps a run from leaving a
half-written sheet: a job computes everything first, then commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema import TabSchema


@dataclass(frozen=True)
class EnsureTab:
    """Create the tab with its header (and example rows) if missing; add missing columns at the end.

    Never changes a cell that already holds something.
    """

    schema: TabSchema


@dataclass(frozen=True)
class ReplaceTab:
    """Overwrite a gapbot-only tab with `frame` (columns named as in the schema)."""

    schema: TabSchema
    frame: pd.DataFrame


@dataclass(frozen=True)
class UpsertRows:
    """Merge rows into a keyed tab the team also writes in (e.g. `Prospects`).

    Existing keys get only gapbot's columns updated; new keys are appended with every column
    given (team columns only as initial values: from then on they are the team's, even when
    blank, since Google has no conditional write to fill a blank cell safely while people type);
    existing keys absent from `frame` get `mark_missing` (e.g. Status = Gone). Rows are then
    ordered by `sort_by`, descending, moving the team's cells with their rows. With `add_new`
    false, keys not already in the tab are left out instead of appended (in-place refreshes).
    """

    schema: TabSchema
    frame: pd.DataFrame
    mark_missing: Mapping[str, str] = field(default_factory=dict)
    sort_by: str | None = None
    add_new: bool = True


@dataclass(frozen=True)
class AppendRows:
    """Append rows to a log tab (e.g. `History`); nothing existing is touched."""

    schema: TabSchema
    frame: pd.DataFrame


@dataclass(frozen=True)
class SetState:
    """Set entries of the hidden state tab (other entries are kept)."""

    values: Mapping[str, str]


WriteOp = EnsureTab | ReplaceTab | UpsertRows | AppendRows | SetState
