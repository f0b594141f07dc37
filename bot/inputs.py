"""Reading the team's input tabs into clean, typed frames."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema import TabSchema, header_key, is_raw_tab
from sheets_schema.tabs import COMPETITORS, RULES, SERP, SETTINGS, TARGETS

from .settings import Settings, parse_settings
from .stores import Store
from .urls import domain_of, host_display


@dataclass
class Inputs:
    settings: Settings
    competitors: pd.DataFrame  # domain (key), display, group, topic, active
    targets: pd.DataFrame  # url, domain, topic, keywords, asset_type, active
    rules: pd.DataFrame  # as typed, columns by schema name
    serp: pd.DataFrame
    raw_tabs: dict[str, pd.DataFrame]
    problems: list[str] = field(default_factory=list)
    also: dict[str, pd.DataFrame] = field(default_factory=dict)


def pick(frame: pd.DataFrame | None, names: Iterable[str]) -> pd.DataFrame:
    """Just these columns, stripped text, found case- and space-insensitively; absent ones are blank.

    The first column with a matching header wins, as in the stores (a team may type a header
    twice). Built in one go, so it stays cheap on the watch's hot path.
    """
    wanted = list(names)
    if frame is None:
        return pd.DataFrame({n: pd.Series(dtype=object) for n in wanted})
    position: dict[str, int] = {}
    for i, column in enumerate(frame.columns):
        position.setdefault(header_key(column), i)
    data = {n: _stripped(frame.iloc[:, position[header_key(n)]]) if header_key(n) in position else "" for n in wanted}
    return pd.DataFrame(data, index=frame.index)


def _stripped(column: pd.Series) -> pd.Series:
    """`column.astype(str).str.strip()` in one pass: nearly every cell read is text already."""
    values = [v.strip() if type(v) is str else str(v).strip() for v in column.tolist()]
    return pd.Series(values, index=column.index, dtype=object)


def by_schema(frame: pd.DataFrame | None, schema: TabSchema) -> pd.DataFrame:
    """The schema's columns of a team tab, found by header text; absent ones are blank."""
    return pick(frame, schema.names)


def _active(series: pd.Series) -> pd.Series:
    return ~series.str.strip().str.lower().isin({"no", "n", "false", "0", "inactive"})


def parse_competitors(frame: pd.DataFrame | None, problems: list[str]) -> pd.DataFrame:
    rows = by_schema(frame, COMPETITORS)
    rows = rows[rows["Domain"] != ""]
    domains = rows["Domain"].map(domain_of)
    for row_number, (typed, key) in zip(rows.index + 2, zip(rows["Domain"], domains, strict=True), strict=True):
        if not key:
            problems.append(f"Competitors row {row_number}, column Domain: {typed!r} is not a domain; row skipped")
    out = pd.DataFrame(
        {
            "domain": domains,
            "display": domains.map(host_display),
            "group": rows["Group"].where(rows["Group"] != "", "Direct SERP competitor"),
            "topic": rows["Topic"],
            "active": _active(rows["Active"]),
        }
    )
    return out[out["domain"] != ""].drop_duplicates("domain").reset_index(drop=True)


def parse_targets(frame: pd.DataFrame | None) -> pd.DataFrame:
    rows = by_schema(frame, TARGETS)
    rows = rows[rows["Target URL"] != ""]
    return pd.DataFrame(
        {
            "url": rows["Target URL"],
            "domain": rows["Target URL"].map(domain_of),
            "topic": rows["Topic"],
            "keywords": rows["Keywords"],
            "asset_type": rows["Asset type"],
            "active": _active(rows["Active"]),
        }
    ).reset_index(drop=True)


def input_tab_names(tab_names: Iterable[str], also: Iterable[str] = ()) -> list[str]:
    """The tabs `read_inputs` reads, given the sheet's tab names."""
    raw_names = [n for n in tab_names if is_raw_tab(n)]
    return [SETTINGS.name, COMPETITORS.name, TARGETS.name, RULES.name, SERP.name, *raw_names, *also]


def read_inputs(store: Store, also: Iterable[str] = ()) -> Inputs:
    """The team's input tabs; tabs named in `also` are read in the same request (into `Inputs.also`)."""
    extra = list(also)
    tabs = store.read_tabs(input_tab_names(store.tab_names(), extra))
    raw_names = [n for n in tabs if is_raw_tab(n)]
    settings = parse_settings(tabs.get(SETTINGS.name))
    problems = list(settings.problems)
    competitors = parse_competitors(tabs.get(COMPETITORS.name), problems)
    return Inputs(
        settings=settings,
        competitors=competitors,
        targets=parse_targets(tabs.get(TARGETS.name)),
        rules=by_schema(tabs.get(RULES.name), RULES),
        serp=by_schema(tabs.get(SERP.name), SERP),
        raw_tabs={n: tabs[n] for n in raw_names},
        problems=problems,
        also={n: tabs[n] for n in extra if n in tabs},
    )
