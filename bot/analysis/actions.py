"""Which of our pages to pitch to each prospect, and the suggested next action.

The target page is the active target whose asset type matches the competitor page that won
the link, whose keywords appear on the linking page, and whose topic is the prospect's; with
no fit, our home page. The action follows the link type, with two overrides: links won with
an asset we lack need that asset first, and partnership/sponsorship-like and forum links are
for information only (they are bought, joined or posted, not pitched).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frames import arrow, matches
from .score import keyword_match

ACTION_BY_TYPE: dict[str, str] = {
    "Resource page": "Offer resource update",
    "Broken link": "Broken link replacement",
    "Guest contribution": "Propose guest post",
    "Digital PR": "Add to PR list",
    "List / roundup": "Pitch existing page",
    "Editorial mention": "Pitch existing page",
    "Directory": "Pitch existing page",
    "Other": "Pitch existing page",
    "Forum / UGC": "Informational only",
    "Partnership / association": "Informational only",
}
INFORMATIONAL_TYPES = frozenset({"Partnership / association", "Forum / UGC"})
OUTREACH_ACTIONS = frozenset(
    {"Pitch existing page", "Offer resource update", "Propose guest post", "Broken link replacement", "Add to PR list"}
)
_SPONSOR_WORDS = r"\b(sponsor(ed|ship)?|partner(ship)?|affiliate|advertis(ing|ement))\b"


def choose_targets(
    texts: pd.Series, asset_types: pd.Series, topics: pd.Series, targets: pd.DataFrame, our_domains: frozenset[str]
) -> tuple[pd.Series, pd.Series]:
    """Our page to pitch for each prospect and how well it fits (0-1).

    `texts` is what the linking page says (title, anchor, context, URLs); `asset_types` the
    competitor asset behind the link; `topics` the prospect's topics (comma list).
    """
    active = targets[targets["active"]].reset_index(drop=True) if len(targets) else targets
    best = np.full(len(texts), -1.0)
    chosen = np.full(len(texts), "", dtype=object)
    prospect_topics = topics.astype(str).str.casefold().str.split(r"\s*,\s*", regex=True)
    for _, target in active.iterrows():
        keywords = [k for k in str(target["keywords"]).split(",") if k.strip()]
        kw, _ = keyword_match(texts, keywords) if keywords else (pd.Series(0.0, index=texts.index), None)
        same_asset = (asset_types == target["asset_type"]).to_numpy()
        topic = str(target["topic"]).casefold()
        same_topic = prospect_topics.map(lambda t, topic=topic: bool(topic) and topic in t).to_numpy(dtype=bool)
        score = 2.0 * same_asset + kw.to_numpy() + 1.0 * same_topic
        better = score > best
        best[better], chosen[better] = score[better], target["url"]
    home = _home_page(active, our_domains)
    no_fit = best <= 0
    chosen[no_fit] = home
    fit = np.clip(np.where(no_fit, 0.0, best / 3.0), 0, 1)
    return pd.Series(chosen, index=texts.index), pd.Series(fit, index=texts.index)


def _home_page(targets: pd.DataFrame, our_domains: frozenset[str]) -> str:
    homes = targets[targets["asset_type"] == "Homepage"]["url"] if len(targets) else pd.Series(dtype=object)
    if len(homes):
        return str(homes.iloc[0])
    return f"https://{sorted(our_domains)[0]}/" if our_domains else ""


def suggest_actions(link_types: pd.Series, asset_gap: pd.Series, texts: pd.Series) -> pd.Series:
    """Suggested next action per prospect (Next action vocabulary)."""
    action = link_types.map(ACTION_BY_TYPE).fillna("Pitch existing page").to_numpy(dtype=object)
    sponsor_like = matches(arrow(texts), _SPONSOR_WORDS)
    gap = (asset_gap.astype(str) != "").to_numpy()
    informational = link_types.isin(INFORMATIONAL_TYPES).to_numpy() | sponsor_like
    action[gap & ~informational] = "Create better page first"
    action[informational] = "Informational only"
    return pd.Series(action, index=link_types.index)
