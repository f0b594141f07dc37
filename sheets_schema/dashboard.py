"""The Dashboard's sections and the native charts drawn over them.

The analysis writes the sections (rows of Section, Item, Count, Rate, Range); every store draws
the same charts from them: openpyxl charts in a workbook, `addChart` requests on a Google Sheet.
"""

from __future__ import annotations

from dataclasses import dataclass

FUNNEL = "Outreach funnel"
WINS_BY_LINK_TYPE = "Wins by link type"
WINS_BY_COMPETITOR = "Wins by competitor"
REPLIES_BY_LINK_TYPE = "Reply rate by link type"
REPLIES_BY_COMPETITOR = "Reply rate by competitor"
PROSPECTS_BY_LINK_TYPE = "Link type"  # the Dashboard's section name before charts existed
PROSPECTS_BY_NEXT_ACTION = "Next action"
PER_WEEK = "Outreach per week"


@dataclass(frozen=True)
class Chart:
    title: str
    section: str  # plots the Dashboard rows of this Section
    value: str  # the column plotted: "Count" or "Rate"
    kind: str  # "column" (vertical bars), "bar" (horizontal) or "line"


CHARTS: tuple[Chart, ...] = (
    Chart("Outreach funnel: sent → replied → interested → won", FUNNEL, "Count", "column"),
    Chart("Links won by link type", WINS_BY_LINK_TYPE, "Count", "bar"),
    Chart("Reply rate by link type (learned)", REPLIES_BY_LINK_TYPE, "Rate", "bar"),
    Chart("Links won by competitor", WINS_BY_COMPETITOR, "Count", "bar"),
    Chart("Reply rate by competitor (learned)", REPLIES_BY_COMPETITOR, "Rate", "bar"),
    Chart("Prospects by link type", PROSPECTS_BY_LINK_TYPE, "Count", "bar"),
    Chart("Prospects by next action", PROSPECTS_BY_NEXT_ACTION, "Count", "bar"),
    Chart("Prospects sent per week", PER_WEEK, "Count", "line"),
)
