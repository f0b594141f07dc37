"""Is the link the team won still there? Pure checks of a fetched linking page.

A prospect's won link is looked for on its `Won link URL`, else the first URL in its `Notes`,
else its `Best linking page`. A link counts when it points at one of `Our domains`. A link that
was verified once and then is missing on `LOST_AFTER` consecutive checks is lost; a check that
could not see the page (no answer, blocked, 5xx, 403, not HTML) changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.urls import domain_of

from .page import PageLink, parse_html
from .result import FetchResult
from .target_health import noindex_sources

#: Job notes that announce a lost link start with this.
LOST_NOTE_PREFIX = "lost link: "
LOST_AFTER = 2
GONE_STATUSES = frozenset({404, 410})
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
REL_FLAGS = ("nofollow", "ugc", "sponsored")


class Seen(StrEnum):
    FOUND = "found"
    MISSING = "missing"
    UNCHECKED = "unchecked"


class Result(StrEnum):
    VERIFIED = "Verified"
    MISSING = "Missing"
    LOST = "Lost"
    NOT_FOUND = "Not found"  # never verified, and not on the page
    UNCHECKED = "Could not check"


def linking_url(won_link_url: str, notes: str, best_linking_page: str) -> str:
    """Where to look for the won link: the team's URL first, then one in the notes, else the best page."""
    if won_link_url.strip():
        return won_link_url.strip()
    found = _URL_IN_TEXT.search(notes or "")
    if found:
        return found.group(0).rstrip(".,;:!?)]}")
    return best_linking_page.strip()


def rel_text(link: PageLink) -> str:
    flags = [f for f in REL_FLAGS if f in link.rel]
    return ", ".join(flags) if flags else "followed"


def our_link(links: tuple[PageLink, ...], our_domains: Collection[str]) -> PageLink | None:
    """The page's link to one of our domains, a followed one if there is any."""
    ours = [link for link in links if domain_of(link.url) in our_domains]
    followed = [link for link in ours if not any(f in link.rel for f in REL_FLAGS)]
    return next(iter(followed or ours), None)


@dataclass(frozen=True)
class LinkCheck:
    seen: Seen
    page: str
    link: PageLink | None = None
    status: int | None = None
    indexable: bool | None = None
    detail: str = ""


def check_page(
    page_url: str, result: FetchResult, our_domains: Collection[str], search_allowed: bool | None
) -> LinkCheck:
    if result.fetched and result.status in GONE_STATUSES:
        return LinkCheck(
            Seen.MISSING, result.final_url, status=result.status, detail=f"the page answers {result.status}"
        )
    if not result.fetched:
        return LinkCheck(Seen.UNCHECKED, page_url, status=result.status, detail=result.problem)
    if not 200 <= (result.status or 0) < 300:
        return LinkCheck(
            Seen.UNCHECKED, result.final_url, status=result.status, detail=f"the page answers {result.status}"
        )
    if not result.is_html:
        return LinkCheck(Seen.UNCHECKED, result.final_url, status=result.status, detail="not an HTML page")
    page = parse_html(result.text, result.final_url)
    indexable = not noindex_sources(result, page) and search_allowed is not False
    link = our_link(page.links, our_domains)
    if link is None:
        cut = " (only the start of this large page was read)" if result.truncated else ""
        detail = f"no link to {', '.join(sorted(our_domains))} on the page{cut}"
        return LinkCheck(Seen.MISSING, result.final_url, None, result.status, indexable, detail)
    return LinkCheck(
        Seen.FOUND, result.final_url, link, result.status, indexable, f"{len(page.links)} links on the page"
    )


@dataclass(frozen=True)
class Verdict:
    result: Result
    state: dict[str, object]
    #: True only on the check that makes the link lost (so it is alerted once).
    newly_lost: bool


def next_verdict(previous: Mapping[str, object] | None, check: LinkCheck) -> Verdict:
    verified = bool((previous or {}).get("verified", False))
    missing = int(str((previous or {}).get("missing", 0) or 0))
    last = str((previous or {}).get("result", ""))
    if check.seen is Seen.FOUND:
        return Verdict(Result.VERIFIED, {"verified": True, "missing": 0, "result": Result.VERIFIED.value}, False)
    if check.seen is Seen.UNCHECKED:
        return Verdict(Result.UNCHECKED, {"verified": verified, "missing": missing, "result": last}, False)
    missing += 1
    result = Result.LOST if missing >= LOST_AFTER else Result.MISSING
    if not verified:
        result = Result.NOT_FOUND  # a link never seen cannot be lost
    newly_lost = result is Result.LOST and last != Result.LOST.value
    return Verdict(result, {"verified": verified, "missing": missing, "result": result.value}, newly_lost)


def link_verified_text(verdict: Verdict, check: LinkCheck, day: str) -> str:
    """The one-cell summary written to Prospects' `Link verified`."""
    if verdict.result is Result.VERIFIED and check.link is not None:
        return f"Verified {day}: {rel_text(check.link)}"
    if verdict.result is Result.UNCHECKED:
        return f"Could not check {day}: {check.detail}"
    return f"{verdict.result.value} {day}: missing on {verdict.state['missing']} check(s) in a row"


def won_links_row(key: str, verdict: Verdict, check: LinkCheck, when: str) -> dict[str, object]:
    link = check.link
    return {
        "Domain": key,
        "Result": verdict.result.value,
        "Linking page": check.page,
        "Link to": link.url if link else "",
        "Anchor": link.anchor if link else "",
        "Rel": rel_text(link) if link else "",
        "Page status": check.status if check.status is not None else "",
        "Indexable": "" if check.indexable is None else ("Yes" if check.indexable else "No"),
        "Missing checks": verdict.state["missing"],
        "Detail": check.detail,
        "Checked at": when,
    }
