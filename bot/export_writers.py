"""Write links in the exact file formats the tools produce.

Used by `gapbot demo` and the benchmark generator. Header rows are copied from real exports
(the tools' own column names); the rows are ours.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

AHREFS_BACKLINKS_HEADER = (
    "Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
    "Domain rating", "UR", "Domain traffic", "Referring domains", "Linked domains", "External links",
    "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context",
    "Redirect Chain URLs", "Redirect Chain status codes", "Type", "Is spam", "Content", "Nofollow",
    "UGC", "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason", "Discovered status",
    "First seen", "Last seen", "Lost", "Author", "Page type", "Page category", "Links in group",
)  # fmt: skip

SEMRUSH_BACKLINKS_HEADER = (
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
    "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide",
    "First seen", "Last seen", "New link", "Lost link",
)  # fmt: skip


@dataclass(frozen=True)
class Link:
    source: str
    title: str
    anchor: str
    target: str
    authority: int = 30
    nofollow: bool = False
    ugc: bool = False
    sponsored: bool = False
    language: str = "en"
    first_seen: str = "2025-03-14"
    last_seen: str = "2026-11-01"
    external_links: int = 12
    page_type: str = ""
    page_category: str = ""
    platform: str = ""
    author: str = ""
    left_context: str = ""
    right_context: str = ""
    sitewide: bool = False


def _flag(value: bool) -> str:
    return "true" if value else "false"


def ahrefs_backlinks_row(link: Link) -> tuple[str, ...]:
    values = {
        "Referring page title": link.title,
        "Referring page URL": link.source,
        "Language": link.language,
        "Platform": link.platform,
        "Referring page HTTP code": "200",
        "Domain rating": str(link.authority),
        "UR": str(max(1, link.authority // 3)),
        "Domain traffic": str(link.authority * 137),
        "Referring domains": "4",
        "Linked domains": str(link.external_links),
        "External links": str(link.external_links),
        "Page traffic": str(link.authority * 3),
        "Keywords": "12",
        "Target URL": link.target,
        "Left context": link.left_context,
        "Anchor": link.anchor,
        "Right context": link.right_context,
        "Type": "text",
        "Is spam": "false",
        "Content": "true",
        "Nofollow": _flag(link.nofollow),
        "UGC": _flag(link.ugc),
        "Sponsored": _flag(link.sponsored),
        "Rendered": "false",
        "Raw": "true",
        "Discovered status": "linkfound",
        "First seen": f"{link.first_seen} 08:12:44",
        "Last seen": f"{link.last_seen} 03:40:10",
        "Author": link.author,
        "Page type": link.page_type,
        "Page category": link.page_category,
        "Links in group": "1",
    }
    return tuple(values.get(h, "") for h in AHREFS_BACKLINKS_HEADER)


def ahrefs_backlinks_tsv(links: Iterable[Link]) -> bytes:
    """Ahrefs' current Backlinks export: UTF-16LE with BOM, tab-separated, every field quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(AHREFS_BACKLINKS_HEADER)
    writer.writerows(ahrefs_backlinks_row(link) for link in links)
    return buffer.getvalue().encode("utf-16")  # Python's utf-16 codec writes the LE BOM


def semrush_backlinks_row(link: Link) -> tuple[str, ...]:
    return (
        str(link.authority), link.title, link.source, link.target, link.anchor,
        str(link.external_links), "40", _flag(link.nofollow), _flag(link.sponsored), _flag(link.ugc),
        "true", "false", "false", "false", _flag(link.sitewide), link.first_seen, link.last_seen,
        "false", "false",
    )  # fmt: skip


def semrush_backlinks_csv(links: Iterable[Link]) -> bytes:
    """Semrush's Backlinks export: UTF-8 without BOM, comma-separated, CRLF, minimal quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SEMRUSH_BACKLINKS_HEADER)
    writer.writerows(semrush_backlinks_row(link) for link in links)
    return buffer.getvalue().encode("utf-8")


def semrush_backlinks_rows(links: Iterable[Link]) -> list[list[str]]:
    """The same export as pasted into a `Raw: …` tab: header row then rows of text."""
    return [list(SEMRUSH_BACKLINKS_HEADER), *[list(semrush_backlinks_row(link)) for link in links]]
