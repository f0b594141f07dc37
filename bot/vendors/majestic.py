"""Majestic API (https://developer-support.majestic.com/api/commands/).

A GET of `/api/json` with `app_api_key` and `cmd` in the query string; the answer's `Code` is
"OK" or names the error, and rows come in `DataTables.<table>.Data`. One command reads up to
`Count` rows (no offset); each row returned costs one analysis resource unit.
"""

from __future__ import annotations

from typing import Any

from .base import Budget, Connector, Page, Pricing, PullCall, Pulled, Vendor, VendorError, VendorHttp, pull_pages

VENDOR = Vendor("Majestic", "https://api.majestic.com", ("MAJESTIC_API_KEY",), "analysis resource units")
PATH = "/api/json"
PRICING = Pricing(per_request=0, per_row=1, page_size=50_000)
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


def _pull(command: str, item: str, table: str, call: str, fields: dict[str, str], known: frozenset[str]) -> PullCall:
    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        (key,) = VENDOR.credentials(http.env)

        def fetch(limit: int, cursor: object) -> Page:
            params: dict[str, Any] = {
                "app_api_key": key,
                "cmd": command,
                item: site,
                "Count": limit,
                "datasource": "fresh",
            }
            answer = http.call("GET", PATH, params=params).json()
            code = answer.get("Code", "")
            if code in BAD_KEY:
                raise VENDOR.bad_credentials()
            if code != "OK":
                raise VendorError(
                    f"Majestic error {code}: {answer.get('ErrorMessage', '')}", where=f"Majestic {command}"
                )
            data = answer.get("DataTables", {}).get(table, {})
            items = data.get("Data") or []
            total = data.get("Headers", {}).get("TotalBackLinks")
            return Page(items, PRICING.per_row * len(items), None, total)

        return pull_pages(VENDOR, call, site, budget, PRICING, fetch, fields, known)

    return pull


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull("GetBackLinkData", "item", "BackLinks", "backlinks", BACKLINK_FIELDS, BACKLINK_KNOWN),
        "referring domains": _pull(
            "GetRefDomains", "item0", "Results", "referring domains", DOMAIN_FIELDS, DOMAIN_KNOWN
        ),
    },
)
