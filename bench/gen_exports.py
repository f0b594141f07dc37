"""Generate large backlink exports in each tool's own file format, for the ingest benchmark.

    PYTHONPATH=. python bench/gen_exports.py --rows 1000000 --out /tmp/gapbot-exports

The links look like real exports: about eight pages per referring domain (one row per domain in
domain-level reports), `www.` and bare hosts, 0.2% IDN hosts, 5% query strings (a tenth of them
with tracking parameters), a few ports and IP-literal hosts, one competitor's 2,000 pages as targets.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path

from bot.demo import export_writers as w

LAYOUTS = {
    "ahrefs-backlinks": lambda: w.AHREFS_BACKLINKS,
    "ahrefs-v2-backlinks": w.ahrefs_v2_backlinks,
    "ahrefs-referring-domains": lambda: w.AHREFS_REFERRING_DOMAINS,
    "semrush-backlinks": lambda: w.SEMRUSH_BACKLINKS,
    "semrush-referring-domains": lambda: w.SEMRUSH_REFERRING_DOMAINS,
    "semrush-backlink-audit": lambda: w.SEMRUSH_BACKLINK_AUDIT,
    "moz-inbound-links": lambda: w.MOZ_INBOUND_LINKS,
    "moz-linking-domains": lambda: w.MOZ_LINKING_DOMAINS,
    "majestic-backlinks": lambda: w.MAJESTIC_BACKLINKS,
    "majestic-referring-domains": w.majestic_referring_domains,
    "gsc-latest-links": lambda: w.GSC_LATEST_LINKS,
    "gsc-top-linking-sites": lambda: w.GSC_TOP_LINKING_SITES,
}
WORDS = ("invoice", "tax", "freelance", "guide", "best", "tools", "small-business", "vat", "payroll", "budget")
TLDS = ("com", "org", "net", "co.uk", "de", "io", "blogspot.com", "com.au")


def links(rows: int, seed: int = 7, target_site: str = "competitor.com", pages_per_domain: int = 8) -> Iterator[w.Link]:
    rng = random.Random(seed)
    domains = max(1, rows // pages_per_domain)
    for i in range(rows):
        d = rng.randrange(domains) if pages_per_domain > 1 else i
        host = f"site{d}-{WORDS[d % len(WORDS)]}.{TLDS[d % len(TLDS)]}"
        roll = rng.random()
        if roll < 0.5:
            host = "www." + host
        elif roll < 0.502:  # 0.2% IDN hosts, as in the real Ahrefs and Semrush samples
            host = f"münz{d}.de"
        elif roll < 0.505:
            host = f"203.0.{d % 250}.{i % 250}"
        path = f"/{WORDS[i % len(WORDS)]}/{i}-{WORDS[(i // 7) % len(WORDS)]}"
        if roll > 0.995:  # the real samples have none; 0.5% keeps the slow path honest
            path += f"?utm_source=news&id={i}"
        elif roll > 0.95:
            path += f"?page={i % 9}"
        source = f"https://{host}{':8443' if roll > 0.999 else ''}{path}"
        page = rng.randrange(2000)
        yield w.Link(
            source=source,
            title=f"{WORDS[i % 10].title()} tips, part {i}",
            anchor=f"{WORDS[page % 10]} guide",
            target=f"https://www.{target_site}/{WORDS[page % 10]}/{page}",
            authority=rng.randrange(101),
            nofollow=roll < 0.3,
            ugc=roll < 0.05,
            first_seen=f"20{18 + i % 8}-0{1 + i % 9}-1{i % 10}",
            last_seen="2026-11-01",
            external_links=rng.randrange(1, 300),
            left_context="as explained in this",
            right_context="you can start today.",
        )


def write_exports(rows: int, out: Path, names: list[str]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = out / f"competitor.com-{name}-{rows}.csv"
        layout = LAYOUTS[name]()
        # a domain-level report has one row per referring domain
        path.write_bytes(layout.write(links(rows, pages_per_domain=1 if layout.level == "domain" else 8)))
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=Path("/tmp/gapbot-exports"))
    parser.add_argument("--format", action="append", choices=sorted(LAYOUTS), help="default: all")
    args = parser.parse_args()
    for path in write_exports(args.rows, args.out, args.format or sorted(LAYOUTS)):
        print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
