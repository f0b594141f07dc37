"""Semrush Backlinks API (https://developer.semrush.com/api/v3/analytics/backlinks/).

A GET with the key in the query string; the answer is `;`-separated text whose header row is the
`export_columns` asked for, or one `ERROR NN :: MESSAGE` line. Dates are Unix timestamps. Each
line returned costs 40 API units.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

from .base import Budget, Connector, Fetch, Page, Pricing, PullCall, Pulled, Vendor, VendorError, VendorHttp, pull_pages

VENDOR = Vendor("Semrush", "https://api.semrush.com", ("SEMRUSH_API_KEY",), "API units")
PATH = "/analytics/v1/"
PRICING = Pricing(per_request=0, per_row=40, page_size=10_000)
#: "ERROR 50 :: NOTHING FOUND" is an empty report, not a failure.
NOTHING_FOUND = 50
#: Refused keys: 120 WRONG KEY - ID PAIR, 121 WRONG FORMAT OR EMPTY HASH, 130 API DISABLED.
BAD_KEY = frozenset({120, 121, 130})
_ERROR = re.compile(r"^ERROR (\d+) :: (.*)")

# export column -> the header of Semrush's own Backlinks / Referring domains export
BACKLINK_COLUMNS = {
    "page_ascore": "Page ascore", "source_title": "Source title", "source_url": "Source url",
    "target_url": "Target url", "anchor": "Anchor", "external_num": "External links",
    "internal_num": "Internal links", "nofollow": "Nofollow", "form": "Form", "frame": "Frame", "image": "Image",
    "sitewide": "Sitewide", "first_seen": "First seen", "last_seen": "Last seen", "newlink": "New link",
    "lostlink": "Lost link",
}  # fmt: skip
DOMAIN_COLUMNS = {
    "domain_ascore": "Domain ascore", "domain": "Domain", "backlinks_num": "Backlinks", "ip": "IP Address",
    "country": "Country", "first_seen": "First seen", "last_seen": "Last seen",
}  # fmt: skip
_TIMESTAMPS = ("first_seen", "last_seen")


def parse_answer(text: str, path: str = PATH) -> list[dict[str, Any]]:
    """The rows of a Semrush answer; raises on an `ERROR NN ::` line other than NOTHING FOUND."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].strip()
    error = _ERROR.match(first)
    if error:
        code = int(error.group(1))
        if code == NOTHING_FOUND:
            return []
        if code in BAD_KEY:
            raise VENDOR.bad_credentials()
        raise VendorError(
            f"Semrush error {code}: {error.group(2)}",
            where=f"Semrush {path}",
            fix="see https://developer.semrush.com/api/basics/api-errors/ for what the code means",
        )
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    for row in rows:
        for name in _TIMESTAMPS:
            if (row.get(name) or "").strip().isdigit():
                row[name] = f"{datetime.fromtimestamp(int(row[name]), UTC):%Y-%m-%d}"
    return rows


def _pull(report: str, call: str, columns: dict[str, str]) -> PullCall:
    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        (key,) = VENDOR.credentials(http.env)

        def fetch(limit: int, cursor: object) -> Page:
            offset = int(str(cursor or 0))
            params = {
                "type": report, "key": key, "target": site, "target_type": "root_domain",
                "export_columns": ",".join(columns), "display_limit": limit, "display_offset": offset,
            }  # fmt: skip
            items = parse_answer(http.call("GET", PATH, params=params).text)
            return Page(items, PRICING.per_row * len(items), offset + len(items))

        fetcher: Fetch = fetch
        return pull_pages(VENDOR, call, site, budget, PRICING, fetcher, columns, frozenset())

    return pull


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull("backlinks", "backlinks", BACKLINK_COLUMNS),
        "referring domains": _pull("backlinks_refdomains", "referring domains", DOMAIN_COLUMNS),
    },
)
