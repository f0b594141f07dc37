"""Ahrefs API v3, Site Explorer (https://docs.ahrefs.com/docs/api/site-explorer/).

GET with `Authorization: Bearer <key>`; `select` names the fields wanted and the answer is a JSON
object holding one list. The list endpoints take `limit`, `where` and `order_by` but no offset or
cursor (the all-backlinks reference lists no such parameter), so one call per report reads up to
`limit` rows and a report that full says the rest was left unread. An error is a JSON object with
an `error` message. Units depend on the fields selected ("Limits consumption": max(50, per-row
cost x rows), one unit per field by default); gapbot estimates one unit per field per row.
"""

from __future__ import annotations

from typing import Any

from .base import (
    Budget,
    Connector,
    Page,
    Pricing,
    PullCall,
    Pulled,
    Vendor,
    VendorError,
    VendorHttp,
    json_object,
    note_cap,
    pull_pages,
)

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
    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        (token,) = VENDOR.credentials(http.env)
        pricing = Pricing(per_request=MINIMUM_UNITS, per_row=len(fields), page_size=MOST_ROWS)

        def fetch(limit: int, cursor: object) -> Page:
            params: dict[str, Any] = {
                "target": site, "mode": "subdomains", "history": "live", "select": ",".join(fields), "limit": limit,
            }  # fmt: skip
            if key == "backlinks":
                params["aggregation"] = "all"
            response = http.call("GET", path, params=params, headers={"Authorization": f"Bearer {token}"})
            body = json_object(response.content)
            if response.status_code != 200 or not isinstance(body.get(key), list):
                raise VendorError(
                    f"Ahrefs error (HTTP {response.status_code}): {str(body.get('error', body))[:200]}",
                    where=f"Ahrefs {path}",
                    fix="see https://docs.ahrefs.com/ for what the message means",
                )
            items = body[key]
            return Page(items, max(MINIMUM_UNITS, len(fields) * len(items)), None)

        pulled = pull_pages(VENDOR, call, site, budget, pricing, fetch, fields, frozenset())
        return note_cap(pulled, MOST_ROWS, f"one Ahrefs call reads at most {MOST_ROWS:,} rows (API v3 has no offset)")

    return pull


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull("/v3/site-explorer/all-backlinks", "backlinks", "backlinks", BACKLINK_FIELDS),
        "referring domains": _pull("/v3/site-explorer/refdomains", "refdomains", "referring domains", DOMAIN_FIELDS),
    },
)
