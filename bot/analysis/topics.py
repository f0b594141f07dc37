"""Topics: which topic(s) each prospect comes from, and focused one-topic runs.

Competitors and targets carry a topic (blank: every topic). A prospect's topics are those of
the competitors it links to. `gapbot analyze --topic NAME` analyses only that topic's
competitors and targets; its rows then merge into the one Prospects tab while rows of other
topics are carried over unchanged (they are neither updated nor marked Gone).
"""

from __future__ import annotations

import pandas as pd

from bot.errors import ConfigError

from .frames import joined_labels


def topic_of_links(links: pd.DataFrame, competitors: pd.DataFrame) -> pd.Series:
    """The topic of the competitor each link points to ("" when the competitor has none)."""
    topics = dict(zip(competitors["domain"], competitors["topic"].astype(str).str.strip(), strict=True))
    return links["target_domain"].map(topics).fillna("").astype(str)


def prospect_topics(evidence: pd.DataFrame) -> pd.Series:
    """Each prospect's topics, sorted and comma-joined (evidence needs `prospect` and `topic`)."""
    keys = pd.Index(evidence["prospect"].unique())
    joined = joined_labels(keys.get_indexer(evidence["prospect"]), len(keys), evidence["topic"])
    return pd.Series(joined, index=keys)


def in_topic(topics: pd.Series, topic: str) -> pd.Series:
    """Rows whose topic list names `topic`, or is blank (blank means every topic)."""
    wanted = topic.strip().casefold()
    listed = topics.astype(str).str.casefold().str.split(r"\s*,\s*", regex=True)
    return listed.map(lambda names: wanted in names or names == [""])


def focus(competitors: pd.DataFrame, targets: pd.DataFrame, topic: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Competitors and targets of one topic (plus those without a topic)."""
    chosen = competitors[in_topic(competitors["topic"], topic).to_numpy(dtype=bool)]
    named = chosen["topic"].astype(str).str.strip() != ""
    if not (named & chosen["active"]).any():
        known = sorted({t.strip() for t in competitors["topic"].astype(str) if t.strip()})
        raise ConfigError(
            f"no active competitor has the topic {topic!r}",
            where="Competitors tab, column Topic",
            fix=f"use one of: {', '.join(known)}" if known else "give competitors a Topic first",
        )
    return chosen, targets[in_topic(targets["topic"], topic).to_numpy(dtype=bool)]


def carried_over(existing: pd.DataFrame, topic: str, key: str) -> pd.DataFrame:
    """Existing rows of a tab that a focused run on `topic` leaves alone (other topics only)."""
    if existing.empty or "Topic" not in existing.columns:
        return existing.iloc[0:0]
    rows = existing[existing[key].astype(str).str.strip() != ""]
    return rows[~in_topic(rows["Topic"], topic).to_numpy(dtype=bool)]
