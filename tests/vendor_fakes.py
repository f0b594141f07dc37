"""A real local HTTP server playing the five vendors' backlink APIs, answering in the shapes their
public docs show (`tests/data/vendors/` holds the documented examples the answers are built on).

`links` maps each site to the demo market's links; every answer is those links in the vendor's
wire format, paged the way the vendor pages. `script` queues canned answers (a 429, an error
line) served before the data, and every request is recorded (method, path, query, headers, body).
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.demo.export_writers import Link
from bot.urls import domain_of

DOCS = Path(__file__).parent / "data" / "vendors"
CREDENTIALS = {
    "DATAFORSEO_LOGIN": "login@example.com",
    "DATAFORSEO_PASSWORD": "dfs-secret-pw",
    "SEMRUSH_API_KEY": "semrush-secret-key",
    "AHREFS_API_KEY": "ahrefs-secret-key",
    "MOZ_API_TOKEN": "moz-secret-token",
    "MAJESTIC_API_KEY": "majestic-secret-key",
}


def doc(name: str) -> Any:
    data = json.loads((DOCS / name).read_text("utf-8"))
    data.pop("_source", None)
    return data


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Answer:
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


def _day(text: str) -> str:
    return f"{text} 00:00:00 +00:00"


def _stamp(text: str) -> str:
    return str(int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()))


def _domains(links: list[Link]) -> list[Link]:
    """One link per referring domain: what a referring-domains report lists."""
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(domain_of(link.source), link)
    return list(seen.values())


class VendorFake:
    """`with VendorFake(links) as fake:` serves all five vendors on `fake.base`."""

    def __init__(self, links: Mapping[str, list[Link]]) -> None:
        self.links = {site: list(v) for site, v in links.items()}
        self.seen: list[Request] = []
        self.script: list[Answer] = []
        self.extra: dict[str, Any] = {}  # fields a vendor starts sending that gapbot does not know
        self._lock = threading.Lock()
        fake = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                request = Request(
                    self.command,
                    parts.path,
                    {k: v[0] for k, v in parse_qs(parts.query).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    json.loads(raw) if raw else None,
                )
                with fake._lock:
                    fake.seen.append(request)
                    answer = fake.script.pop(0) if fake.script else fake.answer(request)
                body = answer.body.encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = _serve
            do_POST = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> VendorFake:
        # a short poll: shutting the server down waits for it, after every test
        threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def env(self) -> dict[str, str]:
        urls = {f"GAPBOT_{v.upper()}_URL": self.base for v in ("DataForSEO", "Semrush", "Ahrefs", "Moz", "Majestic")}
        return {**CREDENTIALS, **urls}

    def answer(self, request: Request) -> Answer:
        if request.path.startswith("/v3/backlinks/"):
            return self._dataforseo(request)
        if request.path == "/analytics/v1/":
            return self._semrush(request)
        if request.path.startswith("/v3/site-explorer/"):
            return self._ahrefs(request)
        if request.path.startswith("/v2/"):
            return self._moz(request)
        if request.path == "/api/json":
            return self._majestic(request)
        return Answer(404, '{"error": "not found"}')

    # DataForSEO: HTTP Basic; a POSTed task array; pages continue by search_after_token.
    def _dataforseo(self, request: Request) -> Answer:
        expected = base64.b64encode(b"login@example.com:dfs-secret-pw").decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Answer(401, json.dumps(doc("dataforseo_error_40100.json")))
        (task,) = request.body
        if request.path.endswith("/domain_intersection/live"):
            return self._dataforseo_intersection(task)
        token = task.get("search_after_token")
        site, start = token.split("|") if token else (task["target"], "0")
        limit = int(task["limit"])
        envelope = doc("dataforseo_backlinks_live.json")
        links = self.links.get(site, [])
        if request.path.endswith("/referring_domains/live"):
            template, rows = doc("dataforseo_referring_domains_item.json"), _domains(links)
        else:
            template, rows = envelope["tasks"][0]["result"][0]["items"][0], links
        page = rows[int(start) : int(start) + limit]
        items = [self._dataforseo_item(template, link, request.path) for link in page]
        result = envelope["tasks"][0]["result"][0]
        more = int(start) + limit < len(rows)
        result.update(target=site, total_count=len(rows), items_count=len(items), items=items,
                      search_after_token=f"{site}|{int(start) + limit}" if more else None)  # fmt: skip
        envelope["tasks"][0]["cost"] = envelope["cost"] = 0.02 + 0.00003 * len(items)
        return Answer(200, json.dumps(envelope))

    def _dataforseo_intersection(self, task: dict[str, Any]) -> Answer:
        """Domains linking to any target (`partial`) or all (`all`), none linking to an excluded one."""
        envelope = doc("dataforseo_domain_intersection_live.json")
        result = envelope["tasks"][0]["result"][0]
        template = result["items"][0]["domain_intersection"]["1"]

        def by_domain(site: str) -> dict[str, Link]:
            return {link.source_host.removeprefix("www."): link for link in _domains(self.links.get(site, []))}

        targets: dict[str, str] = task["targets"]
        linking = {key: by_domain(site) for key, site in targets.items()}
        excluded = set().union(*(by_domain(site) for site in task.get("exclude_targets") or []))
        domains = sorted(set().union(*linking.values()) - excluded)
        if task.get("intersection_mode") == "all":
            domains = [d for d in domains if all(d in found for found in linking.values())]
        start, limit = int(task.get("offset") or 0), int(task["limit"])
        items = []
        for domain in domains[start : start + limit]:
            records = {key: {**copy.deepcopy(template), **self.extra, "target": domain, "rank": found[domain].authority,
                             "first_seen": _day(found[domain].first_seen)}
                       for key, found in linking.items() if domain in found}  # fmt: skip
            items.append({"domain_intersection": records, "summary": {"intersections_count": len(records)}})
        result.update(targets=targets, total_count=len(domains), items_count=len(items), items=items)
        envelope["tasks"][0]["cost"] = envelope["cost"] = 0.02 + 0.00003 * len(items)
        return Answer(200, json.dumps(envelope))

    def _dataforseo_item(self, template: dict[str, Any], link: Link, path: str) -> dict[str, Any]:
        item = {**copy.deepcopy(template), **self.extra}
        if path.endswith("/referring_domains/live"):
            item.update(
                domain=link.source_host.removeprefix("www."), rank=link.authority, first_seen=_day(link.first_seen)
            )
            return item
        item.update(
            domain_from=link.source_host, url_from=link.source, url_to=link.target, anchor=link.anchor,
            page_from_title=link.title, dofollow=not link.nofollow, domain_from_rank=link.authority,
            first_seen=_day(link.first_seen), last_seen=_day(link.last_seen), text_pre="", text_post="",
            attributes=[a for a, on in (("nofollow", link.nofollow), ("ugc", link.ugc),
                                        ("sponsored", link.sponsored)) if on] or None,
        )  # fmt: skip
        return item

    # Semrush: key in the query; `;`-separated text headed by the export_columns; display_offset pages.
    def _semrush(self, request: Request) -> Answer:
        if request.query.get("key") != CREDENTIALS["SEMRUSH_API_KEY"]:
            return Answer(200, (DOCS / "semrush_error_120.txt").read_text(), content_type="text/plain")
        columns = request.query["export_columns"].split(",")
        links = self.links.get(request.query["target"], [])
        rows = _domains(links) if request.query["type"] == "backlinks_refdomains" else links
        start, limit = int(request.query.get("display_offset", 0)), int(request.query["display_limit"])
        page = rows[start : start + limit]
        if not page:
            return Answer(200, (DOCS / "semrush_error_50.txt").read_text(), content_type="text/plain")
        lines = [";".join(columns), *(";".join(self._semrush_row(link).get(c, "") for c in columns) for link in page)]
        return Answer(200, "\r\n".join(lines), content_type="text/plain")

    @staticmethod
    def _semrush_row(link: Link) -> dict[str, str]:
        flag = {True: "true", False: "false"}
        return {
            "page_ascore": str(link.authority), "source_title": link.title, "source_url": link.source,
            "target_url": link.target, "anchor": link.anchor, "external_num": str(link.external_links),
            "internal_num": "40", "nofollow": flag[link.nofollow], "form": "false", "frame": "false",
            "image": "false", "sitewide": flag[link.sitewide], "first_seen": _stamp(link.first_seen),
            "last_seen": _stamp(link.last_seen), "newlink": "false", "lostlink": "false",
            "domain_ascore": str(link.authority), "domain": link.source_host.removeprefix("www."),
            "backlinks_num": "3", "ip": "203.0.113.7", "country": "us",
        }  # fmt: skip

    # Ahrefs v3: Bearer key; `select` names the fields; one list under the endpoint's key.
    def _ahrefs(self, request: Request) -> Answer:
        if request.headers.get("authorization") != f"Bearer {CREDENTIALS['AHREFS_API_KEY']}":
            return Answer(401, json.dumps(doc("ahrefs_error.json")))
        fields = request.query["select"].split(",")
        links = self.links.get(request.query["target"], [])
        limit = int(request.query["limit"])
        if request.path.endswith("/refdomains"):
            rows = [{"domain": link.source_host.removeprefix("www."), "domain_rating": link.authority,
                     "links_to_target": 2, "first_seen": f"{link.first_seen}T08:12:44Z", "traffic_domain": 100}
                    for link in _domains(links)]  # fmt: skip
            return Answer(200, json.dumps({"refdomains": [{f: r[f] for f in fields} for r in rows[:limit]]}))
        rows = [{"url_from": link.source, "url_to": link.target, "title": link.title, "anchor": link.anchor,
                 "snippet_left": "", "snippet_right": "", "domain_rating_source": link.authority,
                 "is_nofollow": link.nofollow, "is_ugc": link.ugc, "is_sponsored": link.sponsored,
                 "first_seen_link": f"{link.first_seen}T08:12:44Z", "last_visited": f"{link.last_seen}T10:00:00Z"}
                for link in links]  # fmt: skip
        return Answer(200, json.dumps({"backlinks": [{f: r[f] for f in fields} for r in rows[:limit]]}))

    # Moz Links API v2: x-moz-token; POSTed JSON; 50 results a page, next_token to continue.
    def _moz(self, request: Request) -> Answer:
        if request.headers.get("x-moz-token") != CREDENTIALS["MOZ_API_TOKEN"]:
            return Answer(401, json.dumps(doc("moz_error_401.json")))
        body = request.body
        token = body.get("next_token")
        site, start = token.split("|") if token else (body["target"], "0")
        links = self.links.get(site, [])
        limit = int(body["limit"])
        if request.path == "/v2/linking_root_domains":
            rows = [{"root_domain": link.source_host.removeprefix("www."), "domain_authority": link.authority,
                     "spam_score": 1, "page_authority": 20, "to_target": {"pages": 2, "nofollow_pages": 0}}
                    for link in _domains(links)]  # fmt: skip
        else:
            rows = [{"source": {"page": link.source.split("://", 1)[1], "root_domain": domain_of(link.source),
                                "title": link.title, "domain_authority": link.authority, "spam_score": 3},
                     "target": {"page": link.target.split("://", 1)[1], "root_domain": site},
                     "anchor_text": link.anchor, "nofollow": link.nofollow, "rel_ugc": link.ugc,
                     "date_first_seen": link.first_seen, "date_last_seen": link.last_seen, "date_disappeared": ""}
                    for link in links]  # fmt: skip
        page = rows[int(start) : int(start) + limit]
        more = int(start) + limit < len(rows)
        return Answer(200, json.dumps({"results": page, "next_token": f"{site}|{int(start) + limit}" if more else ""}))

    # Majestic: key and cmd in the query; `Code` says OK or names the error; GetBackLinkData pages by From.
    def _majestic(self, request: Request) -> Answer:
        if request.query.get("app_api_key") != CREDENTIALS["MAJESTIC_API_KEY"]:
            return Answer(200, json.dumps(doc("majestic_error_apikey.json")))
        answer = doc("majestic_getbacklinkdata.json")
        count = int(request.query["Count"])
        if request.query["cmd"] == "GetRefDomains":
            links = self.links.get(request.query["item0"], [])
            rows = [{"Position": i, "Domain": link.source_host.removeprefix("www."), "Matches": 2, "IP": "203.0.113.7",
                     "CountryCode": "US", "TrustFlow": link.authority, "CitationFlow": link.authority + 4,
                     "FirstCrawled": link.first_seen, "LastSuccessfulCrawl": link.last_seen}
                    for i, link in enumerate(_domains(links), 1)]  # fmt: skip
            answer["DataTables"] = {"Results": {"Headers": {"Count": len(rows[:count])}, "Data": rows[:count]}}
            return Answer(200, json.dumps(answer))
        links = self.links.get(request.query["item"], [])
        template = answer["DataTables"]["BackLinks"]["Data"][0]
        rows = []
        for link in links:
            row = dict(template)
            row.update(SourceURL=link.source, TargetURL=link.target, AnchorText=link.anchor, SourceTitle=link.title,
                       FlagNoFollow=int(link.nofollow), FirstIndexedDate=link.first_seen, LastSeenDate=link.last_seen,
                       SourceTrustFlow=link.authority, SourceCitationFlow=link.authority + 4)  # fmt: skip
            rows.append(row)
        start = int(request.query.get("From", 0))
        backlinks = answer["DataTables"]["BackLinks"]
        backlinks["Data"] = rows[start : start + count]
        backlinks["Headers"].update(
            Item=request.query["item"], Count=len(backlinks["Data"]), TotalBackLinks=len(rows), From=start
        )
        return Answer(200, json.dumps(answer))


def requests_to(fake: VendorFake, path: str) -> Iterator[Request]:
    return (r for r in fake.seen if r.path == path)
