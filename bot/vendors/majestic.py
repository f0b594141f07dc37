"""Majestic API (https://developer-support.majestic.com/api/commands/).

A GET of `/api/json` with `app_api_key` and `cmd` in the query string; the answer's `Code` is
"OK" or names the error, and rows come in `DataTables.<table>.Data`. `GetBackLinkData` pages with
`Count` (at most 50,000) and `From` (the first row, from 0); `GetRefDomains` has no `From`, and
returns at most 100,000 referring domains, so a report that full says the rest was left unread.
Each row returned costs one retrieval resource unit; the analysis units a command also costs are
per command (5,000 for GetBackLinkData) and are not what the budget counts.
"""

from __future__ import annotations

from typing import Any

from .base import (
    Budget,
    Connector,
    Page,
    Pricing,
    Pulled,
    Vendor,
    VendorError,
    VendorHttp,
    json_object,
    note_cap,
    pull_pages,
)

VENDOR = Vendor("Majestic", "https://api.majestic.com", ("MAJESTIC_API_KEY",), "retrieval resource units")
PATH = "/api/json"
PRICING = Pricing(per_request=0, per_row=1, page_size=50_000)
MOST_DOMAINS = 100_000  # GetRefDomains' documented maximum
BAD_KEY = frozenset({"InvalidAPIKey", "AuthenticationFailed", "RequestedApiKeyNotActive"})

# field -> the header of Majestic's own Backlinks / Referring domains export
BACKLINK_FIELDS = {
    "SourceURL": "Source URL", "TargetURL": "Target URL", "AnchorText": "Anchor Text", "SourceTitle": "Source Title",
    "FlagNoFollow": "FlagNoFollow", "FlagImages": "FlagImageLink", "FlagDeleted": "FlagDeleted",
    "FirstIndexedDate": "Source First Found Date", "LastSeenDate": "Source Crawl Date", "DateLost": "Date Lost",
    "SourceTrustFlow": "SourceTrustFlow", "SourceCitationFlow": "SourceCitationFlow",
}  # fmt: skip
BACKLINK_KNOWN = frozenset({
    "ACRank", "Date", "FlagRedirect", "FlagFrame", "FlagAltText", "FlagMention", "DomainID", "ReasonLost",
    "LinkType", "LinkSubType", "TargetCitationFlow", "TargetTrustFlow", "TargetTopicalTrustFlow_Topic_0",
    "TargetTopicalTrustFlow_Value_0", "SourceTopicalTrustFlow_Topic_0", "SourceTopicalTrustFlow_Value_0",
})  # fmt: skip
DOMAIN_FIELDS = {
    "Domain": "Domain", "TrustFlow": "TrustFlow", "CitationFlow": "CitationFlow", "Matches": "Matches",
    "FirstCrawled": "FirstCrawled", "LastSuccessfulCrawl": "LastSuccessfulCrawl",
}  # fmt: skip
DOMAIN_KNOWN = frozenset({
    "Position", "AlexaRank", "MatchedLinks", "RefDomains", "ExtBackLinks", "IndexedURLs", "CrawledURLs", "IP",
    "SubNet", "CountryCode", "TLD", "TopicalTrustFlow_Topic_0", "TopicalTrustFlow_Value_0",
})  # fmt: skip


def _answer(http: VendorHttp, params: dict[str, Any], table: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One command's rows and the headers of their table; raises on a `Code` other than OK."""
    (key,) = VENDOR.credentials(http.env)
    command = params["cmd"]
    answer = json_object(http.call("GET", PATH, params={"app_api_key": key, **params}).content)
    code = answer.get("Code", answer.get("error", ""))
    if code in BAD_KEY:
        raise VENDOR.bad_credentials()
    if code != "OK":
        raise VendorError(
            f"Majestic error {code}: {answer.get('ErrorMessage', '')}",
            where=f"Majestic {command}",
            fix="see https://developer-support.majestic.com/api/ for what the code means",
        )
    data = (answer.get("DataTables") or {}).get(table) or {}
    return list(data.get("Data") or []), dict(data.get("Headers") or {})


def _backlinks(http: VendorHttp, site: str, budget: Budget) -> Pulled:
    def fetch(limit: int, cursor: object) -> Page:
        start = int(str(cursor or 0))
        params = {"cmd": "GetBackLinkData", "item": site, "Count": limit, "From": start, "datasource": "fresh"}
        items, headers = _answer(http, params, "BackLinks")
        total = headers.get("TotalBackLinks")
        more = isinstance(total, int) and start + len(items) < total
        return Page(items, PRICING.per_row * len(items), start + len(items) if more else None, total)

    return pull_pages(VENDOR, "backlinks", site, budget, PRICING, fetch, BACKLINK_FIELDS, BACKLINK_KNOWN)


def _referring_domains(http: VendorHttp, site: str, budget: Budget) -> Pulled:
    def fetch(limit: int, cursor: object) -> Page:
        params = {"cmd": "GetRefDomains", "item0": site, "Count": limit, "datasource": "fresh"}
        items, _ = _answer(http, params, "Results")
        return Page(items, PRICING.per_row * len(items), None)

    pricing = Pricing(PRICING.per_request, PRICING.per_row, MOST_DOMAINS)
    pulled = pull_pages(VENDOR, "referring domains", site, budget, pricing, fetch, DOMAIN_FIELDS, DOMAIN_KNOWN)
    return note_cap(pulled, MOST_DOMAINS, f"GetRefDomains returns at most {MOST_DOMAINS:,} domains (no From)")


CONNECTOR = Connector(VENDOR, {"backlinks": _backlinks, "referring domains": _referring_domains})
