"""Prospect rows the team deletes stay deleted, until the team types the key into Prospects again.

How a deletion is seen: every analysis remembers in the state tab each key the Prospects tab holds
after its write (`PROSPECT_KEYS_KEY`). On the next analysis, a remembered key the tab no longer
holds was deleted by the team: it joins `DELETED_PROSPECTS_KEY` and is not listed again (no row,
not in Links or Batches). A key typed back into Prospects, in any spelling gapbot writes as that
key, is listed again on that run.

Only a Prospects tab read completely counts. A tab that is missing, lost its key column or holds
no key at all says nothing about single rows (a tab emptied or renamed as a whole is a reset or an
accident, not the deletion of every prospect), so no row counts as deleted and its prospects come
back. Deletions are seen from the second analysis that remembers keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from bot.inputs import pick
from bot.stores import state_parts
from sheets_schema.state_keys import DELETED_PROSPECTS_KEY, PROSPECT_KEYS_KEY
from sheets_schema.tabs import PROSPECTS

FIX = "leave the hidden state tab to gapbot; delete its prospects.* rows to forget which prospects were deleted"
SHOWN = 5  # keys named in a note; the rest are counted


@dataclass(frozen=True)
class Deletions:
    #: Every key this run leaves out of Prospects.
    keys: frozenset[str]
    #: Keys the team deleted since the last analysis.
    new: tuple[str, ...] = ()
    #: Deleted keys the team typed back since the last analysis.
    back: tuple[str, ...] = ()

    def notes(self) -> list[str]:
        notes = []
        if self.new:
            notes.append(
                f"Prospects: {len(self.new)} row(s) you deleted stay deleted and are not listed again "
                f"({_named(self.new)}); type a key into Prospects again to bring it back"
            )
        if self.back:
            notes.append(f"Prospects: {_named(self.back)} typed in again after being deleted: listed again")
        return notes


def _named(keys: tuple[str, ...]) -> str:
    more = f" and {len(keys) - SHOWN} more" if len(keys) > SHOWN else ""
    return ", ".join(keys[:SHOWN]) + more


def tab_keys(existing: pd.DataFrame | None) -> list[str]:
    """The keys the Prospects tab holds, as typed (stripped), in sheet order."""
    keys = pick(existing, [PROSPECTS.key or "Domain"]).iloc[:, 0]
    return list(dict.fromkeys(k for k in keys if k))


def find_deletions(
    existing: pd.DataFrame | None, state: Mapping[str, str], normalise: Callable[[str], str]
) -> Deletions:
    """Which prospects stay out of this run: those deleted before, and those deleted since the last run."""
    typed = tab_keys(existing)
    before = set(state_parts.read_parts(state, DELETED_PROSPECTS_KEY, "the deleted prospects", FIX) or [])
    if not typed:  # not a tab read completely (see the module's docstring)
        return Deletions(frozenset(before))
    remembered = state_parts.read_parts(state, PROSPECT_KEYS_KEY, "the prospect keys", FIX) or []
    present = set(typed)
    # another spelling of a key counts as the key: worked out only when some key is not there as written
    if before - present or any(k not in present for k in remembered):
        present |= {normalise(k) for k in typed}
    new = tuple(k for k in remembered if k not in present and k not in before)
    back = tuple(sorted(before & present))
    return Deletions(frozenset((before | set(new)) - present), new, back)


def deletion_state(
    existing: pd.DataFrame | None,
    listed: Iterable[str],
    deletions: Deletions,
    state: Mapping[str, str],
    part_chars: int,
) -> dict[str, str]:
    """State entries for the next run: the keys the tab holds after this write, and the deleted keys."""
    keys = list(dict.fromkeys([*tab_keys(existing), *(str(k).strip() for k in listed)]))
    deleted = sorted(deletions.keys)
    return {
        **state_parts.part_entries(
            PROSPECT_KEYS_KEY, keys, part_chars, state_parts.stored_parts(state, PROSPECT_KEYS_KEY)
        ),
        **state_parts.part_entries(
            DELETED_PROSPECTS_KEY, deleted, part_chars, state_parts.stored_parts(state, DELETED_PROSPECTS_KEY)
        ),
    }
