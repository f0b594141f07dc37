"""Feasibility and Priority of the listed prospects, recomputed with a newly learned model.

Only gapbot's score cells change; the write is an in-place upsert of existing keys.
"""

from __future__ import annotations

import pandas as pd

from bot.analysis.priority import combine_priority, learned_feasibility
from bot.inputs import pick
from bot.settings import Settings
from bot.stores import UpsertRows
from sheets_schema.tabs import PROSPECTS

from .model import Multipliers, prospect_multiplier

SCORE_COLUMNS = ["Domain", "Base feasibility", "Feasibility", "Priority"]


def weights(settings: Settings) -> tuple[float, float, float]:
    return settings.weight("relevance"), settings.weight("feasibility"), settings.weight("value")


def rescored(
    prospects: pd.DataFrame,
    multipliers: Multipliers,
    settings: Settings,
    batches: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rows whose Feasibility or Priority moves under `multipliers` (columns SCORE_COLUMNS).

    The base is `Base feasibility`; a sheet scored before learning existed has none yet, and
    its Feasibility is taken as the base (and written as such, so it is never scaled twice).
    Rows without numeric scores (e.g. a hand-added row not yet analysed) are left alone.
    """
    rows = pick(prospects, ["Domain", "Relevance", "Value", "Base feasibility", "Feasibility", "Priority"])
    number = {c: pd.to_numeric(rows[c], errors="coerce") for c in ("Base feasibility", "Feasibility")}
    relevance = pd.to_numeric(rows["Relevance"], errors="coerce")
    value = pd.to_numeric(rows["Value"], errors="coerce")
    base = number["Base feasibility"].fillna(number["Feasibility"])
    feasibility = learned_feasibility(base, prospect_multiplier(prospects, multipliers, batches))
    priority = combine_priority(relevance, feasibility, value, weights(settings))
    out = pd.DataFrame(
        {"Domain": rows["Domain"], "Base feasibility": base, "Feasibility": feasibility, "Priority": priority}
    )
    scored = (rows["Domain"] != "") & base.notna() & relevance.notna() & value.notna()
    moved = (
        (feasibility != number["Feasibility"])
        | (priority != pd.to_numeric(rows["Priority"], errors="coerce"))
        | number["Base feasibility"].isna()
    )
    return out[scored & moved].drop_duplicates("Domain").reset_index(drop=True)


def score_update(frame: pd.DataFrame) -> UpsertRows:
    """Write rescored cells into the rows that hold these keys; never add a row."""
    return UpsertRows(PROSPECTS, frame[SCORE_COLUMNS], add_new=False)
