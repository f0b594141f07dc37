"""Wall time and peak memory of the whole analysis on 1,000,000 link rows (5 competitors).

    PYTHONPATH=. python bench/bench_analysis.py [--rows 1000000]

The link table is generated here directly in its canonical form (reading exports is measured
elsewhere): referring domains with several pages each, titles drawn from the kinds of pages
real exports hold (resource pages, roundups, articles, forums, directories, coupon and spam
pages), some sites linking to us, site-wide blogrolls and off-market languages.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import date

import numpy as np
import pandas as pd

from bot.analysis.pipeline import AnalysisInputs, analyze_links
from bot.linktable import conform
from bot.settings import parse_settings

COMPETITORS = ("rival-one.com", "rival-two.co.uk", "rival-three.io", "rival-four.com", "bigpublisher.com")
TOPICS = ("invoicing", "invoicing", "late payments", "tax", "invoicing")
PAGE_KINDS = (
    ("/resources/{w}-tools", "Useful {w} resources for small business"),
    ("/blog/{n}-best-{w}-apps", "{n} best {w} apps for freelancers"),
    ("/{y}/{m:02d}/{w}-lessons-learned", "What I learned about {w} this year"),
    ("/guest-post/{w}-tips", "Guest post: {w} tips for designers"),
    ("/forum/t/{w}-question/{n}", "Which {w} app do you use? - Forum"),
    ("/listing/{w}-software-{n}", "{w} software - directory listing"),
    ("/news/{w}-survey-{y}", "{w} survey finds one in three invoices paid late"),
    ("/partners", "Our partners"),
    ("/{w}-promo-codes", "{w} promo codes & coupons - 40% off"),
    ("/seo-backlinks-{n}", "SEO BACKLINKS, BULK LINK POSTING - TG @seller{n}"),
    ("/p/{n}", ""),
)
KIND_WEIGHTS = np.array([10, 12, 30, 4, 8, 6, 5, 3, 2, 3, 17], dtype=float)
WORDS = ("invoice", "invoicing", "billing", "payment", "vat", "tax", "accounting", "freelance", "budget", "payroll")
TARGET_PATHS = ("/", "/invoice-template", "/tools/vat-calculator", "/research/late-payments", "/blog/tips", "/pricing")


def generate(rows: int, seed: int = 7) -> pd.DataFrame:
    """A canonical link table of `rows` links to five competitors (and a few to us)."""
    rng = np.random.default_rng(seed)
    domains = max(1000, rows // 7)
    # Most sites give a handful of links; a few big ones give many (a long tail, as in real exports).
    domain_id = np.where(rng.random(rows) < 0.8, rng.integers(0, domains, rows), rng.zipf(1.6, rows) % domains)
    page_id = rng.integers(0, 6, rows)
    kind = rng.choice(len(PAGE_KINDS), rows, p=KIND_WEIGHTS / KIND_WEIGHTS.sum())
    word = rng.integers(0, len(WORDS), rows)
    n = rng.integers(3, 40, rows)
    competitor = rng.choice(len(COMPETITORS), rows, p=[0.22, 0.2, 0.18, 0.15, 0.25])
    to_us = rng.random(rows) < 0.03
    tlds = np.array([".com", ".org", ".co.uk", ".net", ".io", ".de", ".blogspot.com"])
    tld = tlds[domain_id % len(tlds)]
    hosts = pd.Series([f"site{d}" for d in domain_id]) + tld
    paths = [
        PAGE_KINDS[k][0].format(w=WORDS[w], n=x + p, y=2020 + p, m=1 + x % 12)
        for k, w, x, p in zip(kind, word, n, page_id, strict=True)
    ]
    titles = [PAGE_KINDS[k][1].format(w=WORDS[w].title(), n=x, y=2024) for k, w, x in zip(kind, word, n, strict=True)]
    source_url = "https://www." + hosts + pd.Series(paths)
    target_domain = np.where(to_us, "ledgerly.io", np.array(COMPETITORS)[competitor])
    target_path = np.array(TARGET_PATHS)[rng.integers(0, len(TARGET_PATHS), rows)]
    target_url = "https://" + pd.Series(target_domain) + pd.Series(target_path)
    source_domain = hosts.str.replace(r"^site(\d+)\.blogspot\.com$", r"site\1.blogspot.com", regex=True)
    frame = pd.DataFrame(
        {
            "source_url": source_url,
            "source_key": source_url.str.slice(12),
            "source_host": hosts,
            "source_domain": source_domain,
            "target_url": target_url,
            "target_key": target_url.str.slice(8),
            "target_domain": target_domain,
            "anchor": np.array(WORDS)[word],
            "title": titles,
            "nofollow": rng.random(rows) < 0.2,
            "ugc": kind == 4,
            "sponsored": rng.random(rows) < 0.01,
            "authority": rng.integers(0, 95, rows).astype(float),
            "language": np.where(rng.random(rows) < 0.08, "de", "en"),
            "is_spam": rng.random(rows) < 0.02,
            "external_links": rng.integers(1, 200, rows),
            "traffic": rng.integers(0, 5000, rows).astype(float),
            "target_status": np.where(rng.random(rows) < 0.02, 404, 200),
            "first_seen": "2024-05-01",
            "last_seen": "2026-11-01",
            "level": "page",
            "export": np.array([f"{c}-backlinks.csv" for c in COMPETITORS])[competitor],
            "tool": "Ahrefs",
        }
    )
    return conform(frame)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    links = generate(args.rows)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    competitors = pd.DataFrame(
        {
            "domain": COMPETITORS,
            "display": COMPETITORS,
            "group": ["Direct SERP competitor"] * 4 + ["Aspirational peer"],
            "topic": TOPICS,
            "active": True,
        }
    )
    targets = pd.DataFrame(
        {
            "url": ["https://ledgerly.io/", "https://ledgerly.io/invoice-template", "https://ledgerly.io/vat"],
            "domain": "ledgerly.io",
            "topic": ["invoicing", "invoicing", "tax"],
            "keywords": ["invoicing software", "invoice template, free invoice", "vat calculator"],
            "asset_type": ["Homepage", "Template", "Tool / calculator"],
            "active": True,
        }
    )
    settings = parse_settings(
        pd.DataFrame({"Setting": ["Our domains", "Market languages"], "Value": ["ledgerly.io", "en"]})
    )
    inputs = AnalysisInputs(
        links=links,
        competitors=competitors,
        targets=targets,
        rules=pd.DataFrame(columns=["Match", "Pattern", "Effect", "Link type", "Note"]),
        serp=pd.DataFrame(columns=["Keyword", "Position", "URL"]),
        settings=settings,
    )
    start, cpu_start = time.perf_counter(), time.process_time()
    out = analyze_links(inputs, date(2026, 11, 20))
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"rows {len(links):,}  referring domains {links['source_domain'].nunique():,}  "
        f"pages {links['source_url'].nunique():,}"
    )
    print(
        f"prospects {len(out.prospects):,}  noise domains {len(out.noise):,}  "
        f"links tab {len(out.links):,}  batches {len(out.batches):,}"
    )
    print(
        f"analysis wall time {wall:.1f} s, CPU time {cpu:.1f} s (wall time grows when other processes share the CPUs)"
    )
    print(f"peak memory (process RSS) {peak:,.0f} MiB  (after generating the input: {before:,.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
