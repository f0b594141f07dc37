"""The digest posted after each analysis: what is new, what to work on first, what to fix."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd

from sheets_schema.tabs import ASSET_GAPS, IMPORTS, NOISE, PROSPECTS, TARGET_HEALTH

from .message import Message, Section, fingerprint, listed
from .sheet import TabLinks, numbers, tab_link

TOP = 10
TOP_GAPS = 5
TOP_NEW = 5
#: The tabs the digest is made of (by schema, as the sheet holds them after the analysis).
DIGEST_TABS = (PROSPECTS, ASSET_GAPS, TARGET_HEALTH, NOISE)
#: The Prospects columns it reads (a digest of a large market works out only these).
PROSPECT_COLUMNS = (
    "Domain",
    "Status",
    "Priority",
    "Overlap",
    "Why",
    "Competitors linked",
    "Link type",
    "Next action",
    "Suggested action",
)


def _counts(heading: str, values: pd.Series) -> Section:
    counted = values[values != ""].value_counts()
    return listed(heading, [f"{name}: {n}" for name, n in counted.items()], TOP)


def _prospect_line(row: pd.Series) -> str:
    score = f"priority {row['_priority']:.0f}" if pd.notna(row["_priority"]) else f"overlap {row['Overlap'] or '?'}"
    why = row["Why"] or f"linked from {row['Competitors linked']}"
    new = " (new)" if row["Status"] == "New" else ""
    return f"{row['Domain']}{new} — {score} · {row['Link type'] or 'unclassified'} · {why}"


def analysis_digest(tabs: Mapping[str, pd.DataFrame], links: TabLinks, day: date, pulls: Sequence[str] = ()) -> Message:
    """The digest of `tabs` (DIGEST_TABS by schema, see `sheet.schema_tabs`), and of what the run
    pulled from the vendor (`pulls`: the units spent, then what the budget left unread), since
    whoever holds the budget reads the digest rather than Imports.

    The same content on the same day has the same key, so it is posted once.
    """
    prospects = tabs[PROSPECTS.name][list(PROSPECT_COLUMNS)]
    live = prospects[(prospects["Domain"] != "") & (prospects["Status"] != "Gone")]
    live = live.assign(_priority=numbers(live["Priority"]), _overlap=numbers(live["Overlap"]))
    ranked = live.sort_values(["_priority", "_overlap"], ascending=False, na_position="last", kind="stable")
    fresh = ranked[ranked["Status"] == "New"]
    new = len(fresh)

    sections = [
        Section(
            f"Top {min(TOP, len(ranked))} by priority",
            tuple(_prospect_line(r) for _, r in ranked.head(TOP).iterrows()),
            max(0, len(ranked) - TOP),
            tab_link(links, PROSPECTS.name),
        ),
        # On a first run everything is new and the top list already shows it.
        Section(
            f"New since the last run ({new})",
            tuple(_prospect_line(r) for _, r in fresh.head(TOP_NEW).iterrows()),
            max(0, len(fresh) - TOP_NEW),
        )
        if len(fresh) < len(live)
        else Section("New since the last run"),
        _counts("By link type", live["Link type"].where(live["Link type"] != "", "Unclassified")),
        _counts("By next action", live["Next action"].where(live["Next action"] != "", live["Suggested action"])),
    ]

    gaps = tabs[ASSET_GAPS.name]
    if not gaps.empty:
        gaps = gaps.assign(_n=numbers(gaps["Gap domains"])).sort_values("_n", ascending=False, kind="stable")
        lines = [  # the shown ones: a market may have thousands
            f"{page} ({kind or 'asset'}) — {n} gap domains link to it"
            for page, kind, n in gaps[["Competitor page", "Asset type", "Gap domains"]].head(TOP_GAPS).to_numpy()
        ]
        link = tab_link(links, ASSET_GAPS.name)
        sections.append(Section("Asset gaps: content to create", tuple(lines), len(gaps) - len(lines), link))

    health = tabs[TARGET_HEALTH.name]
    broken = health[health["Verdict"].str.casefold() == "fix first"]
    if not broken.empty:
        lines = [f"{h['Target URL']} — {h['Reasons'] or 'failed the health check'}" for _, h in broken.iterrows()]
        sections.append(listed("Fix before outreach", lines, TOP, tab_link(links, TARGET_HEALTH.name)))

    noise = tabs[NOISE.name]
    if not noise.empty:
        removed = noise.assign(_links=numbers(noise["Links"]).fillna(1)).groupby("Reason", sort=False)["_links"].sum()
        removed = removed.sort_values(ascending=False, kind="stable")
        lines = [f"{reason or 'Other'}: {int(n)} link(s)" for reason, n in removed.items()]
        sections.append(listed(f"Noise removed ({len(noise)} domains)", lines, TOP, tab_link(links, NOISE.name)))

    if pulls:
        sections.append(listed("Vendor data pulled", list(pulls), TOP, tab_link(links, IMPORTS.name)))

    summary = f"{len(live)} prospects, {new} new since the last run."
    if not broken.empty:
        summary += f" {len(broken)} target page(s) need fixing before outreach."
    shown = tuple(s for s in sections if s.lines)
    return Message(
        # What the team reads, not where it lives: a copy of the sheet is the same news.
        key=f"analysis-digest:{day}:{fingerprint([summary, [(s.heading, s.lines, s.more) for s in shown]])}",
        kind="analysis-digest",
        title=f"Backlink gap analysis: {new} new prospect{'s' if new != 1 else ''}",
        summary=summary,
        sections=shown,
    )
