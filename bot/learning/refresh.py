"""Feasibility, Priority, Win chance and Why of listed prospects under a learned model.

`analyze` applies it to the prospects it scores, and `watch` to the rows already listed when an
outcome changes, so a prospect scores the same whichever of them last wrote it. The built-in
priority comes from `Relevance`, `Base feasibility` and `Value`; the model adds its learned points.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bot.inputs import pick
from bot.settings import Settings
from bot.stores import UpsertRows
from sheets_schema.tabs import PROSPECTS

from .model import LearnedModel, builtin_priority

SCORE_COLUMNS = ["Domain", "Base feasibility", "Feasibility", "Priority", "Win chance", "Why"]
# The parts of Why this module writes, so a rescore replaces them instead of adding more (sheets
# written by earlier versions may still carry a "link type little tried yet" part: it goes too).
_LEARNED_PART = re.compile(r"(; )?(learned [+−-][\d.]+ points[^;]*|link type little tried yet[^;]*)")
_SHOWN_FROM = 0.05  # learned points below this are not worth a word in Why


def weights(settings: Settings) -> tuple[float, float, float]:
    return settings.weight("relevance"), settings.weight("feasibility"), settings.weight("value")


def learned_scores(prospects: pd.DataFrame, model: LearnedModel, batches: pd.DataFrame | None = None) -> pd.DataFrame:
    """SCORE_COLUMNS for every row of `prospects` (same index); rows without built-in scores get NaN."""
    rows = pick(prospects, ["Domain", "Relevance", "Value", "Base feasibility", "Feasibility", "Why"])
    base = pd.to_numeric(rows["Base feasibility"], errors="coerce").fillna(
        pd.to_numeric(rows["Feasibility"], errors="coerce")
    )
    builtin = builtin_priority(rows.assign(**{"Base feasibility": base}), model.weights)
    learned = model.score(prospects, batches)
    w_rel, w_feas, w_val = (max(0.0, w) for w in model.weights)
    share = w_feas / ((w_rel + w_feas + w_val) or 1.0)
    # Feasibility shows the learned part as the feasibility change that moves Priority as much.
    feasibility = base + (learned["Learned"] / share if share else 0.0)
    why = rows["Why"]
    # only a Why a model wrote to holds a learned part: two plain searches find them, the pattern is dearer
    learned_before = why.str.contains("learned ", regex=False) | why.str.contains("little tried yet", regex=False)
    if learned_before.any():
        why = why.where(~learned_before, why[learned_before].str.replace(_LEARNED_PART, "", regex=True))
    return pd.DataFrame(
        {
            "Domain": rows["Domain"],
            "Base feasibility": base,
            "Feasibility": feasibility.clip(0, 100).round(1),
            "Priority": (builtin + learned["Learned"]).clip(0, 100).round(1),
            "Win chance": learned["Win chance"].round(3),
            "Why": _with_learned(why, learned),
        },
        index=prospects.index,
    )


def _with_learned(why: pd.Series, learned: pd.DataFrame) -> pd.Series:
    points = learned["Learned"]
    part = np.where(
        points.abs() >= _SHOWN_FROM,
        "learned "
        + np.where(points >= 0, "+", "−")
        + points.abs().round(1).astype(str)
        + " points from your outcomes (win chance "
        + (learned["Win chance"] * 100).round(1).astype(str)
        + "%)",
        "",
    )
    return pd.Series(np.where(part == "", why, np.where(why == "", part, why + "; " + part)), index=why.index)


def rescored(prospects: pd.DataFrame, model: LearnedModel, batches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows whose scores move under `model` (columns SCORE_COLUMNS).

    A sheet scored before learning existed has no `Base feasibility` yet, and its Feasibility is
    taken as the base (and written as such, so it is never learned from twice). Rows without
    numeric scores (e.g. a hand-added row not yet analysed) are left alone.
    """
    rows = pick(prospects, ["Domain", "Relevance", "Value", *SCORE_COLUMNS[1:]])
    out = learned_scores(prospects, model, batches)
    scored = (rows["Domain"] != "") & out["Base feasibility"].notna() & out["Priority"].notna()
    moved = pd.Series(False, index=rows.index)
    for column in ("Feasibility", "Priority", "Win chance"):
        moved |= out[column] != pd.to_numeric(rows[column], errors="coerce")
    moved |= (out["Why"] != rows["Why"]) | pd.to_numeric(rows["Base feasibility"], errors="coerce").isna()
    return out[scored & moved].drop_duplicates("Domain").reset_index(drop=True)


def score_update(frame: pd.DataFrame) -> UpsertRows:
    """Write rescored cells into the rows that hold these keys; never add a row."""
    return UpsertRows(PROSPECTS, frame[SCORE_COLUMNS], add_new=False)
