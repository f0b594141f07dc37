"""The weekly outcomes digest: how outreach went this period, what works, what is waiting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

import pandas as pd

from sheets_schema import header_key
from sheets_schema.tabs import BATCHES, HISTORY, MODEL, PROSPECTS

from .message import Funnel, Message, Section, listed
from .outcomes import STAGES, WON, PeriodCounts, contact_timeline, period_counts
from .sheet import TabLinks, numbers, tab_link

TREND_PERIODS = 4
#: A link type or competitor needs this many sends before its win rate means anything.
MIN_SENT = 3
RANKED = 3
LIST_LIMIT = 10
#: The tabs the digest is made of (by schema, see `sheet.schema_tabs`).
DIGEST_TABS = (PROSPECTS, HISTORY, MODEL, BATCHES)
STAGE_LABELS = {"Sent": "Sent", "Replied": "Replied", "Interested": "Interested", WON: "Won"}


def _comparison(current: PeriodCounts, previous: PeriodCounts) -> list[str]:
    return [
        f"{STAGE_LABELS[s]}: {current.counts[s]} (previous period {previous.counts[s]}, "
        f"{current.counts[s] - previous.counts[s]:+d})"
        for s in STAGES
    ]


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _by_win_rate(model: pd.DataFrame, dimension: str) -> tuple[list[str], list[str]]:
    rows = model[model["Dimension"].map(header_key) == header_key(dimension)]
    rows = rows.assign(_win=numbers(rows["Win rate"]), _sent=numbers(rows["Sent"]))
    rows = rows[(rows["_sent"] >= MIN_SENT) & rows["_win"].notna()].sort_values("_win", ascending=False)

    def line(r: pd.Series) -> str:
        return f"{r['Value']}: {r['_win']:.0%} won ({r['Won'] or 0} of {r['Sent']} sent)"

    # With few rows, the top half is "best" and the rest "worst": no value is listed as both.
    shown = min(RANKED, (len(rows) + 1) // 2)
    best = [line(r) for _, r in rows.head(shown).iterrows()]
    worst = [line(r) for _, r in rows.iloc[shown:].tail(RANKED).iloc[::-1].iterrows()]
    return best, worst


def _waiting_batches(prospects: pd.DataFrame, batches: pd.DataFrame) -> list[str]:
    live = prospects[(prospects["Batch"] != "") & (prospects["Status"] != "Gone")]
    started = live.groupby("Batch")["Outcome"].apply(lambda s: (s != "").any())
    sizes = live.groupby("Batch").size()
    info = batches.drop_duplicates("Batch").set_index("Batch")
    lines = []
    for batch in started[~started].index:
        about = info.loc[batch] if batch in info.index else None
        detail = f" · {about['Link type']} → {about['Target page']}" if about is not None else ""
        lines.append(f"{batch}: {sizes[batch]} prospect{'' if sizes[batch] == 1 else 's'}{detail}")
    return lines


def _stale(timeline: pd.DataFrame, prospects: pd.DataFrame, before: datetime) -> list[str]:
    waiting = timeline[(timeline["Sent"] < pd.Timestamp(before)) & timeline["Replied"].isna()]
    owners = prospects.drop_duplicates("Domain").set_index("Domain")["Owner"]
    outcomes = prospects.drop_duplicates("Domain").set_index("Domain")["Outcome"]
    # A team that already closed a prospect (No fit, Needs asset first) is not waiting on it.
    waiting = waiting[waiting["key"].map(outcomes).fillna("").isin(["", "Sent"])]
    return [
        f"{r.key} — contacted {r.Sent:%Y-%m-%d}, owner {owners.get(r.key) or 'not set'}"
        for r in waiting.itertuples(index=False)
    ]


def outcomes_digest(
    tabs: Mapping[str, pd.DataFrame],
    links: TabLinks,
    now: datetime,
    days: int = 7,
    stale_days: int = 14,
    chart: bool = False,
) -> list[Message]:
    """The digest of `tabs` (DIGEST_TABS by schema), and a funnel chart message when the notifier can upload files."""
    prospects, model = tabs[PROSPECTS.name], tabs[MODEL.name]
    timeline = contact_timeline(tabs[HISTORY.name], prospects)
    period = timedelta(days=days)
    trend = [period_counts(timeline, now - (i + 1) * period, now - i * period) for i in range(TREND_PERIODS)][::-1]
    current, previous = trend[-1], trend[-2]
    prospects_link = tab_link(links, PROSPECTS.name)
    model_link = tab_link(links, MODEL.name)

    best_types, worst_types = _by_win_rate(model, "Link type")
    best_rivals, worst_rivals = _by_win_rate(model, "Competitor")
    sections = [
        Section(f"Last {days} days vs the {days} before", tuple(_comparison(current, previous)), 0, prospects_link),
        Section(
            f"Reply rate, last {TREND_PERIODS} periods (oldest first)",
            (" → ".join(_rate(p.reply_rate) for p in trend),),
        ),
    ]
    for heading, lines in (
        ("Best link types by win rate", best_types),
        ("Worst link types by win rate", worst_types),
        ("Best competitors' links by win rate", best_rivals),
        ("Worst competitors' links by win rate", worst_rivals),
    ):
        if lines:
            sections.append(Section(heading, tuple(lines), 0, model_link))
    waiting = _waiting_batches(prospects, tabs[BATCHES.name])
    if waiting:
        sections.append(listed("Batches waiting for outreach", waiting, LIST_LIMIT, tab_link(links, BATCHES.name)))
    stale = _stale(timeline, prospects, now - timedelta(days=stale_days))
    if stale:
        sections.append(listed(f"No answer {stale_days}+ days after contact", stale, LIST_LIMIT, prospects_link))

    c = current.counts
    day = f"{now:%Y-%m-%d}"
    digest = Message(
        key=f"outcomes-digest:{days}d:{day}",
        kind="outcomes-digest",
        title=f"Outreach, last {days} days: {c[WON]} won, {c['Replied']} replies",
        summary=(
            f"{c['Sent']} sent, {c['Replied']} replied, {c['Interested']} interested, {c[WON]} won; "
            f"reply rate {_rate(current.reply_rate)} (previous period {_rate(previous.reply_rate)})."
        ),
        sections=tuple(sections),
    )
    if not chart:
        return [digest]
    funnel = Funnel(
        stages=tuple(STAGE_LABELS[s] for s in STAGES),
        current=tuple(current.counts[s] for s in STAGES),
        previous=tuple(previous.counts[s] for s in STAGES),
        current_label=f"last {days} days",
        previous_label=f"{days} days before",
    )
    picture = Message(
        key=f"outcomes-chart:{days}d:{day}",
        kind="outcomes-chart",
        title=f"Outreach funnel, last {days} days",
        summary=f"Outreach funnel: last {days} days vs the {days} before.",
        sections=(Section("Funnel", tuple(_comparison(current, previous))),),
        chart=funnel,
    )
    return [digest, picture]
