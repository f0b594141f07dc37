"""What converts: one model of each prospect's chance to reply and to win, learned from the team's outcomes.

The team's outcomes (every value a prospect's `Outcome` ever held, from `History`, plus its
current one) make one row per contacted prospect. A send counts once it is resolved: won, `No
fit`, `Needs asset first`, or left without an answer for NO_ANSWER_DAYS; a `Sent` still waiting
counts as a failure only as far as it has waited (`pending_weight`). `conversion.fit` turns the
sends into the team's own rate plus a shrunk effect per group, all attributes together, with the
built-in priority as the offset: learning moves a prospect only by what its results say beyond
what gapbot already believed.

The `Model` tab shows per group the counts, the model's reply and win chance for an average
prospect of the group with its 90% range, and the group's effect on the odds of a win.
Priority moves by POINTS_PER_LOG_ODDS per unit of learned log-odds, so it keeps ranking by
expected wins per send. There is no exploration bonus: in the simulation (bench/bench_learning.py)
a bonus for link types whose effect is less certain than the best-known type's (0.5 to 2 posterior
sds) cost links both where the built-in ranking was right and where it was wrong.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse

from bot.analysis.priority import combine_priority
from bot.inputs import pick
from sheets_schema import header_key
from sheets_schema.tabs import MODEL
from sheets_schema.vocabularies import OUTCOMES

from . import conversion

SENT, REPLIED, INTERESTED, WON, NO_FIT, NEEDS_ASSET = OUTCOMES
# Outreach moves along this funnel: a later stage implies the earlier ones were reached.
FUNNEL = {SENT: 1, REPLIED: 2, INTERESTED: 3, WON: 4}
#: Each outcome by its header key: what the team typed, read whatever its case and spacing.
_OUTCOME_BY_KEY = {header_key(o): o for o in OUTCOMES}

COUNTS = ("Sent", "Replied", "Interested", "Won", "No fit", "Needs asset")

LINK_TYPE, COMPETITOR, TARGET_PAGE, AUTHORITY, BATCH = "Link type", "Competitor", "Target page", "Authority", "Batch"
DIMENSIONS = (LINK_TYPE, COMPETITOR, TARGET_PAGE, AUTHORITY, BATCH)
TARGET_PAGE_COLUMN = "Target page"  # read from Prospects when the tab has it, else through Batches

PROSPECT_FIELDS = [
    "Domain",
    "Outcome",
    "Link type",
    "Competitors linked",
    "Batch",
    "Authority",
    "Contacted on",
    "Relevance",
    "Base feasibility",
    "Feasibility",
    "Value",
]

#: A send without any answer for this long counts wholly as no reply (and no win); before that, in part.
NO_ANSWER_DAYS = 14
#: A reply that led nowhere for this long counts as no win.
NO_WIN_DAYS = 42
#: Twenty built-in priority points are worth e (2.7) times the odds of a link: the scale on which
#: the built-in priority is the prior belief, and on which learned log-odds become priority points.
#: Chosen with the simulation (bench/bench_learning.py): steeper (10 points = 2x) believed the
#: built-in ranking too firmly for results to overturn it; flatter (30) let noise cost wins where
#: the built-in ranking was right, and one surprising win moved other prospects by up to 7 points.
POINTS_PER_LOG_ODDS = 20.0
#: Prior sd of a group's effect on the log-odds of answering (and, shared, of giving the link once
#: answered): how far one link type (competitor, …) may plausibly be from the team's own rate
#: before any result; `conversion.SCALE_GRID` weighs narrower and wider. Target page, authority
#: and batch get little: authority is already in Value and a batch is a link type and a target
#: page, so their effects mostly re-learn what the built-in priority or the link type says, and in
#: the simulation their noise cost links where the built-in ranking was right.
SCALES = {LINK_TYPE: 0.35, COMPETITOR: 0.3, TARGET_PAGE: 0.05, AUTHORITY: 0.05, BATCH: 0.05}
#: Prior sd of a group's own effect on giving the link once answered, as a share of its scale.
WIN_OWN_SHARE = 0.25
DEFAULT_WEIGHTS = (0.4, 0.35, 0.25)


@dataclass(frozen=True)
class Priors:
    """The rates assumed before the team has any result of its own."""

    reply_rate: float = 0.15
    win_rate: float = 0.05

    @property
    def win_given_reply(self) -> float:
        return self.win_rate / self.reply_rate


DEFAULT_PRIORS = Priors()


@dataclass(frozen=True)
class LearnedModel:
    table: pd.DataFrame  # rows of the Model tab
    reply: conversion.Fit  # does a pitch get an answer
    win: conversion.Fit  # does an answer end in a link
    columns: tuple[tuple[str, str], ...]  # (dimension, value) of each effect
    centre: float  # the built-in priority at which the offset is zero
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS

    def learned_from(self, dimension: str) -> bool:
        """Whether any group of `dimension` moves a prospect's chances (before any outcome, none does)."""
        return any(
            d == dimension and (self.reply.effects[j] or self.win.effects[j]) for j, (d, _) in enumerate(self.columns)
        )

    def score(self, prospects: pd.DataFrame, batches: pd.DataFrame | None = None) -> pd.DataFrame:
        """Per prospect row (same index): `Learned` priority points and `Win chance`."""
        source = _with_batch_targets(prospects, batches)
        assert source is not None
        rows = pick(source, [*PROSPECT_FIELDS, TARGET_PAGE_COLUMN]).set_axis(prospects.index)
        offset = (builtin_priority(rows, self.weights).fillna(self.centre).to_numpy() - self.centre) / (
            POINTS_PER_LOG_ODDS
        )
        reply_effect: np.ndarray | float = 0.0
        win_effect: np.ndarray | float = 0.0
        # before any outcome every effect is zero: the groups are not worked out for nothing
        if np.any(self.reply.effects) or np.any(self.win.effects):
            x = _design(_groups(rows), self.columns)
            reply_effect, win_effect = x @ self.reply.effects, x @ self.win.effects
        log_chance = _log_win(self.reply, self.win, offset, reply_effect, win_effect)
        prior = _log_win(self.reply, self.win, offset, 0.0, 0.0)
        return pd.DataFrame(
            {
                "Learned": (log_chance - prior) * POINTS_PER_LOG_ODDS,
                "Win chance": np.exp(log_chance),
            },
            index=prospects.index,
        )


def _log_win(
    reply: conversion.Fit,
    win: conversion.Fit,
    offset: np.ndarray,
    reply_effect: np.ndarray | float,
    win_effect: np.ndarray | float,
) -> np.ndarray:
    """log P(link) = log P(answer) + log P(link | answer)."""
    answer = -np.logaddexp(0, -(offset + reply.intercept + reply_effect))
    return answer - np.logaddexp(0, -(win.intercept + win_effect))


def builtin_priority(rows: pd.DataFrame, weights: tuple[float, float, float]) -> pd.Series:
    """The priority before learning: relevance, base feasibility and value with the Settings weights."""
    number = {c: pd.to_numeric(rows[c], errors="coerce") for c in ("Relevance", "Base feasibility", "Value")}
    base = number["Base feasibility"].fillna(pd.to_numeric(rows["Feasibility"], errors="coerce"))
    return combine_priority(number["Relevance"], base, number["Value"], weights)


def prospect_outcomes(
    prospects: pd.DataFrame | None,
    history: pd.DataFrame | None,
    today: date | None = None,
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
) -> pd.DataFrame:
    """One row per prospect key: its groups, which outcome stages it ever reached, whether its
    reply and its win are known yet (`reply known`, `win known`), and how much it counts towards
    each while it waits (`reply weight`, `win weight`: 1 once known)."""
    picked = pick(prospects, [*PROSPECT_FIELDS, TARGET_PAGE_COLUMN])
    return _outcomes(picked, history, today, builtin_priority(picked, weights))


def _outcomes(
    picked: pd.DataFrame, history: pd.DataFrame | None, today: date | None, priorities: pd.Series
) -> pd.DataFrame:
    """`prospect_outcomes` of the Prospects tab's rows as `pick` gives them, with each row's
    `builtin_priority`."""
    rows = picked[picked["Domain"] != ""].drop_duplicates("Domain")
    # a tab of many rows has few distinct outcomes and dates: each is read once
    outcome_of = {text: _outcome(text) for text in dict.fromkeys(rows["Outcome"])}
    day_of = {text: _day(text) for text in dict.fromkeys(rows["Contacted on"])}
    seen: dict[str, set[str]] = {key: {outcome_of[o]} for key, o in zip(rows["Domain"], rows["Outcome"], strict=True)}
    last_change: dict[str, date] = {
        key: day for key, text in zip(rows["Domain"], rows["Contacted on"], strict=True) if (day := day_of[text])
    }
    log = pick(history, ["When", "Key", "Column", "Old value", "New value"])
    log = log[log["Column"].map(header_key) == header_key("Outcome")]
    for when, key, old, new in zip(log["When"], log["Key"], log["Old value"], log["New value"], strict=True):
        if key in seen:
            seen[key] |= {_outcome(old), _outcome(new)}
            if (day := _day(when)) and day > last_change.get(key, date.min):
                last_change[key] = day
    frame = _groups(rows)
    reached = [seen[key] for key in rows["Domain"]]  # in the frame's row order
    stage = np.array([max(FUNNEL.get(o, 0) for o in found) for found in reached], dtype=np.int64)
    answered = np.array([bool(found & {NO_FIT, NEEDS_ASSET}) for found in reached], dtype=bool)
    age = np.array([_age(last_change.get(key), today) for key in rows["Domain"]], dtype=float)
    frame["key"] = rows["Domain"]
    frame["Sent"] = (stage >= FUNNEL[SENT]) | answered
    frame["Replied"] = stage >= FUNNEL[REPLIED]
    frame["Interested"] = stage >= FUNNEL[INTERESTED]
    frame["Won"] = stage >= FUNNEL[WON]
    frame["No fit"] = [NO_FIT in found for found in reached]
    frame["Needs asset"] = [NEEDS_ASSET in found for found in reached]
    # An answer is a reply for the reply model, whatever it said.
    frame["reply known"] = frame["Replied"] | answered | (frame["Sent"] & (age >= NO_ANSWER_DAYS))
    frame["win known"] = (
        frame["Won"]
        | answered
        | (frame["Sent"] & ~frame["Replied"] & (age >= NO_ANSWER_DAYS))
        | (frame["Replied"] & (age >= NO_WIN_DAYS))
    )
    frame["replied or answered"] = frame["Replied"] | answered
    frame["reply weight"] = np.where(frame["reply known"], 1.0, frame["Sent"] * pending_weight(age, NO_ANSWER_DAYS))
    frame["win weight"] = np.where(
        frame["win known"], 1.0, frame["replied or answered"] * pending_weight(age, NO_WIN_DAYS)
    )
    frame["priority"] = priorities.loc[rows.index]
    return frame.reset_index(drop=True)


def learn(
    prospects: pd.DataFrame | None,
    history: pd.DataFrame | None,
    batches: pd.DataFrame | None = None,
    priors: Priors = DEFAULT_PRIORS,
    *,
    today: date | None = None,
    weights: tuple[float, float, float] = DEFAULT_WEIGHTS,
) -> LearnedModel:
    """The Model tab and the fitted conversion model, from the current Prospects and History tabs.

    Without `today` no silence is long enough to count: only answers and wins are results.
    """
    picked = pick(_with_batch_targets(prospects, batches), [*PROSPECT_FIELDS, TARGET_PAGE_COLUMN])
    listed = builtin_priority(picked, weights)  # every row listed, duplicates too
    outcomes = _outcomes(picked, history, today, listed)
    centre = float(listed.mean()) if listed.notna().any() else 50.0
    offsets = (pd.to_numeric(outcomes["priority"], errors="coerce").fillna(centre) - centre) / POINTS_PER_LOG_ODDS
    columns = tuple(sorted({(d, v) for d in DIMENSIONS for values in outcomes[d] for v in values}, key=_order))
    x = _design(outcomes, columns)
    scales = [SCALES[d] for d, _ in columns]
    replied = outcomes["replied or answered"].to_numpy(dtype=bool)
    reply_weight, win_weight = outcomes["reply weight"].to_numpy(), outcomes["win weight"].to_numpy()
    asked = reply_weight > 0
    answered = replied & (win_weight > 0)
    won = outcomes["Won"].to_numpy(dtype=float)
    reply, win = conversion.fit_stages(
        # the fits see only the prospects contacted (long enough ago to say something): few rows, dense
        conversion.Stage(
            x[asked].toarray(),
            replied[asked].astype(float),
            offsets.to_numpy()[asked],
            priors.reply_rate,
            reply_weight[asked],
        ),
        conversion.Stage(
            x[answered].toarray(),
            won[answered],
            np.zeros(int(answered.sum())),
            priors.win_given_reply,
            win_weight[answered],
        ),
        scales,
        WIN_OWN_SHARE,
    )
    table = _table(outcomes, columns, x, reply, win)
    return LearnedModel(table, reply, win, columns, centre, weights)


def _table(
    outcomes: pd.DataFrame,
    columns: Sequence[tuple[str, str]],
    x: sparse.csr_matrix,
    reply: conversion.Fit,
    win: conversion.Fit,
) -> pd.DataFrame:
    team = _group_rates(reply, win, None)
    # each group's counts from arrays: a frame selection per group costs more than the sums
    counts = outcomes[list(COUNTS)].to_numpy(dtype=np.int64)
    rows = [_model_row("All", "All prospects", counts, team, None)]
    by_column = x.tocsc()  # each group's members: the rows of its column's entries (weights are > 0)
    for j, (dimension, value) in enumerate(columns):
        members = by_column.indices[by_column.indptr[j] : by_column.indptr[j + 1]]
        rows.append(_model_row(dimension, value, counts[members], _group_rates(reply, win, j), team))
    return pd.DataFrame(rows, columns=MODEL.names)


@dataclass(frozen=True)
class _Rates:
    """Log of an average group member's chance to answer and to give a link, with their sds."""

    reply: float
    reply_sd: float
    win: float
    win_sd: float


def _group_rates(reply: conversion.Fit, win: conversion.Fit, j: int | None) -> _Rates:
    (reply_mean, reply_var), (win_mean, win_var) = reply.log_odds(j), win.log_odds(j)
    # Delta method: d log sigmoid(l) / dl = 1 - sigmoid(l).
    p_reply, p_win = (float(conversion.sigmoid(np.array(m))) for m in (reply_mean, win_mean))
    log_reply = math.log(p_reply)
    reply_sd = (1 - p_reply) * math.sqrt(reply_var)
    win_sd = math.sqrt(reply_sd**2 + ((1 - p_win) ** 2) * win_var)
    return _Rates(log_reply, reply_sd, log_reply + math.log(p_win), win_sd)


def _model_row(
    dimension: str, value: str, members: np.ndarray, rates: _Rates, team: _Rates | None
) -> dict[str, object]:
    """The Model tab's row of a group; `members` holds each member's `COUNTS` (0 or 1) as a row."""
    counts = dict(zip(COUNTS, (int(n) for n in members.sum(axis=0)), strict=True))
    return {
        "Dimension": dimension,
        "Value": value,
        "Prospects": len(members),
        **counts,
        "Reply rate": round(math.exp(rates.reply), 4),
        "Reply range": _range(rates.reply, rates.reply_sd),
        "Win rate": round(math.exp(rates.win), 4),
        "Win range": _range(rates.win, rates.win_sd),
        "Win chance ×": None if team is None else round(math.exp(rates.win - team.win), 2),
    }


def _range(log_mean: float, sd: float) -> str:
    low, high = conversion.interval(log_mean, sd)
    return f"{low:.0%}–{high:.0%}"


def _groups(rows: pd.DataFrame) -> pd.DataFrame:
    """Each row's groups per dimension, as lists (competitors: every one it links to)."""
    band_of = {text: _band(text) for text in dict.fromkeys(rows["Authority"])}  # few distinct authorities
    return pd.DataFrame(
        {
            LINK_TYPE: [[v] if v else [] for v in rows["Link type"]],
            COMPETITOR: [[c.strip() for c in v.split(",") if c.strip()] for v in rows["Competitors linked"]],
            TARGET_PAGE: [[v] if v else [] for v in rows[TARGET_PAGE_COLUMN]],
            AUTHORITY: [[*band_of[v]] for v in rows["Authority"]],
            BATCH: [[v] if v else [] for v in rows["Batch"]],
        },
        index=rows.index,
    )


def _design(groups: pd.DataFrame, columns: Sequence[tuple[str, str]]) -> sparse.csr_matrix:
    """One column per (dimension, value); a prospect's competitors share one unit of weight, so
    linking to three competitors is not three results. Sparse: a prospect is in a handful of the
    groups, and a market has thousands (a batch each), which would make a dense matrix gigabytes."""
    position = {(d, header_key(v)): j for j, (d, v) in enumerate(columns)}
    rows: list[np.ndarray] = []
    at: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for dimension in DIMENSIONS:
        lists = groups[dimension].tolist()
        sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        values = list(chain.from_iterable(lists))
        owners = np.repeat(np.arange(len(lists), dtype=np.int64), sizes)
        # a dimension has few distinct values (a batch, a competitor): each one's column is found once
        column_of = {v: position.get((dimension, header_key(v)), -1) for v in dict.fromkeys(values)}
        found = np.fromiter(map(column_of.__getitem__, values), dtype=np.int64, count=len(values))
        kept = found >= 0
        rows.append(owners[kept])
        at.append(found[kept])
        weights.append(1 / sizes[owners[kept]])
    # a value listed twice adds twice: the conversion sums repeated places
    entries = (np.concatenate(weights), (np.concatenate(rows), np.concatenate(at)))
    return sparse.csr_matrix(entries, shape=(len(groups), len(columns)))


def _band(text: str) -> list[str]:
    try:
        value = float(text)
    except ValueError:
        return []
    if math.isnan(value):
        return []
    low = min(int(value // 20) * 20, 80)
    return [f"{low}–{low + 19 if low < 80 else 100}"]


def _order(group: tuple[str, str]) -> tuple[int, str]:
    return DIMENSIONS.index(group[0]), group[1]


def _day(text: str) -> date | None:
    try:
        return datetime.fromisoformat(text.strip()[:10]).date()
    except ValueError:
        return None


def pending_weight(age: np.ndarray, wait_days: int) -> np.ndarray:
    """How much a send still waiting for its answer counts as a failure: nothing on the day it
    went out, all of it once `wait_days` have passed in silence, in proportion between. Counting
    only the answers that came in, and none of the silences beside them, would make whatever was
    sent last week look better than it is; counting every silence at once would make it worse."""
    return np.clip(age / wait_days, 0.0, 1.0)


def _age(day: date | None, today: date | None) -> float:
    return float((today - day).days) if day and today else -1.0


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


def _outcome(text: str) -> str:
    return _OUTCOME_BY_KEY.get(header_key(text), "")


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
