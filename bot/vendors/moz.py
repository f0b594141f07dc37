"""Moz Links API v2 (https://moz.com/api/docs/links/links).

POST of a JSON body with the API token in the `x-moz-token` header; results come 50 at most per
call with a `next_token` for the next page. Every result row costs one row of the plan's quota.
An error is an HTTP error status with a JSON body naming it (`name`, `status`, `message`).
"""

from __future__ import annotations

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
    flatten,
    json_object,
    pull_pages,
)

VENDOR = Vendor("Moz", "https://lsapi.seomoz.com", ("MOZ_API_TOKEN",), "rows")
PRICING = Pricing(per_request=0, per_row=1, page_size=50)

# field (nested objects dotted) -> the header of Moz's own Inbound links / Linking domains export
LINK_FIELDS = {
    "source.page": "URL", "source.title": "Title", "anchor_text": "Anchor Text", "source.spam_score": "Spam Score",
    "source.domain_authority": "Domain Authority", "target.page": "Target URL", "nofollow": "Nofollow",
    "date_first_seen": "Date First Seen", "date_last_seen": "Date Last Seen", "date_disappeared": "Date Lost",
}  # fmt: skip
LINK_KNOWN = frozenset({
    "source.root_domain", "source.subdomain", "source.page_authority", "source.last_crawled", "source.http_code",
    "target.root_domain", "target.subdomain", "target.page_authority", "target.domain_authority",
    "target.spam_score", "target.title", "target.last_crawled", "target.http_code", "rel_canonical", "rel_gov",
    "rel_nofollow", "rel_redirect", "rel_ugc", "rel_sponsored",
})  # fmt: skip
DOMAIN_FIELDS = {
    "root_domain": "Root Domain", "domain_authority": "Domain Authority", "spam_score": "Spam Score",
    "to_target.pages": "Links to Target",
}  # fmt: skip
DOMAIN_KNOWN = frozenset({"page_authority", "to_target.nofollow_pages", "to_target.redirect_pages", "last_crawled"})


def _pull(path: str, call: str, fields: dict[str, str], known: frozenset[str]) -> PullCall:
    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        (token,) = VENDOR.credentials(http.env)

        def fetch(limit: int, cursor: object) -> Page:
            body: dict[str, object] = {
                "target": site,
                "target_scope": "root_domain",
                "filter": "external",
                "limit": limit,
            }
            if cursor:
                body["next_token"] = cursor
            response = http.call("POST", path, json=body, headers={"x-moz-token": token})
            answer = json_object(response.content)
            if response.status_code != 200 or not isinstance(answer.get("results"), list):
                named = ": ".join(str(answer[k]) for k in ("name", "message", "error") if answer.get(k))
                raise VendorError(
                    f"Moz error (HTTP {response.status_code}): {(named or str(answer))[:200]}",
                    where=f"Moz {path}",
                    fix="see https://moz.com/help/links-api for what the message means",
                )
            items = [flatten(r) for r in answer["results"]]
            return Page(items, PRICING.per_row * len(items), answer.get("next_token") or None)

        return pull_pages(VENDOR, call, site, budget, PRICING, fetch, fields, known)

    return pull


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull("/v2/links", "backlinks", LINK_FIELDS, LINK_KNOWN),
        "referring domains": _pull("/v2/linking_root_domains", "referring domains", DOMAIN_FIELDS, DOMAIN_KNOWN),
    },
)
