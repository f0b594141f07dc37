"""What converts: outcome counts and rates per link type, competitor, target page and batch.

The team's outcomes (every value a prospect's `Outcome` ever held, from `History`, plus its
current one) are counted per group. Rates are Beta posteriors whose prior comes from the
default rates, so a group with little evidence stays near the defaults. Each group's win rate
relative to the default becomes a feasibility multiplier that analyze and watch both apply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from bot.analysis.score import MULTIPLIER_RANGE, feasibility_multiplier
from bot.inputs import pick
from sheets_schema import header_key
from sheets_schema.tabs import MODEL
from sheets_schema.vocabularies import OUTCOMES

from .beta import Beta

SENT, REPLIED, INTERESTED, WON, NO_FIT, NEEDS_ASSET = OUTCOMES
# Outreach moves along this funnel: a later stage implies the earlier ones were reached.
FUNNEL = {SENT: 1, REPLIED: 2, INTERESTED: 3, WON: 4}
COUNTS = ("Sent", "Replied", "Interested", "Won", "No fit", "Needs asset")

LINK_TYPE, COMPETITOR, TARGET_PAGE, BATCH = "Link type", "Competitor", "Target page", "Batch"
DIMENSIONS = (LINK_TYPE, COMPETITOR, TARGET_PAGE, BATCH)
TARGET_PAGE_COLUMN = "Target page"  # read from Prospects when the tab has it, else through Batches

PROSPECT_FIELDS = ["Domain", "Outcome", "Link type", "Competitors linked", "Batch"]

Multipliers = Mapping[tuple[str, str], float]


@dataclass(frozen=True)
class Priors:
    """Default rates before any outcome is known, and how many results each is worth."""

    reply_rate: float = 0.15
    reply_strength: float = 20.0
    win_rate: float = 0.05
    win_strength: float = 40.0

    @property
    def reply(self) -> Beta:
        return Beta.prior(self.reply_rate, self.reply_strength)

    @property
    def win(self) -> Beta:
        return Beta.prior(self.win_rate, self.win_strength)


DEFAULT_PRIORS = Priors()


@dataclass(frozen=True)
class LearnedModel:
    table: pd.DataFrame  # rows of the Model tab
    multipliers: dict[tuple[str, str], float]  # (dimension, value) -> feasibility multiplier


def prospect_outcomes(prospects: pd.DataFrame | None, history: pd.DataFrame | None) -> pd.DataFrame:
    """One row per prospect key: its groups per dimension and which outcome stages it ever reached."""
    rows = pick(prospects, [*PROSPECT_FIELDS, TARGET_PAGE_COLUMN])
    rows = rows[rows["Domain"] != ""].drop_duplicates("Domain")
    seen: dict[str, set[str]] = {key: {_outcome(o)} for key, o in zip(rows["Domain"], rows["Outcome"], strict=True)}
    log = pick(history, ["Key", "Column", "Old value", "New value"])
    log = log[log["Column"].map(header_key) == header_key("Outcome")]
    for key, old, new in zip(log["Key"], log["Old value"], log["New value"], strict=True):
        if key in seen:
            seen[key] |= {_outcome(old), _outcome(new)}
    records = []
    for key, link_type, competitors, batch, target in zip(
        rows["Domain"],
        rows["Link type"],
        rows["Competitors linked"],
        rows["Batch"],
        rows[TARGET_PAGE_COLUMN],
        strict=True,
    ):
        stage = max(FUNNEL.get(o, 0) for o in seen[key])
        records.append(
            {
                "key": key,
                LINK_TYPE: [link_type] if link_type else [],
                COMPETITOR: [c.strip() for c in competitors.split(",") if c.strip()],
                TARGET_PAGE: [target] if target else [],
                BATCH: [batch] if batch else [],
                "Sent": stage >= FUNNEL[SENT],
                "Replied": stage >= FUNNEL[REPLIED],
                "Interested": stage >= FUNNEL[INTERESTED],
                "Won": stage >= FUNNEL[WON],
                "No fit": NO_FIT in seen[key],
                "Needs asset": NEEDS_ASSET in seen[key],
            }
        )
    return pd.DataFrame(records, columns=["key", *DIMENSIONS, *COUNTS])


def learn(
    prospects: pd.DataFrame | None,
    history: pd.DataFrame | None,
    batches: pd.DataFrame | None = None,
    priors: Priors = DEFAULT_PRIORS,
) -> LearnedModel:
    """The Model tab and the feasibility multipliers, from the current Prospects and History tabs."""
    outcomes = prospect_outcomes(_with_batch_targets(prospects, batches), history)
    overall: Counter[str] = Counter()
    groups: dict[tuple[str, str], Counter[str]] = {}
    for record in outcomes.to_dict("records"):
        reached = Counter({"Prospects": 1, **{name: int(record[name]) for name in COUNTS}})
        overall.update(reached)
        for dimension in DIMENSIONS:
            for value in dict.fromkeys(record[dimension]):
                groups.setdefault((dimension, value), Counter()).update(reached)
    rows: list[dict[str, object]] = [_model_row("All", "All prospects", overall, priors, multiplier=False)]
    multipliers: dict[tuple[str, str], float] = {}
    for dimension, value in sorted(groups, key=lambda g: (DIMENSIONS.index(g[0]), g[1])):
        row = _model_row(dimension, value, groups[(dimension, value)], priors)
        multipliers[(dimension, value)] = float(row["Feasibility multiplier"])  # type: ignore[arg-type]
        rows.append(row)
    return LearnedModel(pd.DataFrame(rows, columns=MODEL.names), multipliers)


def prospect_multiplier(
    prospects: pd.DataFrame, multipliers: Multipliers, batches: pd.DataFrame | None = None
) -> pd.Series:
    """Each prospect row's combined multiplier (index of `prospects`), as `analyze` computes it.

    The product of its link type's, its target page's and its batch's multipliers and the mean
    of its competitors' multipliers, kept within MULTIPLIER_RANGE. Groups the model has never
    seen count as 1.
    """
    source = _with_batch_targets(prospects, batches)
    assert source is not None
    columns = pick(source, ["Link type", TARGET_PAGE_COLUMN, "Batch", "Competitors linked", "Topic"])
    return feasibility_multiplier(columns.set_axis(prospects.index), multipliers).astype(float)


def needs_asset_first(
    prospects: pd.DataFrame, history: pd.DataFrame | None, batches: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Competitor pages (and our target pages) whose prospects answered `Needs asset first`.

    Columns: Competitor page, Target page, Prospects (how many said so), Examples (their keys).
    The asset-gap report lists these as content to create before more outreach.
    """
    source = _with_batch_targets(prospects, batches)
    outcomes = prospect_outcomes(source, history)
    flagged = set(outcomes.loc[outcomes["Needs asset"], "key"])
    picked = pick(source, ["Domain", "Competitor page", TARGET_PAGE_COLUMN]).rename(columns={"Domain": "key"})
    picked = picked[picked["key"].isin(flagged)].drop_duplicates("key")
    grouped = picked.groupby(["Competitor page", "Target page"], sort=True)["key"]
    out = pd.DataFrame({"Prospects": grouped.size(), "Examples": grouped.agg(lambda k: ", ".join(sorted(k)[:5]))})
    return out.reset_index().sort_values("Prospects", ascending=False, kind="stable").reset_index(drop=True)


def _model_row(
    dimension: str, value: str, counted: Counter[str], priors: Priors, multiplier: bool = True
) -> dict[str, object]:
    counts = {name: counted[name] for name in COUNTS}
    reply = priors.reply.update(counts["Replied"], counts["Sent"])
    win = priors.win.update(counts["Won"], counts["Sent"])
    factor = min(max(win.mean / priors.win.mean, MULTIPLIER_RANGE[0]), MULTIPLIER_RANGE[1])
    return {
        "Dimension": dimension,
        "Value": value,
        "Prospects": counted["Prospects"],
        **counts,
        "Reply rate": round(reply.mean, 4),
        "Reply range": _range(reply),
        "Win rate": round(win.mean, 4),
        "Win range": _range(win),
        "Feasibility multiplier": round(factor, 2) if multiplier else None,
    }


def _range(posterior: Beta) -> str:
    low, high = posterior.interval(0.9)
    return f"{low:.0%}–{high:.0%}"


def _outcome(text: str) -> str:
    wanted = header_key(text)
    return next((o for o in OUTCOMES if header_key(o) == wanted), "")


def _with_batch_targets(prospects: pd.DataFrame | None, batches: pd.DataFrame | None) -> pd.DataFrame | None:
    """Prospects with a Target page column: their own if they have one, else their batch's."""
    if prospects is None or batches is None or batches.empty:
        return prospects
    if header_key(TARGET_PAGE_COLUMN) in {header_key(c) for c in prospects.columns}:
        return prospects
    plan = pick(batches, ["Batch", "Target page"])
    target_of = dict(zip(plan["Batch"], plan["Target page"], strict=True))
    batch = pick(prospects, ["Batch"])["Batch"]
    return prospects.assign(**{TARGET_PAGE_COLUMN: batch.map(target_of).fillna("")})
