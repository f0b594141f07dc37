"""What a fetched HTML page says about itself: title, canonical, robots directives, links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urldefrag, urljoin

import httpx
from selectolax.lexbor import LexborHTMLParser

#: Robots meta names and X-Robots-Tag agents that speak to search engines in general or Google.
ROBOTS_NAMES = frozenset({"robots", "googlebot"})
NOINDEX = frozenset({"noindex", "none"})
_LINK_PART = re.compile(r"<([^>]*)>((?:\s*;\s*[^;,]+)*)")
_SPACES = re.compile(r"\s+")
_AGENT_PREFIX = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*:\s*(.*)$")
#: Directives written `name: value`, which look like an agent prefix but are not.
VALUED_DIRECTIVES = frozenset({"max-snippet", "max-image-preview", "max-video-preview", "unavailable_after"})


@dataclass(frozen=True)
class PageLink:
    url: str  # absolute, without fragment
    anchor: str
    rel: frozenset[str]


@dataclass(frozen=True)
class Page:
    title: str = ""
    canonical: str = ""  # absolute URL of <link rel=canonical>, "" if none
    robots: frozenset[str] = frozenset()  # directives of robots/googlebot meta tags
    links: tuple[PageLink, ...] = ()


def _clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


def parse_html(text: str, url: str) -> Page:
    """Parse even broken HTML the way browsers do; anything unparseable just yields less."""
    return read_tree(LexborHTMLParser(text), url)


def read_tree(tree: LexborHTMLParser, url: str) -> Page:
    base = url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        base = urljoin(url, (base_node.attributes.get("href") or "").strip())
    title_node = tree.css_first("title")
    canonical = ""
    for node in tree.css("link[rel][href]"):
        if "canonical" in (node.attributes.get("rel") or "").lower().split():
            canonical = urljoin(base, (node.attributes.get("href") or "").strip())
            break
    robots: set[str] = set()
    for node in tree.css("meta[name][content]"):
        if (node.attributes.get("name") or "").strip().lower() in ROBOTS_NAMES:
            robots |= {d.strip().lower() for d in (node.attributes.get("content") or "").split(",") if d.strip()}
    links = []
    for node in tree.css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        absolute = urldefrag(urljoin(base, href))[0]
        if absolute.startswith(("http://", "https://")):
            rel = frozenset((node.attributes.get("rel") or "").lower().split())
            links.append(PageLink(absolute, _clean(node.text()), rel))
    return Page(_clean(title_node.text() if title_node else ""), canonical, frozenset(robots), tuple(links))


def header_canonical(headers: httpx.Headers, url: str) -> str:
    """The `Link: <…>; rel="canonical"` target, absolute, or ""."""
    for value in headers.get_list("link"):
        for target, params in _LINK_PART.findall(value):
            rels = re.findall(r"""rel\s*=\s*"?([^";]+)"?""", params, re.IGNORECASE)
            if any("canonical" in r.lower().split() for r in rels):
                return urljoin(url, target.strip())
    return ""


def header_robots(headers: httpx.Headers) -> frozenset[str]:
    """X-Robots-Tag directives meant for every crawler or for Google (`googlebot: noindex`)."""
    found: set[str] = set()
    for value in headers.get_list("x-robots-tag"):
        prefixed = _AGENT_PREFIX.match(value)
        if prefixed and prefixed.group(1).lower() not in VALUED_DIRECTIVES:
            if prefixed.group(1).lower() not in ROBOTS_NAMES:
                continue  # addressed to another crawler
            value = prefixed.group(2)
        found |= {d.strip().lower() for d in value.split(",") if d.strip()}
    return frozenset(found)
