"""What a prospect's linking page looks like: evidence for its link type and upkeep.

Pure: reads a fetched page and returns signals — many outbound links in lists (a resource
page), "write for us" (guest contributions), "best/top N" titles (roundups), and the latest
date the page shows (updated/published meta, <time>, "Last updated …", © year) to tell whether
it is maintained.

A page whose fetch says nothing about it (no network, DNS, timeout, a 5xx answer) is `Could not
check`: its row keeps the last reading, so an outage never blanks a signal or makes a page look
unmaintained; it is tried again next run.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from selectolax.lexbor import LexborHTMLParser

from bot.urls import domain_of, url_key
from sheets_schema.vocabularies import PAGE_READINGS

from .page import read_tree
from .result import FetchResult

RESOURCE_WORDS = re.compile(
    r"\b(resources?|useful (?:links|sites|tools)|links|further reading|recommended (?:sites|tools|reading)|"
    r"tools we (?:use|recommend))\b",
    re.IGNORECASE,
)
WRITE_FOR_US = re.compile(
    r"write for us|guest post(?:s|ing)?\b|become a contributor|contributor guidelines|"
    r"submit (?:a |your )?(?:guest )?(?:post|article)",
    re.IGNORECASE,
)
ROUNDUP = re.compile(r"\b(?:best|top \d+|\d+ (?:best|top|great))\b", re.IGNORECASE)
ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UPDATED_TEXT = re.compile(
    r"(?i:updated|modified|reviewed)(?: on)?:?\s+"
    r"([A-Z][a-z]+\.? \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d{2}-\d{2})"
)
COPYRIGHT_YEAR = re.compile(r"(?:©|&copy;|\(c\)|copyright)\s*(?:\d{4}\s*[-–]\s*)?(\d{4})", re.IGNORECASE)
DATE_META = ("article:modified_time", "og:updated_time", "article:published_time", "dateModified", "datePublished")
READ, NOT_READABLE, COULD_NOT_CHECK = PAGE_READINGS
MAINTAINED_DAYS = 730
RESOURCE_MIN_DOMAINS = 8
LIST_LINKS_MIN = 15


@dataclass(frozen=True)
class PageContext:
    outbound_links: int
    outbound_domains: int
    link_type: str  # the link type the page's structure points to ("" when it shows none)
    signals: tuple[str, ...]
    last_updated: date | None

    def maintained(self, today: date) -> bool | None:
        return None if self.last_updated is None else (today - self.last_updated).days <= MAINTAINED_DAYS


def _text_date(text: str) -> date | None:
    for pattern in ("%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _dates(tree: LexborHTMLParser, text: str, today: date) -> list[date]:
    found: list[str] = []
    for node in tree.css("meta[content]"):
        name = node.attributes.get("property") or node.attributes.get("name") or node.attributes.get("itemprop") or ""
        if name in DATE_META:
            found.append(node.attributes.get("content") or "")
    found += [n.attributes.get("datetime") or "" for n in tree.css("time[datetime]")]
    dates = [date(int(y), int(m), int(d)) for y, m, d in (ISO_DATE.findall(" ".join(found))) if 1 <= int(m) <= 12]
    dates += [d for d in (_text_date(t) for t in UPDATED_TEXT.findall(text)) if d]
    dates += [date(int(y), 12, 31) if int(y) < today.year else today for y in COPYRIGHT_YEAR.findall(text)]
    return [d for d in dates if date(1995, 1, 1) <= d <= today]


def page_context(result: FetchResult, today: date) -> PageContext:
    """Signals of a fetched HTML page (call only when `result.fetched and result.is_html`)."""
    tree = LexborHTMLParser(result.text)
    page = read_tree(tree, result.final_url)
    own = domain_of(result.final_url)
    outbound = [link for link in page.links if domain_of(link.url) not in ("", own)]
    domains = {domain_of(link.url) for link in outbound}
    in_lists = sum(
        1 for node in tree.css("li a[href]") if domain_of(node.attributes.get("href") or "") not in ("", own)
    )
    body = tree.body.text(separator=" ") if tree.body is not None else ""
    headline = " ".join([page.title, *(n.text() for n in tree.css("h1"))])

    signals = []
    link_type = ""
    if WRITE_FOR_US.search(body):
        signals.append('mentions "write for us" / guest posts')
        link_type = "Guest contribution"
    resource_words = RESOURCE_WORDS.search(headline) or RESOURCE_WORDS.search(result.final_url)
    if resource_words and (len(domains) >= RESOURCE_MIN_DOMAINS or in_lists >= LIST_LINKS_MIN):
        signals.append(f'"{resource_words.group(0)}" page with {len(domains)} linked sites')
        link_type = link_type or "Resource page"
    elif in_lists >= LIST_LINKS_MIN:
        signals.append(f"{in_lists} outbound links in lists")
        link_type = link_type or "Resource page"
    roundup = ROUNDUP.search(headline)
    if roundup and len(domains) >= 3:
        signals.append(f'"{roundup.group(0)}" title with {len(domains)} linked sites')
        link_type = link_type or "List / roundup"
    dates = _dates(tree, body, today)
    last = max(dates) if dates else None
    if last:
        signals.append(f"latest date shown {last.isoformat()}")
    return PageContext(len(outbound), len(domains), link_type, tuple(signals), last)


def context_row(key: str, result: FetchResult, now: datetime, previous: Mapping[str, str] | None) -> dict[str, object]:
    """The `Page context` row of prospect `key` after fetching its linking page; `previous` is its row as read."""
    when = f"{now:%Y-%m-%d %H:%M}"
    if result.unknown:
        return unchecked_row(key, result, when, previous)
    row: dict[str, object] = {
        "Domain": key,
        "Linking page": result.final_url,
        "Status": result.status if result.status is not None else "",
        "Checked at": when,
    }
    if not (result.fetched and result.is_html and (result.status or 0) < 400):
        why = result.problem or (f"answers {result.status}" if (result.status or 0) >= 400 else "not an HTML page")
        return row | {"Result": NOT_READABLE, "Detail": why}
    context = page_context(result, now.date())
    maintained = context.maintained(now.date())
    return row | {
        "Result": READ,
        "Link type signal": context.link_type,
        "Signals": "; ".join(context.signals),
        "Outbound links": context.outbound_links,
        "Outbound domains": context.outbound_domains,
        "Last updated": context.last_updated.isoformat() if context.last_updated else "",
        "Maintained": "" if maintained is None else ("Yes" if maintained else "No"),
    }


def unchecked_row(key: str, result: FetchResult, when: str, previous: Mapping[str, str] | None) -> dict[str, object]:
    """`Could not check`: the last reading of the same page stays as it was (unknown is not empty)."""
    why = result.problem or f"answers {result.status}"
    same_page = previous is not None and url_key(previous.get("Linking page", "")) == url_key(result.url)
    row: dict[str, object] = dict(previous) if previous is not None and same_page else {"Linking page": result.url}
    kept = "; the other cells are from the last time it answered" if row.get("Checked at") else ""
    return row | {
        "Domain": key,
        "Result": COULD_NOT_CHECK,
        "Detail": f"could not be checked {when} ({why}); tried again next run{kept}",
    }
