"""The team's `Rules` tab: block, allow and classify rules matched against linking pages.

`allow` beats every noise rule (the team's and gapbot's own); `block` sends a page to `Noise`
as `Blocklisted`; `classify` sets the link type and beats gapbot's classifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bot.urls import host_key
from sheets_schema import header_key
from sheets_schema.vocabularies import LINK_TYPES, RULE_EFFECTS, RULE_MATCHES

_TYPES = {header_key(t): t for t in LINK_TYPES}


@dataclass(frozen=True)
class Rule:
    row: int  # row number in the Rules tab, for evidence and error messages
    match: str
    pattern: str
    effect: str
    link_type: str = ""
    note: str = ""

    def describe(self) -> str:
        text = f"Rules row {self.row}: {self.effect} {self.match} '{self.pattern}'"
        return f"{text} ({self.note})" if self.note else text

    def mask(self, pages: pd.DataFrame) -> np.ndarray:
        """Which pages (columns source_url, source_host, source_domain, title) this rule matches."""
        if self.match == "domain":
            wanted = host_key(self.pattern.split("/")[0])
            hit = (pages["source_host"] == wanted) | (pages["source_domain"] == wanted)
        elif self.match == "domain suffix":
            suffix = host_key(self.pattern.lstrip("*").lstrip(".")) or self.pattern.lstrip("*.").lower()
            hosts = pages["source_host"]
            hit = (hosts == suffix) | hosts.str.endswith("." + suffix)
        elif self.match == "URL contains":
            hit = pages["source_url"].str.lower().str.contains(self.pattern.lower(), regex=False)
        elif self.match == "URL regex":
            hit = pages["source_url"].str.contains(self.pattern, flags=re.IGNORECASE, regex=True)
        else:  # title contains
            hit = pages["title"].str.lower().str.contains(self.pattern.lower(), regex=False)
        return hit.fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class TeamRules:
    rules: tuple[Rule, ...] = ()
    problems: tuple[str, ...] = ()

    def of(self, effect: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.effect == effect)

    def first_match(self, effect: str, pages: pd.DataFrame) -> pd.Series:
        """For each page, the first rule of `effect` that matches it (None where none does)."""
        found = pd.Series([None] * len(pages), index=pages.index, dtype=object)
        for rule in self.of(effect):
            hit = rule.mask(pages) & found.isna().to_numpy()
            found[hit] = rule
        return found


def parse_rules(frame: pd.DataFrame) -> TeamRules:
    """Rules as typed (columns by schema name); bad rows are reported with their row and skipped."""
    rules: list[Rule] = []
    problems: list[str] = []
    matches = {header_key(m): m for m in RULE_MATCHES}
    effects = {header_key(e): e for e in RULE_EFFECTS}
    for position, (_, row) in enumerate(frame.iterrows()):
        number = position + 2
        match, pattern = str(row.get("Match", "")).strip(), str(row.get("Pattern", "")).strip()
        effect, link_type = str(row.get("Effect", "")).strip(), str(row.get("Link type", "")).strip()
        if not (match or pattern or effect):
            continue
        where = f"Rules row {number}"
        if header_key(match) not in matches:
            problems.append(f"{where}, column Match: {match!r} is not one of {', '.join(RULE_MATCHES)}; rule skipped")
            continue
        if header_key(effect) not in effects:
            problems.append(f"{where}, column Effect: {effect!r} is not one of block, allow, classify; rule skipped")
            continue
        if not pattern:
            problems.append(f"{where}, column Pattern: empty; rule skipped")
            continue
        match, effect = matches[header_key(match)], effects[header_key(effect)]
        if match == "URL regex":
            try:
                re.compile(pattern)
            except re.error as exc:
                problems.append(
                    f"{where}, column Pattern: {pattern!r} is not a valid regular expression ({exc}); rule skipped"
                )
                continue
        if effect == "classify" and header_key(link_type) not in _TYPES:
            problems.append(
                f"{where}, column Link type: a classify rule needs a link type from the dropdown, not {link_type!r}; "
                "rule skipped"
            )
            continue
        rules.append(
            Rule(
                number, match, pattern, effect, _TYPES.get(header_key(link_type), ""), str(row.get("Note", "")).strip()
            )
        )
    return TeamRules(tuple(rules), tuple(problems))
