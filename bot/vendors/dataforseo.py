"""DataForSEO Backlinks API v3 (https://docs.dataforseo.com/v3/backlinks/overview/).

Every call is a POST of a task array with HTTP Basic auth; the answer is a JSON envelope whose
own `status_code` (20000 = Ok.) says whether the call worked, at the top and per task, whatever
the HTTP status. Prices are in US dollars and each task states what it cost.

`domain_intersection/live` takes up to 20 `targets` and `exclude_targets`, and lists each domain
linking to any of the targets (`intersection_mode: partial`) but to none of the excluded, with
one referring-domain record per target it links to. With our domains excluded that is the gap
itself: one call (and one request price) gives every competitor's referring domains that matter,
where `referring_domains/live` would take one call per competitor and list the domains linking to
us too. It pages by `offset`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import (
    Budget,
    Connector,
    Fetch,
    Joint,
    Page,
    Pricing,
    PullCall,
    Pulled,
    Vendor,
    VendorError,
    VendorHttp,
    export_frame,
    pull_pages,
    read_pages,
)

VENDOR = Vendor("DataForSEO", "https://api.dataforseo.com", ("DATAFORSEO_LOGIN", "DATAFORSEO_PASSWORD"), "USD")

OK = 20000
#: Envelope codes for refused credentials (docs, "Errors": 40100 not authorized, 40104 blocked account).
BAD_CREDENTIALS = frozenset({40100, 40101, 40102, 40103, 40104})
#: $0.02 per task plus $0.00003 per row returned (Backlinks API pricing); the answer's `cost` is what is spent.
PRICING = Pricing(per_request=0.02, per_row=0.00003, page_size=1000)

# The API's field names are the header: DataForSEO has no export file of its own
# (`bot.ingest.formats.DATAFORSEO_BACKLINKS` maps them).
BACKLINK_FIELDS = (
    "url_from", "url_to", "page_from_title", "anchor", "text_pre", "text_post", "dofollow", "attributes",
    "is_lost", "page_from_language", "page_from_external_links", "backlink_spam_score", "domain_from_rank",
    "first_seen", "last_seen",
)  # fmt: skip
BACKLINK_KNOWN = frozenset({
    "type", "domain_from", "url_from_https", "domain_to", "url_to_https", "tld_from", "is_new", "rank",
    "page_from_rank", "domain_from_platform_type", "domain_from_is_ip", "domain_from_ip", "domain_from_country",
    "page_from_internal_links", "page_from_size", "page_from_encoding", "page_from_status_code", "prev_seen",
    "item_type", "original", "alt", "image_url", "semantic_location", "links_count", "group_count", "is_broken",
    "url_to_status_code", "url_to_spam_score", "url_to_redirect_target", "ranked_keywords_info",
    "is_indirect_link", "indirect_link_path",
})  # fmt: skip
DOMAIN_FIELDS = ("domain", "rank", "backlinks", "referring_pages", "first_seen", "lost_date", "backlinks_spam_score")
DOMAIN_KNOWN = frozenset({
    "type", "broken_backlinks", "broken_pages", "referring_domains", "referring_domains_nofollow",
    "referring_main_domains", "referring_main_domains_nofollow", "referring_ips", "referring_subnets",
    "referring_pages_nofollow", "referring_links_tld", "referring_links_types", "referring_links_attributes",
    "referring_links_platform_types", "referring_links_semantic_locations", "referring_links_countries",
})  # fmt: skip


INTERSECTION_PATH = "/v3/backlinks/domain_intersection/live"
MOST_TARGETS = 20  # `targets` holds up to 20 domains
MOST_EXCLUDED = 10  # and `exclude_targets` up to 10
#: In an intersection record the referring domain is `target`; the other fields are a referring domain's.
INTERSECTION_FIELDS = {"target": "domain", **{f: f for f in DOMAIN_FIELDS if f != "domain"}}


def _task(http: VendorHttp, path: str, body: Mapping[str, Any]) -> dict[str, Any]:
    login, password = VENDOR.credentials(http.env)
    response = http.call("POST", path, json=[dict(body)], auth=(login, password))
    try:
        envelope = response.json()
    except ValueError:
        raise VendorError(
            f"DataForSEO answered HTTP {response.status_code} with no JSON", where=f"DataForSEO {path}"
        ) from None
    tasks = envelope.get("tasks") or []
    task = tasks[0] if tasks else envelope
    for level in (envelope, task):
        code = level.get("status_code")
        if code in BAD_CREDENTIALS:
            raise VENDOR.bad_credentials(response.status_code)
        if code != OK:
            raise VendorError(
                f"DataForSEO error {code}: {level.get('status_message', '')}",
                where=f"DataForSEO {path}",
                fix="see https://docs.dataforseo.com/v3/appendix/errors/ for what the code means",
            )
    return dict(task)


def _fetch(http: VendorHttp, path: str, body: dict[str, Any]) -> Fetch:
    def fetch(limit: int, cursor: object) -> Page:
        # A search_after_token continues the first task: the docs say every other field but limit is ignored.
        request = {"search_after_token": cursor, "limit": limit} if cursor else {**body, "limit": limit}
        task = _task(http, path, request)
        result = (task.get("result") or [{}])[0] or {}
        items = result.get("items") or []
        return Page(items, float(task.get("cost") or 0), result.get("search_after_token"), result.get("total_count"))

    return fetch


def _pull(path: str, call: str, fields: tuple[str, ...], known: frozenset[str], extra: dict[str, Any]) -> PullCall:
    def pull(http: VendorHttp, site: str, budget: Budget) -> Pulled:
        body = {"target": site, "rank_scale": "one_hundred", **extra}
        fetch = _fetch(http, path, body)
        return pull_pages(VENDOR, call, site, budget, PRICING, fetch, {f: f for f in fields}, known)

    return pull


def _intersection_page(http: VendorHttp, body: dict[str, Any]) -> Fetch:
    def fetch(limit: int, cursor: object) -> Page:
        offset = int(str(cursor or 0))
        task = _task(http, INTERSECTION_PATH, {**body, "limit": limit, "offset": offset})
        result = (task.get("result") or [{}])[0] or {}
        items = result.get("items") or []
        return Page(items, float(task.get("cost") or 0), offset + len(items), result.get("total_count"))

    return fetch


def competitors_referring_domains(
    http: VendorHttp, competitors: list[str], ours: list[str], budget: Budget
) -> list[Pulled]:
    """Each competitor's referring domains that do not link to us, from domain_intersection calls
    of up to 20 competitors each, as `referring domains` reports (one per competitor)."""
    pulled: list[Pulled] = []
    for first in range(0, len(competitors), MOST_TARGETS):
        group = competitors[first : first + MOST_TARGETS]
        targets = {str(i): site for i, site in enumerate(group, 1)}
        body = {"targets": targets, "exclude_targets": ours[:MOST_EXCLUDED], "intersection_mode": "partial",
                "rank_scale": "one_hundred"}  # fmt: skip
        read = read_pages("referring domains", ", ".join(group), budget, PRICING, _intersection_page(http, body))
        unknown = {name for item in read.items for name in item} - {"domain_intersection", "summary"}
        via = f"one domain_intersection call for {len(group)} competitors, our domains left out"
        for key, site in targets.items():
            records = [item["domain_intersection"][key] for item in read.items
                       if key in (item.get("domain_intersection") or {})]  # fmt: skip
            frame, fields = export_frame(records, INTERSECTION_FIELDS, DOMAIN_KNOWN | {"type"})
            share = read.units / len(group)  # what each report cost: the call's price, shared
            pulled.append(Pulled(VENDOR.name, "referring domains", site, frame, share, read.requests,
                                 unknown | fields, read.unread, via))  # fmt: skip
    return pulled


CONNECTOR = Connector(
    VENDOR,
    {
        "backlinks": _pull(
            "/v3/backlinks/backlinks/live", "backlinks", BACKLINK_FIELDS, BACKLINK_KNOWN, {"mode": "as_is"}
        ),
        "referring domains": _pull(
            "/v3/backlinks/referring_domains/live", "referring domains", DOMAIN_FIELDS, DOMAIN_KNOWN, {}
        ),
    },
    Joint("referring domains", competitors_referring_domains),
)
