"""Check 1,000 URLs on a local server that answers each request after 100 ms; print wall time.

Sequentially this would take 100 s. The URLs are spread over 100 host names (resolved to the
local server by a fixed resolver, as a crawl over many prospects' sites is), so the default
per-host limit (4) and global limit (64) both apply; robots.txt is read once per host.

Run: PYTHONPATH=$PWD /work/venv/bin/python bench/bench_crawl.py [--urls 1000] [--hosts 100]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.crawl import CrawlConfig, Fetcher, StaticResolver
from tests.http_server import LocalServer, Route, html


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.1)
    args = parser.parse_args()

    with LocalServer(default_delay=args.delay) as server:
        server.routes["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private\n", content_type="text/plain")
        for i in range(args.urls):
            server.routes[f"/page/{i}"] = Route(body=html(f"Page {i}", body="<p>content</p>" * 50))
        names = {f"site{h}.example": "127.0.0.1" for h in range(args.hosts)}
        urls = [server.url(f"/page/{i}", host=f"site{i % args.hosts}.example") for i in range(args.urls)]
        config = CrawlConfig(allow_private=True, contact_url="https://bench.example/")
        fetcher = Fetcher(config, StaticResolver(names))
        started = time.perf_counter()
        results = fetcher.fetch_all(urls)
        wall = time.perf_counter() - started

    ok = sum(1 for r in results.values() if r.status == 200)
    print(f"urls: {args.urls} on {args.hosts} hosts, server delay {args.delay * 1000:.0f} ms per request")
    print(f"limits: global {config.global_limit}, per host {config.per_host_limit}")
    print(f"answered 200: {ok}/{len(results)}; robots.txt requests: {server.hits('/robots.txt')}")
    print(f"wall time: {wall:.2f} s (sequential would be {(args.urls + args.hosts) * args.delay:.0f} s)")


if __name__ == "__main__":
    main()
