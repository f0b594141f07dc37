"""Columns of a tab as read, found by header text."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from sheets_schema import header_key


def pick(frame: pd.DataFrame | None, names: Iterable[str]) -> pd.DataFrame:
    """Just these columns, stripped text, found case- and space-insensitively; absent ones are blank.

    The first column with a matching header wins, as in the stores. Built in one go, so it
    stays cheap on the watch's hot path.
    """
    wanted = list(names)
    if frame is None:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in wanted})
    position: dict[str, int] = {}
    for i, column in enumerate(frame.columns):
        position.setdefault(header_key(column), i)
    data = {
        n: frame.iloc[:, position[header_key(n)]].astype(str).str.strip() if header_key(n) in position else ""
        for n in wanted
    }
    return pd.DataFrame(data, index=frame.index)
