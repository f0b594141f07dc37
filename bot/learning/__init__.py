"""The learning loop: the team's edits become History, History becomes the Model, the Model shifts scores."""

from .merge import hand_added_keys, hand_added_rows, prospects_upsert
from .model import DIMENSIONS, LearnedModel, Priors, learn, needs_asset_first

__all__ = [
    "DIMENSIONS",
    "LearnedModel",
    "Priors",
    "hand_added_keys",
    "hand_added_rows",
    "learn",
    "needs_asset_first",
    "prospects_upsert",
]
