"""A large JSON value kept in the hidden state tab, split across as many cells as it needs.

One state entry holds the number of parts; the parts are `<key>.1`, `<key>.2`, ... Each part is
zlib-compressed JSON in base64 behind a tag, which also keeps a part from looking like a formula,
and stays under the store's limit per cell (50,000 characters in Google Sheets).
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from typing import Any

from bot.errors import StoreError
from sheets_schema import STATE_TAB

ENCODING_TAG = "z1:"
PART_MARGIN = 64


def encode(value: Any, part_chars: int) -> list[str]:
    """`value` as state-tab cells of at most `part_chars` characters each."""
    payload = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = base64.b64encode(zlib.compress(payload.encode("utf-8"), 9)).decode("ascii")
    size = max(1, part_chars - PART_MARGIN)
    return [ENCODING_TAG + text[i : i + size] for i in range(0, len(text), size)] or [ENCODING_TAG]


def decode(parts: list[str]) -> Any:
    """The value `encode` split into `parts` (None for no parts)."""
    text = "".join(p.removeprefix(ENCODING_TAG) for p in parts)
    return json.loads(zlib.decompress(base64.b64decode(text)).decode("utf-8")) if text else None


def part_entries(key: str, value: Any, part_chars: int, previous_parts: int) -> dict[str, str]:
    """State entries holding `value` under `key`; parts left over from a longer value are emptied."""
    parts = encode(value, part_chars)
    entries = {f"{key}.{i}": part for i, part in enumerate(parts, start=1)}
    entries |= {f"{key}.{i}": "" for i in range(len(parts) + 1, previous_parts + 1)}
    return {key: str(len(parts)), **entries}


def stored_parts(state: Mapping[str, str], key: str) -> int:
    count = state.get(key, "")
    return int(count) if count.isdigit() else 0


def read_parts(state: Mapping[str, str], key: str, what: str, fix: str) -> Any:
    """The value kept under `key` (`what` names it for a person), or None when there is none;
    `fix` says what to do if it is damaged."""
    if key not in state:
        return None
    try:
        return decode([state.get(f"{key}.{i}", "") for i in range(1, stored_parts(state, key) + 1)])
    except (ValueError, zlib.error) as exc:  # binascii.Error and JSON errors are ValueErrors
        raise damaged(key, what, fix, exc) from exc


def damaged(key: str, what: str, fix: str, exc: Exception) -> StoreError:
    return StoreError(
        f"{what} cannot be read ({type(exc).__name__})", where=f"hidden tab {STATE_TAB!r}, keys {key}*", fix=fix
    )
