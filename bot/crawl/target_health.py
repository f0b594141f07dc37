"""Is our target page ready to be pitched? One `Target health` row per fetch, with a verdict.

Pure: takes what the fetcher returned, gives rows and verdicts; no I/O.

Verdicts: `Fix first` when pitching the page would waste the link (it does not answer 200, is
noindexed or blocked for search engines, canonicalises elsewhere, or sits behind a redirect
chain); `Check` for things worth a look that do not waste a link (one redirect, no canonical,
slow, not HTML, no title); `Could not check` when the fetch failed for a reason that says nothing
about the page (no network, DNS, timeout, a 5xx answer): unknown, never `Fix first`; `OK` otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import pandas as pd

from bot.urls import url_key

from .page import NOINDEX, Page, header_canonical, header_robots, parse_html
from .result import FetchFailure, FetchResult

OK, CHECK, FIX_FIRST, COULD_NOT_CHECK = "OK", "Check", "Fix first", "Could not check"
FLAG_TEXT = "Fix target page first"
_FLAG = re.compile(r"^\[" + FLAG_TEXT + r": [^\]]*\] ?")
SLOW_MS = 3000


@dataclass(frozen=True)
class Canonical:
    url: str  # the canonical the page declares ("" if none): the tag, else the Link header
    tag: str
    header: str

    def points_at(self, final_url: str) -> bool | None:
        return url_key(self.url) == url_key(final_url) if self.url else None


def page_of(result: FetchResult) -> Page:
    return parse_html(result.text, result.final_url) if result.fetched and result.is_html else Page()


def canonical_of(result: FetchResult, page: Page) -> Canonical:
    header = header_canonical(result.headers, result.final_url) if result.fetched else ""
    return Canonical(page.canonical or header, page.canonical, header)


def noindex_sources(result: FetchResult, page: Page) -> list[str]:
    """Where a noindex comes from: the robots meta tag and/or the X-Robots-Tag header."""
    found = []
    if page.robots & NOINDEX:
        found.append("meta robots")
    if result.fetched and header_robots(result.headers) & NOINDEX:
        found.append("X-Robots-Tag header")
    return found


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def assess(
    target_url: str, result: FetchResult, search_allowed: bool | None, checked_at: datetime
) -> dict[str, object]:
    """The `Target health` row for one target page: every column, verdict and reasons included."""
    page = page_of(result)
    canonical = canonical_of(result, page)
    fix: list[str] = []
    check: list[str] = []
    hops = len(result.hops)

    unknown = result.unknown
    if unknown:
        check.append(f"could not be checked: {result.problem or f'answers {result.status}'}; checked again next run")
    elif result.failure is FetchFailure.ROBOTS:
        fix.append(f"robots.txt blocks crawlers ({result.detail})")
    elif not result.fetched:
        fix.append(f"could not be fetched: {result.problem}")
    elif result.status == 200:
        pass
    elif (result.status or 0) >= 400:
        fix.append(f"answers {result.status}")
    else:
        check.append(f"answers {result.status}, not 200")

    if hops > 1:
        fix.append(f"redirect chain of {hops} hops to {result.final_url}")
    elif hops == 1 and result.fetched:
        check.append(f"redirects to {result.final_url}: pitch that URL instead")

    noindex = noindex_sources(result, page)
    if noindex:
        fix.append(f"noindex in {' and '.join(noindex)}")
    if search_allowed is False:
        fix.append("robots.txt blocks search engines")
    indexable = (
        None if not result.fetched else (result.status or 0) < 400 and not noindex and search_allowed is not False
    )

    self_canonical = canonical.points_at(result.final_url)
    if result.fetched and result.status == 200:
        if self_canonical is False:
            fix.append(f"canonical points elsewhere: {canonical.url}")
        elif self_canonical is None and result.is_html:
            check.append("no canonical tag or Link header")
        elif self_canonical and urlsplit(canonical.url).scheme != urlsplit(result.final_url).scheme:
            check.append(
                f"canonical uses {urlsplit(canonical.url).scheme}:// while the page is served over "
                f"{urlsplit(result.final_url).scheme}://"
            )
        if canonical.tag and canonical.header and url_key(canonical.tag) != url_key(canonical.header):
            check.append(f"canonical tag ({canonical.tag}) and Link header ({canonical.header}) disagree")
        if not result.is_html:
            check.append(f"not an HTML page ({result.content_type or 'no content type'})")
        elif not page.title:
            check.append("no title")
        if result.truncated:
            check.append("page is larger than the size limit; only its start was checked")
        if (result.response_ms or 0) > SLOW_MS:
            check.append(f"slow: {result.response_ms} ms")

    verdict = COULD_NOT_CHECK if unknown else FIX_FIRST if fix else CHECK if check else OK
    return {
        "Target URL": target_url,
        "Verdict": verdict,
        "Reasons": "; ".join(fix + check),
        "Status": result.status if result.status is not None else "",
        "Final URL": result.final_url,
        "Redirect hops": hops,
        "Canonical": canonical.url,
        "Self-canonical": _yes_no(self_canonical) if result.fetched else "",
        "Indexable": _yes_no(indexable),
        "Response ms": result.response_ms if result.response_ms is not None else "",
        "Title": page.title,
        "Checked at": f"{checked_at:%Y-%m-%d %H:%M}",
    }


@dataclass(frozen=True)
class UnhealthyTarget:
    target: str
    reasons: str
    #: The page does not answer (4xx/5xx or no answer): pitching it needs a page first.
    page_missing: bool


def fix_first_targets(health: pd.DataFrame) -> dict[str, UnhealthyTarget]:
    """Targets of a `Target health` frame whose verdict is `Fix first`, keyed by `url_key(Target URL)`."""
    out: dict[str, UnhealthyTarget] = {}
    for row in health.fillna("").astype(str).to_dict("records"):
        if row.get("Verdict", "").strip().casefold() != FIX_FIRST.casefold():
            continue
        status = row.get("Status", "").strip()
        missing = not status.isdigit() or int(status) >= 400
        out[url_key(row["Target URL"])] = UnhealthyTarget(row["Target URL"], row.get("Reasons", ""), missing)
    return out


def flag_prospects(prospects: pd.DataFrame, unhealthy: dict[str, UnhealthyTarget], target_column: str) -> pd.DataFrame:
    """Prospects whose matched target page (in `target_column`) must be fixed before it is pitched.

    `Why` starts with `[Fix target page first: reasons]`; where the page does not answer at all
    the suggested action becomes `Create better page first`. A flag from an earlier check is
    replaced (or removed once the page is healthy), so applying this again never stacks flags.
    """
    out = prospects.copy()
    if target_column not in out.columns:
        return out
    whys = out["Why"].astype(str).str.replace(_FLAG, "", regex=True)
    # a page is looked up once, however many prospects it serves
    keys = {t: url_key(t) for t in set(out[target_column].astype(str))}
    found = out[target_column].astype(str).map(lambda t: unhealthy.get(keys[t]))
    flagged = found.notna()
    if flagged.any():
        flags = found[flagged].map(lambda f: f"[{FLAG_TEXT}: {f.reasons.replace(']', ')')}] ")
        whys[flagged] = (flags + whys[flagged]).str.strip()
        missing = flagged & found.map(lambda f: f is not None and f.page_missing)
        out.loc[missing, "Suggested action"] = "Create better page first"
    out["Why"] = whys
    return out
