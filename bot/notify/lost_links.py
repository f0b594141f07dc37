"""Lost-link alerts: a won link that `verify-links` found missing on two checks in a row."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from sheets_schema.state_keys import LOST_LINKS_KEY
from sheets_schema.tabs import WON_LINKS

from .message import Message, Section
from .sheet import TabLinks, tab_link


def lost_link_alerts(state: Mapping[str, str], today: date, links: TabLinks) -> list[Message]:
    """One message per link the last verification reported lost (the outbox sends each once)."""
    try:
        lost = json.loads(state.get(LOST_LINKS_KEY) or "[]")
    except json.JSONDecodeError:
        return []
    return [
        Message(
            key=f"lost:{item['domain']}:{item['linking_page']}:{today.isoformat()}",
            kind="lost-link",
            title=f"Link lost: {item['domain']}",
            summary=f"The link to us on {item['linking_page']} was missing on two checks in a row.",
            sections=(Section("What gapbot saw", (str(item.get("detail", "")),), 0, tab_link(links, WON_LINKS.name)),),
        )
        for item in lost
        if item.get("domain") and item.get("linking_page")
    ]
