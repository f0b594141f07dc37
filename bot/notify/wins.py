"""Win alerts: a message when a prospect's outcome becomes `Published / linked`, once per prospect."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pandas as pd

from sheets_schema import header_key
from sheets_schema.state_keys import WINS_KEY
from sheets_schema.tabs import PROSPECTS

from .message import Message, Section
from .outcomes import WON
from .sheet import TabLinks, tab_link


def _win_message(row: pd.Series, links: TabLinks) -> Message:
    who = row["Owner"] or "The team"
    details = [
        f"{label}: {row[column]}"
        for label, column in (
            ("Linking page", "Best linking page"),
            ("Link type", "Link type"),
            ("Also links to", "Competitors linked"),
            ("Batch", "Batch"),
            ("Notes", "Notes"),
        )
        if row[column]
    ]
    return Message(
        key=f"win:{row['Domain']}",
        kind="win",
        title=f"Link won: {row['Domain']}",
        summary=f"{who} won a link from {row['Domain']} ({row['Link type'] or 'link'}).",
        sections=(Section("Details", tuple(details), 0, tab_link(links, PROSPECTS.name)),),
    )


def win_alerts(
    prospects: pd.DataFrame, state: Mapping[str, str], links: TabLinks
) -> tuple[list[Message], dict[str, str]]:
    """New wins in `prospects` (the Prospects tab by schema) as messages, and the state entry that remembers them.

    The first time a sheet is watched, wins already there are remembered without alerts: they
    did not just happen.
    """
    won = prospects[(prospects["Domain"] != "") & (prospects["Outcome"].map(header_key) == header_key(WON))]
    keys = list(dict.fromkeys(won["Domain"]))
    if not state.get(WINS_KEY):
        return [], {WINS_KEY: json.dumps(sorted(keys))}
    announced = set(json.loads(state[WINS_KEY]))
    new = won[~won["Domain"].isin(announced)].drop_duplicates("Domain")
    if new.empty:
        return [], {}
    messages = [_win_message(row, links) for _, row in new.iterrows()]
    return messages, {WINS_KEY: json.dumps(sorted(announced | set(new["Domain"])))}
