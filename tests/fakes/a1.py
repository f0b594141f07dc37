"""A1 notation as the Sheets API reads and writes it: parse, clip to the grid, normalise."""

from __future__ import annotations

import re
from dataclasses import dataclass

CELL = re.compile(r"^(?P<col>[A-Za-z]*)(?P<row>\d*)$")
# Titles Google writes without quotes in the ranges it returns (unless they read as a cell).
PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CELL_LIKE = re.compile(r"^[A-Za-z]{1,3}\d+$")


class RangeError(ValueError):
    """The range cannot be parsed (Google answers 400 "Unable to parse range")."""


@dataclass(frozen=True)
class A1:
    """A parsed range: sheet title (None = first sheet) and 0-based, end-exclusive bounds (None = open)."""

    title: str | None
    row0: int | None
    row1: int | None
    col0: int | None
    col1: int | None


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def split_title(text: str) -> tuple[str | None, str]:
    """('Sheet 1', 'A1:B2') from "'Sheet 1'!A1:B2"; a bare name is a whole sheet or a cell range."""
    if text.startswith("'"):
        i, chars = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    chars.append("'")
                    i += 2
                    continue
                break
            chars.append(text[i])
            i += 1
        rest = text[i + 1 :]
        if rest and not rest.startswith("!"):
            raise RangeError(text)
        return "".join(chars), rest[1:]
    if "!" in text:
        title, _, cells = text.rpartition("!")
        return title, cells
    return None, text


def parse(text: str, titles: list[str]) -> A1:
    title, cells = split_title(text)
    if title is None:
        if text in titles:
            return A1(text, None, None, None, None)
        if not cells:
            raise RangeError(text)
    if title is not None and not cells:
        return A1(title, None, None, None, None)
    start, _, end = cells.partition(":")
    m1, m2 = CELL.match(start), CELL.match(end or start)
    if not m1 or not m2 or not start or (cells.endswith(":")):
        raise RangeError(text)
    c0, r0 = m1["col"], m1["row"]
    c1, r1 = m2["col"], m2["row"]
    if not end and not (c0 and r0):
        raise RangeError(text)
    row0 = int(r0) - 1 if r0 else None
    row1 = int(r1) if r1 else None
    col0 = column_index(c0) if c0 else None
    col1 = column_index(c1) + 1 if c1 else None
    if (r0 and int(r0) == 0) or (r1 and int(r1) == 0):
        raise RangeError(text)
    if row0 is not None and row1 is not None and row1 <= row0:
        row0, row1 = row1 - 1, row0 + 1
    if col0 is not None and col1 is not None and col1 <= col0:
        col0, col1 = col1 - 1, col0 + 1
    return A1(title, row0, row1, col0, col1)


def quote(title: str) -> str:
    return title if PLAIN_TITLE.match(title) and not CELL_LIKE.match(title) else "'" + title.replace("'", "''") + "'"


def render(title: str, row0: int, row1: int, col0: int, col1: int) -> str:
    """Google's normalised form: `Sheet1!A1:B2`, a single cell as `Sheet1!A1`."""
    first = f"{column_letters(col0)}{row0 + 1}"
    last = f"{column_letters(col1 - 1)}{row1}"
    return f"{quote(title)}!{first}" if first == last else f"{quote(title)}!{first}:{last}"
