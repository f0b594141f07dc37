"""Write links in the exact file formats the tools produce.

Used by `gapbot demo`, the test fixtures and the benchmark generator. Header rows are the
tools' own column names (from real exports where we have them, from the tools' documentation
otherwise); encodings, separators, quoting and line endings are the tools' too. The rows are ours.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from bot.urls import host_display, split_host

AHREFS_BACKLINKS_HEADER = (
    "Referring page title", "Referring page URL", "Language", "Platform", "Referring page HTTP code",
    "Domain rating", "UR", "Domain traffic", "Referring domains", "Linked domains", "External links",
    "Page traffic", "Keywords", "Target URL", "Left context", "Anchor", "Right context",
    "Redirect Chain URLs", "Redirect Chain status codes", "Type", "Is spam", "Content", "Nofollow",
    "UGC", "Sponsored", "Rendered", "Raw", "Lost status", "Drop reason", "Discovered status",
    "First seen", "Last seen", "Lost", "Author", "Page type", "Page category", "Links in group",
)  # fmt: skip
AHREFS_V2_BACKLINKS_HEADER = (
    "#", "Domain Rating", "URL Rating (desc)", "Referring Domains", "Referring Page URL", "Referring Page Title",
    "Internal Links Count", "External Links Count", "Link URL", "TextPre", "Link Anchor", "TextPost", "Type",
    "HTTP Code", "DP check", "RP check", "Traffic", "Keywords", "Linked Domains",
)  # fmt: skip
AHREFS_REFERRING_DOMAINS_HEADER = (
    "Domain", "DR", "Dofollow ref. domains", "Dofollow linked domains", "Traffic", "Keywords",
    "Links to target", "New links", "Lost links", "Dofollow links", "First seen", "Lost",
)  # fmt: skip
SEMRUSH_BACKLINKS_HEADER = (
    "Page ascore", "Source title", "Source url", "Target url", "Anchor", "External links",
    "Internal links", "Nofollow", "Sponsored", "Ugc", "Text", "Frame", "Form", "Image", "Sitewide",
    "First seen", "Last seen", "New link", "Lost link",
)  # fmt: skip
SEMRUSH_REFERRING_DOMAINS_HEADER = (
    "Domain ascore",
    "Domain",
    "Backlinks",
    "IP Address",
    "Country",
    "First seen",
    "Last seen",
)
SEMRUSH_BACKLINK_AUDIT_HEADER = (
    "Domain Authority Score", "Page Authority Score", "Source URL", "Source Page Title", "Source Domain",
    "Target URL", "Anchor", "Anchor Type", "Link Type", "No Follow", "Toxic Score", "First Seen", "Last Seen",
    "Comment",
)  # fmt: skip
MOZ_INBOUND_LINKS_HEADER = (
    "URL", "Title", "Anchor Text", "Spam Score", "Page Authority", "Domain Authority",
    "Number of Domains Linking to Page", "Number of Domains Linking to Domain", "Target URL", "Link Type",
    "Date First Seen", "Date Last Seen", "Date Lost",
)  # fmt: skip
MOZ_LINKING_DOMAINS_HEADER = (
    "Root Domain", "Domain Authority", "Spam Score", "Linking Domains to Root Domain", "Links to Target",
    "Date First Seen", "Date Last Seen", "Date Lost",
)  # fmt: skip
MAJESTIC_BACKLINKS_HEADER = (
    "Target URL", "Source URL", "Anchor Text", "Source Crawl Date", "Source First Found Date", "FlagNoFollow",
    "FlagImageLink", "FlagRedirect", "FlagFrame", "FlagOldCrawl", "FlagAltText", "FlagMention",
    "SourceCitationFlow", "SourceTrustFlow", "TargetCitationFlow", "TargetTrustFlow",
    "SourceTopicalTrustFlow_Topic_0", "SourceTopicalTrustFlow_Value_0",
)  # fmt: skip
MAJESTIC_REFERRING_DOMAINS_HEADER = (
    "#", "Domain", "AlexaRank", "Matches", "RefDomains", "ExtBackLinks", "IP", "CountryCode", "TrustFlow",
    "CitationFlow", "FirstIndexedDate", "LastSeenDate",
)  # fmt: skip
GSC_LATEST_LINKS_HEADER = ("Linking page", "Last crawled")
GSC_TOP_LINKING_SITES_HEADER = ("Site", "Linking pages", "Target pages")


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

    @property
    def source_host(self) -> str:
        return host_display(split_host(self.source))


def _flag(value: bool) -> str:
    return "true" if value else "false"


@dataclass(frozen=True)
class ExportLayout:
    """How one tool writes one report: columns, encoding, separator, quoting and line endings."""

    tool: str
    report: str
    header: tuple[str, ...]
    row: Callable[[Link], dict[str, str]]
    encoding: str = "utf-8"  # "utf-16" is little-endian with a BOM, as Ahrefs writes it
    delimiter: str = ","
    quoting: Literal[0, 1, 2, 3] = csv.QUOTE_MINIMAL
    lineterminator: str = "\n"
    level: str = "page"

    def rows(self, links: Iterable[Link]) -> Iterable[tuple[str, ...]]:
        for link in links:
            values = self.row(link)
            yield tuple(values.get(h, "") for h in self.header)

    def text(self, links: Iterable[Link]) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=self.delimiter, quoting=self.quoting, lineterminator=self.lineterminator)
        writer.writerow(self.header)
        writer.writerows(self.rows(links))
        return buffer.getvalue()

    def write(self, links: Iterable[Link]) -> bytes:
        return self.text(links).encode(self.encoding)


def ahrefs_backlinks_row(link: Link) -> dict[str, str]:
    return {
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


def _ahrefs_type(link: Link) -> str:
    flags = ["Nofollow" if link.nofollow else "Dofollow"]
    flags += [name for name, on in (("UGC", link.ugc), ("Sponsored", link.sponsored)) if on]
    return ", ".join(flags or ["Content"])


def ahrefs_v2_row(link: Link) -> dict[str, str]:
    return {
        "Domain Rating": str(link.authority),
        "URL Rating (desc)": str(max(1, link.authority // 3)),
        "Referring Domains": "7",
        "Referring Page URL": link.source,
        "Referring Page Title": link.title,
        "Internal Links Count": "40",
        "External Links Count": str(link.external_links),
        "Link URL": link.target,
        "TextPre": link.left_context,
        "Link Anchor": link.anchor,
        "TextPost": link.right_context,
        "Type": _ahrefs_type(link),
        "HTTP Code": "200",
        "DP check": f"{link.first_seen} 02:14:03",
        "RP check": f"{link.last_seen} 01:11:40",
        "Traffic": str(link.authority * 3),
        "Keywords": "4",
        "Linked Domains": str(link.external_links),
    }


def ahrefs_referring_domains_row(link: Link) -> dict[str, str]:
    return {
        "Domain": link.source_host,
        "DR": str(link.authority),
        "Dofollow ref. domains": "120",
        "Dofollow linked domains": str(link.external_links),
        "Traffic": str(link.authority * 137),
        "Keywords": "88",
        "Links to target": "2",
        "Dofollow links": "0" if link.nofollow else "2",
        "First seen": f"{link.first_seen} 08:12:44",
    }


def semrush_backlinks_row(link: Link) -> dict[str, str]:
    return {
        "Page ascore": str(link.authority),
        "Source title": link.title,
        "Source url": link.source,
        "Target url": link.target,
        "Anchor": link.anchor,
        "External links": str(link.external_links),
        "Internal links": "40",
        "Nofollow": _flag(link.nofollow),
        "Sponsored": _flag(link.sponsored),
        "Ugc": _flag(link.ugc),
        "Text": "true",
        "Frame": "false",
        "Form": "false",
        "Image": "false",
        "Sitewide": _flag(link.sitewide),
        "First seen": link.first_seen,
        "Last seen": link.last_seen,
        "New link": "false",
        "Lost link": "false",
    }


def semrush_referring_domains_row(link: Link) -> dict[str, str]:
    return {
        "Domain ascore": str(link.authority),
        "Domain": link.source_host.removeprefix("www."),
        "Backlinks": "3",
        "IP Address": "203.0.113.7",
        "Country": "us",
        "First seen": link.first_seen,
        "Last seen": link.last_seen,
    }


def semrush_backlink_audit_row(link: Link) -> dict[str, str]:
    return {
        "Domain Authority Score": str(link.authority),
        "Page Authority Score": str(max(0, link.authority - 10)),
        "Source URL": link.source,
        "Source Page Title": link.title,
        "Source Domain": link.source_host,
        "Target URL": link.target,
        "Anchor": link.anchor,
        "Anchor Type": "branded",
        "Link Type": "a",
        "No Follow": _flag(link.nofollow),
        "Toxic Score": "12",
        "First Seen": link.first_seen,
        "Last Seen": link.last_seen,
    }


def moz_inbound_links_row(link: Link) -> dict[str, str]:
    return {
        "URL": link.source,
        "Title": link.title,
        "Anchor Text": link.anchor,
        "Spam Score": "3%",
        "Page Authority": str(max(1, link.authority - 8)),
        "Domain Authority": str(link.authority),
        "Number of Domains Linking to Page": "3",
        "Number of Domains Linking to Domain": "1,204",
        "Target URL": link.target,
        "Link Type": "nofollow" if link.nofollow else "follow",
        "Date First Seen": link.first_seen,
        "Date Last Seen": link.last_seen,
    }


def moz_linking_domains_row(link: Link) -> dict[str, str]:
    return {
        "Root Domain": link.source_host.removeprefix("www."),
        "Domain Authority": str(link.authority),
        "Spam Score": "1%",
        "Linking Domains to Root Domain": "2,310",
        "Links to Target": "2",
        "Date First Seen": link.first_seen,
        "Date Last Seen": link.last_seen,
    }


def majestic_backlinks_row(link: Link) -> dict[str, str]:
    return {
        "Target URL": link.target,
        "Source URL": link.source,
        "Anchor Text": link.anchor,
        "Source Crawl Date": link.last_seen,
        "Source First Found Date": link.first_seen,
        "FlagNoFollow": "+" if link.nofollow else "",
        "SourceCitationFlow": str(link.authority + 4),
        "SourceTrustFlow": str(link.authority),
        "TargetCitationFlow": "31",
        "TargetTrustFlow": "27",
        "SourceTopicalTrustFlow_Topic_0": "Business/Small Business",
        "SourceTopicalTrustFlow_Value_0": str(link.authority),
    }


def majestic_referring_domains_row(link: Link) -> dict[str, str]:
    return {
        "Domain": link.source_host.removeprefix("www."),
        "AlexaRank": "-1",
        "Matches": "2",
        "RefDomains": "310",
        "ExtBackLinks": "4120",
        "IP": "203.0.113.7",
        "CountryCode": "US",
        "TrustFlow": str(link.authority),
        "CitationFlow": str(link.authority + 4),
        "FirstIndexedDate": link.first_seen,
        "LastSeenDate": link.last_seen,
    }


def gsc_latest_links_row(link: Link) -> dict[str, str]:
    return {"Linking page": link.source, "Last crawled": link.last_seen}


def gsc_top_linking_sites_row(link: Link) -> dict[str, str]:
    return {
        "Site": link.source_host.removeprefix("www."),
        "Linking pages": f"{link.external_links * 103:,}",
        "Target pages": "3",
    }


def _numbered(row: Callable[[Link], dict[str, str]]) -> Callable[[Link], dict[str, str]]:
    """Ahrefs v2 and Majestic start each row with its number."""
    counter = iter(range(1, 1 << 62))
    return lambda link: {"#": str(next(counter)), **row(link)}


AHREFS_BACKLINKS = ExportLayout(
    "Ahrefs", "Backlinks", AHREFS_BACKLINKS_HEADER, ahrefs_backlinks_row, "utf-16", "\t", csv.QUOTE_ALL
)
AHREFS_REFERRING_DOMAINS = ExportLayout(
    "Ahrefs", "Referring domains", AHREFS_REFERRING_DOMAINS_HEADER, ahrefs_referring_domains_row, "utf-16", "\t",
    csv.QUOTE_ALL, level="domain",
)  # fmt: skip
SEMRUSH_BACKLINKS = ExportLayout(
    "Semrush", "Backlinks", SEMRUSH_BACKLINKS_HEADER, semrush_backlinks_row, lineterminator="\r\n"
)
SEMRUSH_REFERRING_DOMAINS = ExportLayout(
    "Semrush", "Referring domains", SEMRUSH_REFERRING_DOMAINS_HEADER, semrush_referring_domains_row, level="domain"
)
SEMRUSH_BACKLINK_AUDIT = ExportLayout(
    "Semrush", "Backlink Audit", SEMRUSH_BACKLINK_AUDIT_HEADER, semrush_backlink_audit_row
)
MOZ_INBOUND_LINKS = ExportLayout(
    "Moz", "Inbound links", MOZ_INBOUND_LINKS_HEADER, moz_inbound_links_row, lineterminator="\r\n"
)
MOZ_LINKING_DOMAINS = ExportLayout(
    "Moz", "Linking domains", MOZ_LINKING_DOMAINS_HEADER, moz_linking_domains_row, lineterminator="\r\n", level="domain"
)
MAJESTIC_BACKLINKS = ExportLayout(
    "Majestic", "Backlinks", MAJESTIC_BACKLINKS_HEADER, majestic_backlinks_row, lineterminator="\r\n"
)
GSC_LATEST_LINKS = ExportLayout(
    "Google Search Console", "Latest links", GSC_LATEST_LINKS_HEADER, gsc_latest_links_row, lineterminator="\r\n"
)
GSC_TOP_LINKING_SITES = ExportLayout(
    "Google Search Console", "Top linking sites", GSC_TOP_LINKING_SITES_HEADER, gsc_top_linking_sites_row,
    lineterminator="\r\n", level="domain",
)  # fmt: skip


def ahrefs_v2_backlinks() -> ExportLayout:
    """A fresh layout per file: its "#" column counts from 1."""
    return ExportLayout("Ahrefs", "Backlinks", AHREFS_V2_BACKLINKS_HEADER, _numbered(ahrefs_v2_row))


def majestic_referring_domains() -> ExportLayout:
    return ExportLayout(
        "Majestic", "Referring domains", MAJESTIC_REFERRING_DOMAINS_HEADER, _numbered(majestic_referring_domains_row),
        lineterminator="\r\n", level="domain",
    )  # fmt: skip


def ahrefs_backlinks_tsv(links: Iterable[Link]) -> bytes:
    """Ahrefs' current Backlinks export: UTF-16LE with BOM, tab-separated, every field quoted."""
    return AHREFS_BACKLINKS.write(links)


def semrush_backlinks_csv(links: Iterable[Link]) -> bytes:
    """Semrush's Backlinks export: UTF-8 without BOM, comma-separated, CRLF, minimal quoting."""
    return SEMRUSH_BACKLINKS.write(links)


def semrush_backlinks_rows(links: Iterable[Link]) -> list[list[str]]:
    """The same export as pasted into a `Raw: …` tab: header row then rows of text."""
    return [list(SEMRUSH_BACKLINKS.header), *map(list, SEMRUSH_BACKLINKS.rows(links))]
