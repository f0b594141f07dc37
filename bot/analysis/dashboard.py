"""The `Dashboard` tab: the counts a team looks at first."""

from __future__ import annotations

import pandas as pd

from bot.inputs import pick
from sheets_schema import dashboard as sections
from sheets_schema import header_key


def dashboard(
    prospects: pd.DataFrame, noise: pd.DataFrame, totals: dict[str, int], giants: pd.DataFrame
) -> pd.DataFrame:
    """Rows of (Section, Item, Count): totals, then prospects by link type, action, competitor and topic,
    noise by reason, and competitors flagged as giant publishers."""
    rows: list[tuple[str, str, int]] = [("Totals", name, int(count)) for name, count in totals.items()]
    live = prospects[prospects["Status"].astype(str) != "Gone"] if "Status" in prospects.columns else prospects
    for section, column in (("Link type", "Link type"), ("Suggested action", "Suggested action")):
        rows += [(section, str(k), int(v)) for k, v in live[column].value_counts().items()]
    for section, column in (("Competitor", "Competitors linked"), ("Topic", "Topic")):
        names = live[column].astype(str).str.split(r"\s*,\s*", regex=True).explode()
        rows += [(section, str(k), int(v)) for k, v in names[names != ""].value_counts().items()]
    rows += [("Noise reason", str(k), int(v)) for k, v in noise["Reason"].value_counts().items()]
    rows += [
        ("Giant publisher (competitor)", f"{d} ({r}× the others' median)", int(n))
        for d, r, n in giants[["display", "ratio", "referring_domains"]].itertuples(index=False)
    ]
    return pd.DataFrame(rows, columns=["Section", "Item", "Count"])


def outreach_sections(model: pd.DataFrame, history: pd.DataFrame | None, next_actions: pd.Series) -> pd.DataFrame:
    """Dashboard rows of what the team's outreach gave (the sections `sheets_schema.dashboard` charts).

    `model` is the Model tab just learned; `history` the History tab (for sends per week);
    `next_actions` the Next action of each listed prospect as the sheet will show it.
    """
    rows: list[dict[str, object]] = []
    team = model[model["Dimension"] == "All"]
    if len(team):
        rows += [
            {"Section": sections.FUNNEL, "Item": stage, "Count": int(team.iloc[0][stage])}
            for stage in ("Sent", "Replied", "Interested", "Won")
        ]
    for dimension, wins, replies in (
        ("Link type", sections.WINS_BY_LINK_TYPE, sections.REPLIES_BY_LINK_TYPE),
        ("Competitor", sections.WINS_BY_COMPETITOR, sections.REPLIES_BY_COMPETITOR),
    ):
        tried = model[(model["Dimension"] == dimension) & (pd.to_numeric(model["Sent"], errors="coerce") > 0)]
        for count, rate, span, section in (
            ("Won", "Win rate", "Win range", wins),
            ("Sent", "Reply rate", "Reply range", replies),
        ):
            rows += [
                {"Section": section, "Item": r["Value"], "Count": int(r[count]), "Rate": r[rate], "Range": r[span]}
                for _, r in tried.iterrows()
            ]
    actions = next_actions.astype(str).str.strip().replace("", "(blank)")
    rows += [
        {"Section": sections.PROSPECTS_BY_NEXT_ACTION, "Item": k, "Count": int(v)}
        for k, v in actions.value_counts().items()
    ]
    rows += [{"Section": sections.PER_WEEK, "Item": k, "Count": int(v)} for k, v in sends_per_week(history).items()]
    return pd.DataFrame(rows, columns=["Section", "Item", "Count", "Rate", "Range"])


def sends_per_week(history: pd.DataFrame | None) -> pd.Series:
    """How many prospects the team marked `Sent` in each ISO week (`2026-W49`), oldest first."""
    log = pick(history, ["When", "Column", "New value"])
    sent = log[
        (log["Column"].map(header_key) == header_key("Outcome"))
        & (log["New value"].map(header_key) == header_key("Sent"))
    ]
    days = pd.to_datetime(sent["When"].str[:10], errors="coerce").dropna()
    weeks = days.dt.isocalendar()
    labels = weeks["year"].astype(str) + "-W" + weeks["week"].astype(str).str.zfill(2)
    return labels.value_counts().sort_index()
