"""Outreach batches: prospects grouped by link type × pitch angle × target page.

Works on Prospects-tab rows, so that a focused (one-topic) run can batch the whole tab. Names
are short and stable enough to say out loud: "Resource page → /invoice-template #1".
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd

from .actions import OUTREACH_ACTIONS


def batch_prospects(prospects: pd.DataFrame, batch_size: int) -> tuple[pd.DataFrame, pd.Series]:
    """The `Batches` tab and, for each prospect row, its batch name ("" when it is not for outreach)."""
    size = max(1, int(batch_size))
    columns = ["Batch", "Link type", "Pitch angle", "Target page", "Prospects", "Domains"]
    names = pd.Series("", index=prospects.index, dtype=object)
    rows = prospects.assign(_priority=pd.to_numeric(prospects["Priority"], errors="coerce").fillna(0.0))
    rows = rows[rows["Suggested action"].isin(OUTREACH_ACTIONS) & (rows["Status"].astype(str) != "Gone")]
    if rows.empty:
        return pd.DataFrame(columns=columns), names
    rows = rows.sort_values(["_priority", "Domain"], ascending=[False, True], kind="stable")
    # Groups are numbered in order of their best prospect, because rows are sorted by priority.
    group = rows.groupby(["Link type", "Suggested action", "Target page"], sort=False).ngroup()
    chunk = rows.groupby(group, sort=False).cumcount() // size + 1
    short = rows["Target page"].astype(str).map({t: _short(t) for t in rows["Target page"].astype(str).unique()})
    batch = rows["Link type"].astype(str) + " → " + short + " #" + chunk.astype(str)
    names[rows.index] = batch
    by_batch = rows.assign(_batch=batch, _group=group, _chunk=chunk).groupby(["_group", "_chunk"], sort=True)
    tab = by_batch.agg(
        Batch=("_batch", "first"),
        link_type=("Link type", "first"),
        action=("Suggested action", "first"),
        target=("Target page", "first"),
        Prospects=("Domain", "size"),
        Domains=("Domain", ", ".join),
    ).reset_index(drop=True)
    return (
        pd.DataFrame(
            {
                "Batch": tab["Batch"],
                "Link type": tab["link_type"],
                "Pitch angle": [_angle(str(a), str(t)) for a, t in zip(tab["action"], tab["target"], strict=True)],
                "Target page": tab["target"],
                "Prospects": tab["Prospects"],
                "Domains": tab["Domains"],
            },
            columns=columns,
        ),
        names,
    )


def _short(url: str) -> str:
    path = urlsplit(url).path.rstrip("/") if url else ""
    return path or "home page"


def _angle(action: str, target: str) -> str:
    page = _short(target)
    return {
        "Offer resource update": f"Suggest adding {page} to their resource list",
        "Broken link replacement": f"Their link to a dead competitor page: offer {page} instead",
        "Propose guest post": f"Offer a guest article that cites {page}",
        "Add to PR list": f"Send our data and stories around {page}",
    }.get(action, f"Pitch {page} as a better or newer source")
