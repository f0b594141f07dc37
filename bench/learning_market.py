"""A demo workbook grown to a market of about 190 prospects, for the learning simulation and its tests.

The demo's own workbook and exports (`bot.demo.write_demo`), plus one more Ahrefs export per
demo competitor with referring domains of every kind a link builder meets (resource pages,
roundups, articles, guest posts, forums, news, partner pages, directories). Pages are not read
(`Pages read per run` is 0 in the demo), so gapbot judges them by URL and title, as the demo does.
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.demo import EXPORTS_DIR_SUFFIX, write_demo
from bot.demo.export_writers import Link, ahrefs_backlinks_tsv

COMPETITORS = ("billhive.com", "paypilot.co.uk", "freelancerbank.com", "tallybook.io")
COMPETITOR_PAGES = ("/", "/invoice-template", "/tools/late-fee-calculator", "/blog/invoicing-tips")
PAGE_KINDS = (
    ("/resources/{w}-tools", "Useful {w} resources for small business"),
    ("/blog/{n}-best-{w}-apps", "{n} best {w} apps for freelancers"),
    ("/{y}/{m:02d}/{w}-lessons-learned", "What I learned about {w} this year"),
    ("/guest-post/{w}-tips", "Guest post: {w} tips for designers"),
    ("/forum/t/{w}-question/{n}", "Which {w} app do you use? - Forum"),
    ("/news/{w}-survey-{y}", "{w} survey finds one in three invoices paid late"),
    ("/partners", "Our partners"),
    ("/broken-links/{w}", "{w} links (some of these pages have moved)"),
)
WORDS = ("invoice", "invoicing", "billing", "payment", "vat", "tax", "accounting", "freelance", "budget", "payroll")
TLDS = (".com", ".org", ".co.uk", ".net", ".io")


def market_links(domains: int, seed: int) -> dict[str, list[Link]]:
    """Links per competitor from `domains` referring domains, each linking to one to three competitors."""
    rng = random.Random(seed)
    per_competitor: dict[str, list[Link]] = {c: [] for c in COMPETITORS}
    for d in range(domains):
        kind, word = rng.randrange(len(PAGE_KINDS)), WORDS[rng.randrange(len(WORDS))]
        path, title = PAGE_KINDS[kind]
        n, year, month = rng.randrange(3, 40), 2021 + rng.randrange(5), 1 + rng.randrange(12)
        host = f"{word}{['hub', 'desk', 'notes', 'works', 'weekly'][d % 5]}{d}{TLDS[d % len(TLDS)]}"
        source = f"https://www.{host}{path.format(w=word, n=n, y=year, m=month)}"
        linked = rng.sample(COMPETITORS, k=rng.choice((1, 1, 1, 2, 2, 3)))
        authority = int(min(95, max(3, rng.gauss(40, 20))))
        for competitor in linked:
            per_competitor[competitor].append(
                Link(
                    source=source,
                    title=title.format(w=word.title(), n=n, y=year),
                    anchor=f"{word} software",
                    target=f"https://{competitor}{rng.choice(COMPETITOR_PAGES)}",
                    authority=authority,
                    nofollow=rng.random() < 0.2,
                    first_seen=f"{year}-{month:02d}-10",
                )
            )
    return per_competitor


def write_market(path: Path, seed: int, domains: int = 170) -> Path:
    """The demo workbook at `path` with `domains` more referring domains in its exports folder."""
    write_demo(path)
    exports = path.with_name(path.stem + EXPORTS_DIR_SUFFIX)
    for competitor, links in market_links(domains, seed).items():
        (exports / f"{competitor}-backlinks-market_2026-11-20.csv").write_bytes(ahrefs_backlinks_tsv(links))
    return exports
