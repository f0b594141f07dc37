"""Ahrefs API v3, Site Explorer (https://docs.ahrefs.com/docs/api/site-explorer/).

GET with `Authorization: Bearer <key>`; `select` names the fields wanted and the answer is a JSON
object holding one list. The list endpoints take `limit` but no offset, so one call per report
reads up to `limit` rows. Units depend on the fields selected; gapbot estimates one unit per field
per row and at least 50 per request, the minimum Ahrefs charges.
"""

from __future__ import annotations

from typing import Any

from .base import Budget, Connector, Page, Pricing, PullCall, Pulled, Vendor, VendorError, VendorHttp, pull_pages

VENDOR = Vendor("Ahrefs", "https://api.ahrefs.com", ("AHREFS_API_KEY",), "API units")
MINIMUM_UNITS = 50
MOST_ROWS = 100_000  # the rows one call asks for at most

# field -> the header of Ahrefs' own Backlinks / Referring domains export
BACKLINK_FIELDS = {
    "url_from": "Referring page URL", "url_to": "Target URL", "title": "Referring page title",
    "anchor": "Anchor", "snippet_left": "Left context", "snippet_right": "Right context",
    "domain_rating_source": "Domain rating", "is_nofollow": "Nofollow", "is_ugc": "UGC",
    "is_sponsored": "Sponsored", "first_seen_link": "First seen", "last_visited": "Last seen",
}  # fmt: skip
DOMAIN_FIELDS = {
    "domain": "Domain", "domain_rating": "DR", "links_to_target": "Links to target",
    "first_seen": "First seen", "traffic_domain": "Domain traffic",
}  # fmt: skip


def _pull(path: str, key: str, call: str, fields: dict[str, str]) -> PullCall:
    pricing = Pricing(per_request=MINIMUM_UNITS, per_row=len(fields), page_size=MOST_ROWS)

    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        (token,) = VENDOR.credentials(http.env)

        def fetch(limit: int, cursor: object) -> Page:
            params: dict[str, Any] = {
                "target": site, "mode": "subdomains", "history": "live", "select": ",".join(fields), "limit": limit,
            }  # fmt: skip
            if key == "backlinks":
                params["aggregation"] = "all"
            response = http.call("GET", path, params=params, headers={"Authorization": f"Bearer {token}"})
            body = response.json() if response.content else {}
            if response.status_code != 200 or key not in body:
                raise VendorError(
                    f"Ahrefs answered HTTP {response.status_code}: {str(body.get('error', body))[:200]}",
                    where=f"Ahrefs {path}",
                )
            items = body[key]
            units = max(MINIMUM_UNITS, len(fields) * len(items))
            # no offset in v3: a full page means rows were left unread
            return Page(items, units, None, len(items) + 1 if len(items) >= limit else len(items))

        pulled = pull_pages(VENDOR, call, site, budget, pricing, fetch, fields, frozenset())
        if pulled.requests and len(pulled.frame) >= MOST_ROWS:
            pulled.unread = f"Ahrefs gives at most {MOST_ROWS:,} rows per call; further {call} of {site} not read"
        return pulled

    return pull


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull("/v3/site-explorer/all-backlinks", "backlinks", "backlinks", BACKLINK_FIELDS),
        "referring domains": _pull("/v3/site-explorer/refdomains", "refdomains", "referring domains", DOMAIN_FIELDS),
    },
)
