"""Why competitors earned their links: what kind of asset each linked competitor page is.

The asset type comes from the page's URL and the anchors other sites use for it. A competitor
asset that wins gap links and that none of our targets matches is an asset gap: the fix is to
create the content first, not to send outreach.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bot.urls import host_display

from .frames import Pattern, arrow, matches, text, url_path

# Tried in order on the competitor page URL, then on its anchors.
ASSET_SIGNALS: tuple[tuple[str, str], ...] = (
    ("Tool / calculator", r"calculat|calculadora|/tools?/|generator|checker|estimator|\btool\b|quiz"),
    ("Template", r"templates?|plantilla|sample|checklist|worksheet|spreadsheet|printable|\bform\b"),
    ("Data study", r"stud(y|ies)|research|report|survey|statistics|\bstats\b|\bdata\b|\bindex\b|ranking|insights"),
    ("Glossary", r"glossary|dictionary|definitions?|/what-is|/define|/terms/"),
    ("Comparison", r"\bvs\b|versus|compare|comparison|alternatives?"),
    ("Product page", r"pricing|/features?\b|/products?/|/plans?\b|/signup|/download|/demo\b|/app\b"),
    ("Guide / tutorial", r"guide|how-to|tutorial|/blog/|/learn|/tips|/articles?/|/help/|/advice"),
)
_HOME = r"^/?([a-z]{2}(-[a-z]{2})?/?)?([?#].*)?$"  # "/", "/en/", "/es-es/" (a language home page)

NEVER_GAPS = frozenset({"Homepage", "Product page"})  # our own home page always answers these


def competitor_assets(evidence: pd.DataFrame, competitors: pd.DataFrame) -> pd.DataFrame:
    """One row per linked competitor page: asset type, evidence, gap domains won and examples.

    Columns: target_key, target_url, competitor, topic, asset_type, asset_evidence, gap_domains, examples.
    """
    columns = [
        "target_key",
        "target_url",
        "competitor",
        "topic",
        "asset_type",
        "asset_evidence",
        "gap_domains",
        "examples",
    ]
    if evidence.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame(
        {
            "target_key": text(evidence, "target_key").where(
                text(evidence, "target_key") != "", text(evidence, "target_url")
            ),
            "target_url": text(evidence, "target_url"),
            "target_domain": text(evidence, "target_domain"),
            "source_domain": evidence["source_domain"],
            "prospect": evidence["prospect"],
            "_anchor": text(evidence, "anchor"),
            "_auth": pd.to_numeric(evidence["authority"], errors="coerce").astype(float).fillna(-1.0),
        }
    )
    ranked = frame.sort_values("_auth", ascending=False, kind="stable")
    grouped = ranked.groupby("target_key", sort=False)
    first_url = grouped["target_url"].first()
    pages = pd.DataFrame(
        {
            "target_url": first_url.astype(str),
            "target_domain": grouped["target_domain"].first().astype(str),
            "anchors": _first_distinct(ranked, "_anchor", 10, " | ").reindex(first_url.index).fillna(""),
            "gap_domains": grouped["source_domain"].nunique(),
            "examples": _first_distinct(ranked, "prospect", 3, ", ").reindex(first_url.index).fillna(""),
        }
    )
    pages.index.name = "target_key"
    pages = pages.reset_index()
    kinds, said = asset_types(pages["target_url"], pages["anchors"])
    topics = dict(zip(competitors["domain"], competitors["topic"], strict=True))
    return pd.DataFrame(
        {
            "target_key": pages["target_key"],
            "target_url": pages["target_url"],
            "competitor": pages["target_domain"].map(host_display),
            "topic": pages["target_domain"].map(topics).fillna(""),
            "asset_type": kinds,
            "asset_evidence": said,
            "gap_domains": pages["gap_domains"].astype(int),
            "examples": pages["examples"],
        },
        columns=columns,
    )


def _first_distinct(ranked: pd.DataFrame, column: str, limit: int, separator: str) -> pd.Series:
    """Per competitor page, the first `limit` distinct non-empty values of `column`, joined."""
    values = ranked.loc[ranked[column].astype(str) != "", ["target_key", column]].drop_duplicates()
    firsts = values.groupby("target_key", sort=False).head(limit)
    # joined in one pass over the few rows kept: a function called per page costs more than the join
    joined: dict[object, list[str]] = {}
    for key, value in zip(firsts["target_key"], firsts[column].astype(str), strict=True):
        joined.setdefault(key, []).append(value)
    return pd.Series({key: separator.join(parts) for key, parts in joined.items()}, dtype=object)


def asset_types(urls: pd.Series, anchors: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Asset type and evidence for each competitor page URL and its anchors (joined with " | ")."""
    paths = url_path(urls.astype(str))
    kind = np.full(len(urls), "", dtype=object)
    said = np.full(len(urls), "", dtype=object)
    home = matches(arrow(paths), _HOME)
    kind[home], said[home] = "Homepage", "URL is the home page"
    for field, values in (("URL", paths), ("anchors", anchors.astype(str))):
        fast = arrow(values)
        for asset, regex in ASSET_SIGNALS:
            free = matches(fast, regex) & (kind == "")
            if free.any():
                kind[free] = asset
                said[free] = Pattern(field, regex).evidence(values[free])
    rest = kind == ""
    kind[rest], said[rest] = "Guide / tutorial", "an inner content page with no stronger sign"
    return pd.Series(kind, index=urls.index), pd.Series(said, index=urls.index)


def matching_targets(assets: pd.DataFrame, targets: pd.DataFrame) -> pd.Series:
    """For each competitor asset, whether an active target of ours has the same asset type and topic."""
    active = targets[targets["active"]] if "active" in targets.columns else targets
    have = np.zeros(len(assets), dtype=bool)
    asset_topic = assets["topic"].str.casefold()
    for kind, topic in zip(active["asset_type"], active["topic"].str.casefold(), strict=True):
        same_topic = (asset_topic == "") | (topic == "") | (asset_topic == topic)
        have |= ((assets["asset_type"] == kind) & same_topic).to_numpy()
    return pd.Series(have | assets["asset_type"].isin(NEVER_GAPS).to_numpy(), index=assets.index)


def asset_gaps_tab(assets: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The `Asset gaps` tab: unmatched competitor assets, most gap domains first."""
    gaps = assets[~matching_targets(assets, targets)].sort_values(
        ["gap_domains", "target_url"], ascending=[False, True], kind="stable"
    )
    return pd.DataFrame(
        {
            "Competitor page": gaps["target_url"],
            "Competitor": gaps["competitor"],
            "Asset type": gaps["asset_type"],
            "Gap domains": gaps["gap_domains"],
            "Examples": gaps["examples"],
            "Evidence": gaps["asset_evidence"],
            "Topic": gaps["topic"],
        }
    ).reset_index(drop=True)
