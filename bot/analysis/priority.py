"""How the three scores become one priority.

Shared by `analyze` (which computes the scores) and the learned model (which takes this
built-in priority as its prior belief, in `analyze` and `watch` alike).
"""

from __future__ import annotations

import pandas as pd


def combine_priority(
    relevance: pd.Series, feasibility: pd.Series, value: pd.Series, weights: tuple[float, float, float]
) -> pd.Series:
    """0-100 priority: the weighted mean of relevance, feasibility and value (weights need not sum to 1)."""
    w_rel, w_feas, w_val = (max(0.0, w) for w in weights)
    total = w_rel + w_feas + w_val or 1.0
    score = (relevance * w_rel + feasibility * w_feas + value * w_val) / total
    return score.clip(0, 100).round(1)
