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
    rows = prospects.assign(_priority=pd.to_numeric(prospects["Priority"], errors="coerce").fillna(0.0))
    open_rows = rows[rows["Suggested action"].isin(OUTREACH_ACTIONS) & (rows["Status"].astype(str) != "Gone")]
    open_rows = open_rows.sort_values(["_priority", "Domain"], ascending=[False, True], kind="stable")
    names = pd.Series("", index=prospects.index, dtype=object)
    tab: list[dict[str, object]] = []
    groups = open_rows.groupby(["Link type", "Suggested action", "Target page"], sort=False)
    for (link_type, action, target), group in sorted(groups, key=lambda g: -g[1]["_priority"].max()):
        for number, start in enumerate(range(0, len(group), size), start=1):
            chunk = group.iloc[start : start + size]
            name = f"{link_type} → {_short(str(target))} #{number}"
            names[chunk.index] = name
            tab.append(
                {
                    "Batch": name,
                    "Link type": link_type,
                    "Pitch angle": _angle(str(action), str(target)),
                    "Target page": target,
                    "Prospects": len(chunk),
                    "Domains": ", ".join(chunk["Domain"].astype(str)),
                }
            )
    columns = ["Batch", "Link type", "Pitch angle", "Target page", "Prospects", "Domains"]
    return pd.DataFrame(tab, columns=columns), names


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
