"""A pull of N links from the local vendor fake: rows per second and peak memory.

    python bench/bench_vendor_pull.py --links 100000 --vendor Semrush

Serves N backlinks for one site from `tests.vendor_fakes.VendorFake` (real HTTP on 127.0.0.1),
pulls them with the vendor's connector at its own page size, and turns the pull into the link
table through the export ingest, as `analyze` does. Peak memory is the process's high-water mark.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

from bot.demo.export_writers import Link
from bot.ingest import read_export_frame
from bot.vendors import CONNECTORS, Budget, VendorHttp
from tests.vendor_fakes import VendorFake


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--vendor", default="Semrush", choices=[c.vendor.name for c in CONNECTORS.values()])
    args = parser.parse_args()
    links = [
        Link(
            f"https://site{i % 9973}.example.org/post-{i}",
            f"Post {i}",
            "invoice tools",
            "https://billhive.com/",
            i % 90,
        )
        for i in range(args.links)
    ]
    connector = CONNECTORS[args.vendor.casefold()]
    with VendorFake({"billhive.com": links}) as fake:
        os.environ.update(fake.env())
        http = VendorHttp(connector.vendor)
        started = time.perf_counter()
        pulled = connector.calls["backlinks"](http, "billhive.com", Budget(1e12))
        pulled_at = time.perf_counter()
        _links, report = read_export_frame(pulled.name, pulled.frame)
        done = time.perf_counter()
        http.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows, unit = len(pulled.frame), connector.vendor.unit
    print(
        f"{args.vendor}: {rows:,} rows in {pulled.requests} requests, {pulled.units:g} {unit}; "
        f"pull {pulled_at - started:.2f} s ({rows / (pulled_at - started):,.0f} rows/s), "
        f"ingest {done - pulled_at:.2f} s; {report.rows_read:,} links; peak {peak_mb:,.0f} MB"
    )


if __name__ == "__main__":
    main()
