"""When each prospect was sent, replied, got interested and was won, from the sheet's own log.

The History tab records every Outcome edit; a prospect with a `Contacted on` date but no
logged edits (typed before gapbot watched the sheet) is dated by that column instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from sheets_schema import header_key

from .sheet import timestamps

WON = "Published / linked"
#: Funnel stages in order; reaching a later one implies the earlier ones.
STAGES: tuple[str, ...] = ("Sent", "Replied", "Interested", WON)
RANK = {header_key(s): i + 1 for i, s in enumerate(STAGES)}
#: A "No fit" answer after a send is a reply, just not a good one.
DECLINED = header_key("No fit")


def _events(history: pd.DataFrame, prospects: pd.DataFrame) -> pd.DataFrame:
    logged = history[history["Column"].map(header_key) == header_key("Outcome")]
    events = pd.DataFrame({"key": logged["Key"], "when": timestamps(logged["When"]), "outcome": logged["New value"]})
    typed = prospects[~prospects["Domain"].isin(set(events["key"]))]
    contacted = timestamps(typed["Contacted on"])
    dated = typed.assign(when=contacted)[contacted.notna()]
    fallback = pd.concat(
        [
            pd.DataFrame({"key": dated["Domain"], "when": dated["when"], "outcome": "Sent"}),
            pd.DataFrame({"key": dated["Domain"], "when": dated["when"], "outcome": dated["Outcome"]}),
        ]
    )
    frames = [f for f in (events, fallback) if not f.empty]
    if not frames:
        return pd.DataFrame({"key": [], "when": pd.Series(dtype="datetime64[ns, UTC]"), "outcome": []})
    out = pd.concat(frames, ignore_index=True)
    return out[out["when"].notna() & (out["key"] != "")].sort_values("when", kind="stable")


def contact_timeline(history: pd.DataFrame, prospects: pd.DataFrame) -> pd.DataFrame:
    """One row per contacted prospect: key and the first time it reached each stage (NaT if never)."""
    reached: dict[str, dict[str, pd.Timestamp]] = {}
    for key, when, outcome in _events(history, prospects).itertuples(index=False, name=None):
        stages = reached.setdefault(key, {})
        rank = RANK.get(header_key(outcome), 0)
        if header_key(outcome) == DECLINED and STAGES[0] in stages:
            rank = 2
        for stage in STAGES[:rank]:
            stages.setdefault(stage, when)
    rows = [{"key": k, **{s: v.get(s, pd.NaT) for s in STAGES}} for k, v in reached.items() if v]
    frame = pd.DataFrame(rows, columns=["key", *STAGES])
    for stage in STAGES:
        frame[stage] = pd.to_datetime(frame[stage], utc=True)
    return frame.sort_values("Sent", kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class PeriodCounts:
    start: datetime
    end: datetime
    counts: dict[str, int]

    @property
    def reply_rate(self) -> float | None:
        sent = self.counts["Sent"]
        return self.counts["Replied"] / sent if sent else None


def period_counts(timeline: pd.DataFrame, start: datetime, end: datetime) -> PeriodCounts:
    """How many prospects reached each stage in [start, end)."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    counts = {s: int(((timeline[s] >= lo) & (timeline[s] < hi)).sum()) for s in STAGES}
    return PeriodCounts(start, end, counts)
