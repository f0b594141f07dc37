"""The same link seen by several tools or exports becomes one row that keeps every source."""

from __future__ import annotations

import pandas as pd

from bot.linktable import conform, empty_link_table

SOURCE_SEPARATOR = "; "


def link_identity(links: pd.DataFrame) -> pd.DataFrame:
    """What makes two rows the same link: level, linking page (or domain), and target page (or domain)."""
    page = links["level"].fillna("page") != "domain"
    source = links["source_key"].fillna("").where(page, links["source_domain"].fillna(""))
    target_key = links["target_key"].fillna("")
    target = target_key.where(target_key != "", links["target_domain"].fillna(""))
    return pd.DataFrame({"level": links["level"].fillna("page"), "source": source, "target": target})


def merge_link_tables(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per distinct link across all tables.

    Each column takes the first value an export gave (NA where the export lacks that column), in table
    order, so put the richest export first;
    `sources` lists every export the link was seen in.
    """
    non_empty = [conform(t) for t in tables if not t.empty]
    if not non_empty:
        return empty_link_table()
    links = pd.concat(non_empty, ignore_index=True)
    links["sources"] = links["sources"].fillna(links["export"])
    identity = link_identity(links)
    duplicated = identity.duplicated(keep=False)
    if not duplicated.any():
        return links
    single = links[~duplicated]
    repeated = links[duplicated]
    groups = [identity.loc[duplicated, c] for c in identity.columns]
    merged = repeated.groupby(groups, sort=False, dropna=False).first()
    merged["sources"] = (
        repeated["sources"]
        .str.split(SOURCE_SEPARATOR)
        .groupby(groups, sort=False, dropna=False)
        .agg(lambda lists: SOURCE_SEPARATOR.join(dict.fromkeys(s for one in lists for s in one)))
    )
    return conform(pd.concat([single, merged.reset_index(drop=True)], ignore_index=True))
