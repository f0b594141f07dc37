"""The same link reported by several tools or exports is one link that keeps every source."""

from __future__ import annotations

import pandas as pd

from bot.demo.export_writers import AHREFS_BACKLINKS, SEMRUSH_BACKLINKS, SEMRUSH_REFERRING_DOMAINS, Link
from bot.ingest import merge_link_tables, read_export_bytes
from bot.linktable import LINK_COLUMNS

SHARED = Link(
    "https://www.smallbizhub.org/tools?utm_source=x", "Tools", "Billhive", "https://billhive.com/", authority=47
)
AHREFS_ONLY = Link("https://uxdesignweekly.com/212", "Issue 212", "invoices", "https://billhive.com/templates")
SEMRUSH_ONLY = Link("https://medium.com/@jane/x", "Jane", "billhive", "https://billhive.com/", nofollow=True)


def read(name: str, data: bytes) -> pd.DataFrame:
    links, report = read_export_bytes(name, data)
    assert not report.problem
    return links


def test_same_link_from_two_tools_is_one_row_with_both_sources() -> None:
    ahrefs = read("billhive.com-ahrefs.csv", AHREFS_BACKLINKS.write([SHARED, AHREFS_ONLY]))
    # Semrush writes the bare host and no tracking parameter: still the same page
    semrush_shared = Link("http://smallbizhub.org/tools", "Tools", "Billhive", "https://www.billhive.com", authority=40)
    semrush = read("billhive.com-semrush.csv", SEMRUSH_BACKLINKS.write([semrush_shared, SEMRUSH_ONLY]))
    merged = merge_link_tables([ahrefs, semrush])
    assert list(merged.columns) == list(LINK_COLUMNS)
    assert len(merged) == 3
    rows = {r["source_key"]: r for r in merged.to_dict("records")}
    shared = rows["smallbizhub.org/tools"]
    assert shared["sources"] == "billhive.com-ahrefs.csv; billhive.com-semrush.csv"
    assert (shared["tool"], shared["authority_metric"], shared["authority"]) == ("Ahrefs", "Ahrefs DR", 47.0)
    assert shared["language"] == "en"  # only Ahrefs knows it
    assert rows["medium.com/@jane/x"]["sources"] == "billhive.com-semrush.csv"
    assert rows["uxdesignweekly.com/212"]["sources"] == "billhive.com-ahrefs.csv"


def test_domain_rows_merge_by_domain_and_stay_apart_from_pages() -> None:
    refdomains = Link("https://smallbizhub.org/", "", "", "")
    one = read("billhive.com-refdomains-a.csv", SEMRUSH_REFERRING_DOMAINS.write([refdomains]))
    two = read("billhive.com-refdomains-b.csv", SEMRUSH_REFERRING_DOMAINS.write([refdomains]))
    pages = read("billhive.com-semrush.csv", SEMRUSH_BACKLINKS.write([SHARED]))
    merged = merge_link_tables([one, two, pages])
    assert sorted(merged["level"]) == ["domain", "page"]
    domain_row = merged[merged["level"] == "domain"].iloc[0]
    assert domain_row["sources"] == "billhive.com-refdomains-a.csv; billhive.com-refdomains-b.csv"


def test_merging_nothing_or_one_table() -> None:
    assert merge_link_tables([]).empty
    ahrefs = read("billhive.com-ahrefs.csv", AHREFS_BACKLINKS.write([SHARED, SHARED]))
    merged = merge_link_tables([ahrefs])
    assert len(merged) == 1 and merged["sources"].iloc[0] == "billhive.com-ahrefs.csv"
