"""Relevance, feasibility and value (0-100 each), the priority they combine into, and the `Why`.

Learning from the team's outcomes is not here: `bot.learning.refresh.learned_scores` adds its
points to the Priority computed here (the built-in priority), for `analyze` and `watch` alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from .frames import arrow, matches
from .priority import combine_priority

TYPE_FEASIBILITY: dict[str, float] = {
    "Broken link": 75,
    "Resource page": 70,
    "Directory": 65,
    "List / roundup": 60,
    "Guest contribution": 55,
    "Forum / UGC": 45,
    "Editorial mention": 40,
    "Digital PR": 35,
    "Other": 30,
    "Partnership / association": 20,
}
_STOPWORDS = frozenset({"free", "best", "with", "from", "your", "online", "software", "tool", "tools", "page"})


@dataclass(frozen=True)
class ScoreContext:
    keywords: tuple[str, ...]  # our targets' keywords and topics
    market_languages: frozenset[str]
    today: date
    weights: tuple[float, float, float]  # relevance, feasibility, value


def keyword_match(texts: pd.Series, keywords: Iterable[str]) -> tuple[pd.Series, pd.Series]:
    """1 where a whole keyword phrase appears, 0.5 where one of its distinctive words does, else 0.

    Returns the score and the matched words (for the `Why`).
    """
    phrases = sorted({k.strip().lower() for k in keywords if len(k.strip()) >= 3}, key=len, reverse=True)
    words = sorted({w for p in phrases for w in re.findall(r"[a-z0-9]{4,}", p) if w not in _STOPWORDS})
    score = np.zeros(len(texts))
    found = np.full(len(texts), "", dtype=object)
    fast = arrow(texts.str.lower())
    for level, terms in ((1.0, phrases), (0.5, words)):
        if not terms:
            continue
        regex = r"\b(" + "|".join(re.escape(t) for t in terms) + r")"
        hit = matches(fast, regex) & (score == 0)
        if hit.any():
            pattern = re.compile(regex)
            score[hit] = level
            found[hit] = [m.group(1) if (m := pattern.search(t)) else "" for t in texts[hit].str.lower()]
    return pd.Series(score, index=texts.index), pd.Series(found, index=texts.index)


def score_prospects(
    prospects: pd.DataFrame,
    features: pd.DataFrame,
    context: ScoreContext,
) -> pd.DataFrame:
    """Relevance, Feasibility, Value, Priority and Why for each prospect.

    `prospects` holds the Prospects columns so far (Link type, Overlap, Follow, Authority, Target
    page, Competitors linked, Topic); `features` (same index) holds `text`, `language`,
    `first_seen`, `last_seen`, `lost`, `traffic`, `direct` (links to a direct SERP competitor),
    `target_fit` (0-1), `type_evidence` and `asset_gap` (the competitor's asset type we lack, or "").
    """
    overlap = pd.to_numeric(prospects["Overlap"], errors="coerce").fillna(1).clip(lower=1)
    followed = prospects["Follow"].astype(str) != "No"
    authority = pd.to_numeric(prospects["Authority"], errors="coerce")

    kw, kw_words = keyword_match(features["text"], context.keywords)
    language_fit = _language_fit(features["language"], context.market_languages)
    relevance = (
        20
        + 40 * kw
        + 15 * language_fit
        + 15 * np.where(features["direct"], 1.0, 0.5)
        + 10 * features["target_fit"].astype(float)
    ).clip(0, 100)

    base = prospects["Link type"].map(TYPE_FEASIBILITY).fillna(30.0)
    base = base + 10 * (overlap.clip(upper=4) - 1)
    last_seen = pd.to_datetime(features["last_seen"], errors="coerce")
    first_seen = pd.to_datetime(features["first_seen"], errors="coerce")
    today = pd.Timestamp(context.today)
    base = base + np.where((today - last_seen).dt.days <= 180, 5, 0)
    base = base + np.where((last_seen - first_seen).dt.days >= 365, 5, 0)  # the page keeps its links
    base = base - np.where(features["lost"], 20, 0) - np.where(followed, 0, 5)
    base = base.clip(0, 100).astype(float).round(1)

    traffic = pd.to_numeric(features["traffic"], errors="coerce")
    traffic_score = (np.log10(traffic.clip(lower=0) + 1) / 4).clip(upper=1).fillna(0.3)
    value = (0.6 * authority.fillna(25.0) + 25 * followed + 15 * traffic_score).clip(0, 100).round(1)

    relevance = relevance.astype(float).round(1)
    priority = combine_priority(relevance, base, value, context.weights)
    why = _why(prospects, features, overlap, kw_words, authority, followed)
    return pd.DataFrame(
        {
            "Priority": priority,
            "Relevance": relevance,
            "Base feasibility": base,
            "Feasibility": base,
            "Value": value,
            "Why": why,
        },
        index=prospects.index,
    )


def _language_fit(languages: pd.Series, market: frozenset[str]) -> pd.Series:
    """1 for a page in a market language, 0.5 when unknown (or no market set)."""
    if not market:
        return pd.Series(0.5, index=languages.index)
    listed = languages.astype(str).str.lower().str.split(r"\s*[,;/]\s*", regex=True)
    fits = listed.map(lambda langs: any(lang[:2] in market for lang in langs if lang))
    return pd.Series(np.where(fits, 1.0, 0.5), index=languages.index)


def _why(
    prospects: pd.DataFrame,
    features: pd.DataFrame,
    overlap: pd.Series,
    kw_words: pd.Series,
    authority: pd.Series,
    followed: pd.Series,
) -> pd.Series:
    parts = pd.DataFrame(index=prospects.index)
    parts["overlap"] = np.where(overlap >= 2, overlap.astype(int).astype(str) + " competitors link here", "")
    parts["type"] = prospects["Link type"].astype(str) + " (" + features["type_evidence"].astype(str) + ")"
    parts["topic"] = np.where(
        kw_words != "", "mentions '" + kw_words.astype(str) + "'", "no keyword of ours on the page"
    )
    auth = np.where(
        authority.notna(), "authority " + authority.round().astype("Int64").astype(str), "authority unknown"
    )
    parts["value"] = auth + np.where(followed, ", followed", ", nofollow")
    gap = features["asset_gap"].astype(str)
    parts["fit"] = np.where(
        gap != "",
        "they won it with a " + gap + " we lack",
        np.where(
            prospects["Target page"].astype(str) != "",
            "pitch " + prospects["Target page"].astype(str),
            "no target page fits",
        ),
    )
    parts["lost"] = np.where(features["lost"], "link already lost", "")
    return join_parts(parts)


def join_parts(parts: pd.DataFrame, separator: str = "; ") -> pd.Series:
    """Each row's non-empty cells joined with `separator`."""
    out = np.full(len(parts), "", dtype=object)
    for column in parts.columns:
        value = parts[column].astype(str).to_numpy(dtype=object)
        out = np.where(out == "", value, np.where(value == "", out, out + separator + value))
    return pd.Series(out, index=parts.index)
