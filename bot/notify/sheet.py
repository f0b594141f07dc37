"""gapbot's tabs as messages see them: columns by schema name, numbers and dates parsed, links to tabs."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from bot.inputs import by_schema
from sheets_schema import TabSchema

from .message import Link

#: Where a person opens a tab, by tab name (a store's `tab_link`).
TabLinks = Callable[[str], str]


def schema_tabs(tabs: Mapping[str, pd.DataFrame | None], *schemas: TabSchema) -> dict[str, pd.DataFrame]:
    """Each tab with exactly its schema's columns (blank where absent), whole-blank rows dropped."""
    out: dict[str, pd.DataFrame] = {}
    for schema in schemas:
        frame = by_schema(tabs.get(schema.name), schema)
        out[schema.name] = frame[(frame != "").any(axis=1)].reset_index(drop=True)
    return out


def numbers(series: pd.Series) -> pd.Series:
    """Numbers as typed in the sheet: `42`, `4,2`, `12%` (as 0.12); anything else is NaN."""
    text = series.astype(str).str.strip()
    percent = text.str.endswith("%")
    values = pd.to_numeric(text.str.rstrip("%").str.replace(",", ".", regex=False), errors="coerce")
    return values.where(~percent, values / 100)


def rate(text: str) -> float:
    """A rate typed as `10%`, `0.1` or `10` (a number above 1 is taken as a percentage)."""
    value = float(numbers(pd.Series([text])).iloc[0])
    return value / 100 if value > 1 else value


def timestamps(series: pd.Series) -> pd.Series:
    """Dates and date-times as typed or written by gapbot; unreadable ones are NaT (UTC)."""
    return pd.to_datetime(series.astype(str).str.strip(), errors="coerce", utc=True, format="mixed")


def tab_link(links: TabLinks, tab: str) -> Link:
    return Link(f"{tab} tab", links(tab))
