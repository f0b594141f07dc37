"""How an analysis run merges into `Prospects` without losing anything the team typed.

analyze calls these two pieces:

    existing = store.read_tab("Prospects")
    extra = hand_added_rows(existing, found=prospects["Domain"])   # score these like the others
    prospects = pd.concat([prospects, extra])                     # ...then compute the scores
    store.commit([prospects_upsert(prospects, sort_by="Priority"), ...])

`prospects_upsert` keeps every team cell of an existing row, even a blank one, marks rows no
export shows any more as `Gone`, and appends new keys with `Next action` set to the suggested
action (the `Suggested action` column keeps the current suggestion for every row). The store
reports duplicate keys typed by the team and recreates renamed or deleted gapbot headers at the
end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pandas as pd

from bot.inputs import pick
from bot.stores import UpsertRows
from sheets_schema import header_key
from sheets_schema.tabs import PROSPECTS
from sheets_schema.vocabularies import NEXT_ACTIONS, OUTCOMES

HAND_ADDED_WHY = "Added by the team; no competitor link to it in the exports"


def hand_added_keys(existing: pd.DataFrame | None) -> list[str]:
    """Keys the team typed into `Prospects` itself, in sheet order.

    gapbot lists a prospect only with the competitors it links to, so a keyed row whose
    `Competitors linked` is blank was added by hand (whether or not gapbot has scored it since).
    """
    rows = pick(existing, ["Domain", "Competitors linked"])
    picked = rows[(rows["Domain"] != "") & (rows["Competitors linked"] == "")]
    return list(dict.fromkeys(picked["Domain"]))


def hand_added_rows(existing: pd.DataFrame | None, found: Iterable[str]) -> pd.DataFrame:
    """Prospects rows for hand-added keys the exports do not show, to be scored and kept `Active`.

    A hand-added key that the exports do show is left out: the export row describes it better.
    """
    found_keys = {str(k).strip() for k in found}
    keys = [k for k in hand_added_keys(existing) if k not in found_keys]
    return pd.DataFrame({"Domain": keys, "Overlap": 0, "Why": HAND_ADDED_WHY, "Status": "Active"})


def hand_typed_duplicates(
    existing: pd.DataFrame | None, found: Iterable[str], normalise: Callable[[str], str]
) -> list[str]:
    """A line for each key the team typed in another spelling of a prospect gapbot lists itself
    (`KENT-UNI.AC.UK`, `https://www.Smallbizhub.org/x`): two rows for one site, said, not merged."""
    found_keys = {str(k).strip() for k in found}
    rows = pick(existing, ["Domain", "Competitors linked"])
    notes = []
    for row, key in zip(rows.index + 2, rows["Domain"].astype(str).str.strip(), strict=True):
        if not key or key in found_keys:  # gapbot's own spelling (nearly every row): nothing to say
            continue
        written = normalise(key)
        if written and written != key and written in found_keys:
            notes.append(
                f"Prospects row {row}: {key!r} is {written} as gapbot writes it, which has its own row: "
                "move your cells to that row and delete this one"
            )
    return notes


#: The dropdown columns the team types in, their lists, and what an entry off the list costs.
_DROPDOWNS = (
    ("Outcome", OUTCOMES, "they are kept as typed, but not counted as results"),
    ("Next action", NEXT_ACTIONS, "they are kept as typed"),
)


def off_list_entries(existing: pd.DataFrame | None, shown: int = 3) -> list[str]:
    """A line per dropdown column of `Prospects` where the team typed something not on its list
    (`won`, `maybe later`): a value that only differs in case or spacing is on it."""
    notes = []
    for column, allowed, cost in _DROPDOWNS:
        keys = {header_key(value) for value in allowed}
        cells = pick(existing, [column])[column].astype(str).str.strip()
        off = cells[(cells != "") & ~cells.map(header_key).isin(keys)]
        if off.empty:
            continue
        examples = ", ".join(f"{value!r} on row {row + 2}" for row, value in off.head(shown).items())
        more = f" and {len(off) - shown} more" if len(off) > shown else ""
        notes.append(
            f"Prospects, column {column}: {len(off)} entr{'y is' if len(off) == 1 else 'ies are'} not on the "
            f"dropdown's list ({examples}{more}); {cost} — choose one of: {', '.join(allowed)}"
        )
    return notes


def prospects_upsert(prospects: pd.DataFrame, sort_by: str | None = "Priority") -> UpsertRows:
    """The write of a run's prospects: team cells kept, a new row's Next action the suggested action."""
    frame = prospects.copy()
    if "Suggested action" in frame.columns:
        frame["Next action"] = frame["Suggested action"]
    return UpsertRows(
        PROSPECTS,
        frame,
        mark_missing={"Status": "Gone"},
        sort_by=sort_by,
    )
