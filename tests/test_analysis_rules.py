"""The team's Rules tab: parsing with clear problems, and what each Match kind matches."""

from __future__ import annotations

import pandas as pd

from bot.analysis.rules import parse_rules
from tests.linkrows import rules

PAGES = pd.DataFrame(
    {
        "source_url": ["https://blog.shop.com/guest-posts/a", "https://shop.com/", "https://other.co.uk/Resources"],
        "source_host": ["blog.shop.com", "shop.com", "other.co.uk"],
        "source_domain": ["shop.com", "shop.com", "other.co.uk"],
        "title": ["Write for us", "Shop home", "Useful Resources"],
    }
)


def matched(match: str, pattern: str) -> list[bool]:
    team = parse_rules(rules((match, pattern, "block", "")))
    assert not team.problems
    return team.rules[0].mask(PAGES).tolist()


def test_each_match_kind() -> None:
    assert matched("domain", "shop.com") == [True, True, False]  # the registrable domain covers subdomains
    assert matched("domain", "blog.shop.com") == [True, False, False]  # a host matches only that host
    assert matched("domain suffix", ".co.uk") == [False, False, True]
    assert matched("URL contains", "/GUEST-posts/") == [True, False, False]  # case-insensitive
    assert matched("URL regex", r"/resources$") == [False, False, True]
    assert matched("title contains", "write for") == [True, False, False]


def test_bad_rows_are_reported_with_row_and_column_and_skipped() -> None:
    team = parse_rules(
        rules(
            ("domain", "ok.com", "allow", ""),
            ("hostname", "x.com", "block", ""),
            ("URL regex", "([", "block", ""),
            ("domain", "y.com", "classify", "Nice page"),
            ("domain", "", "block", ""),
            ("domain", "z.com", "delete", ""),
        )
    )
    assert [r.pattern for r in team.rules] == ["ok.com"]
    assert [p.split(":")[0] for p in team.problems] == [
        "Rules row 3, column Match",
        "Rules row 4, column Pattern",
        "Rules row 5, column Link type",
        "Rules row 6, column Pattern",
        "Rules row 7, column Effect",
    ]


def test_first_matching_rule_per_page_and_effect() -> None:
    team = parse_rules(
        rules(
            ("URL contains", "guest", "classify", "Guest contribution"), ("domain", "shop.com", "classify", "Directory")
        )
    )
    found = team.first_match("classify", PAGES)
    assert [r.link_type if r else None for r in found] == ["Guest contribution", "Directory", None]
    assert found.iloc[0].describe() == "Rules row 2: classify URL contains 'guest'"
