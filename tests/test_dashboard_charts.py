"""The Dashboard's native charts: openpyxl charts in a workbook, `addChart` requests on Google (the fake)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd

from bot.analysis.dashboard import outreach_sections, sends_per_week
from bot.stores import AppendRows, ReplaceTab, WorkbookStore
from bot.stores.charts import placed_charts
from sheets_schema import dashboard as sections
from sheets_schema.tabs import DASHBOARD, HISTORY
from tests.backends import GoogleBackend


def dashboard_frame(with_trend: bool = True) -> pd.DataFrame:
    rows = [
        ("Totals", "prospects", 40, None, ""),
        (sections.FUNNEL, "Sent", 30, None, ""),
        (sections.FUNNEL, "Replied", 9, None, ""),
        (sections.FUNNEL, "Interested", 5, None, ""),
        (sections.FUNNEL, "Won", 3, None, ""),
        (sections.WINS_BY_LINK_TYPE, "Resource page", 2, 0.08, "3%–17%"),
        (sections.WINS_BY_LINK_TYPE, "Digital PR", 1, 0.05, "1%–14%"),
        (sections.REPLIES_BY_LINK_TYPE, "Resource page", 20, 0.31, "18%–47%"),
        (sections.REPLIES_BY_LINK_TYPE, "Digital PR", 10, 0.22, "9%–41%"),
        (sections.PROSPECTS_BY_LINK_TYPE, "Resource page", 25, None, ""),
        (sections.PROSPECTS_BY_NEXT_ACTION, "Pitch existing page", 12, None, ""),
    ]
    if with_trend:
        rows += [(sections.PER_WEEK, "2026-W48", 15, None, ""), (sections.PER_WEEK, "2026-W49", 15, None, "")]
    return pd.DataFrame(rows, columns=DASHBOARD.names)


def test_each_section_with_rows_gets_its_chart_over_exactly_those_rows() -> None:
    frame = dashboard_frame()
    grid = [list(frame.columns), *frame.to_numpy().tolist()]
    placed = {p.chart.section: p for p in placed_charts(grid)}
    assert set(placed) == {
        sections.FUNNEL,
        sections.WINS_BY_LINK_TYPE,
        sections.REPLIES_BY_LINK_TYPE,
        sections.PROSPECTS_BY_LINK_TYPE,
        sections.PROSPECTS_BY_NEXT_ACTION,
        sections.PER_WEEK,
    }
    funnel = placed[sections.FUNNEL]
    assert (funnel.first, funnel.last, funnel.value_column) == (2, 5, DASHBOARD.names.index("Count"))
    assert placed[sections.REPLIES_BY_LINK_TYPE].value_column == DASHBOARD.names.index("Rate")


def charts_in(path: Path) -> list[str]:
    """The titles of the charts a saved workbook holds (what Excel and LibreOffice draw)."""
    with zipfile.ZipFile(path) as book:
        names = sorted(n for n in book.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [" ".join(re.findall(r"<a:t>([^<]*)</a:t>", book.read(n).decode())) for n in names]


def test_a_workbook_dashboard_has_native_charts_that_survive_other_writes(tmp_path: Path) -> None:
    store = WorkbookStore(tmp_path / "team.xlsx")
    store.commit([ReplaceTab(DASHBOARD, dashboard_frame())])
    titles = charts_in(store.path)
    assert len(titles) == 6
    assert "Outreach funnel: sent → replied → interested → won" in titles
    # openpyxl drops the charts of a file it loads: a later write that leaves the Dashboard alone keeps them.
    store.commit([AppendRows(HISTORY, pd.DataFrame({"When": ["2026-12-01 09:00"], "Column": ["watch"]}))])
    assert charts_in(store.path) == titles
    store.commit([ReplaceTab(DASHBOARD, dashboard_frame(with_trend=False))])
    assert len(charts_in(store.path)) == 5


def test_a_google_dashboard_gets_add_chart_requests_and_replaces_its_old_charts(tmp_path: Path) -> None:
    backend = GoogleBackend(tmp_path)
    backend.store.commit([ReplaceTab(DASHBOARD, dashboard_frame())])
    sheet = next(s for s in backend.fake.book(backend.spreadsheet_id).sheets if s.title == DASHBOARD.name)
    assert len(sheet.charts) == 6
    funnel = next(c for c in sheet.charts if c["spec"]["title"].startswith("Outreach funnel"))
    basic = funnel["spec"]["basicChart"]
    assert basic["chartType"] == "COLUMN"
    (values,) = basic["series"][0]["series"]["sourceRange"]["sources"]
    assert (values["sheetId"], values["startRowIndex"], values["endRowIndex"]) == (sheet.id, 2, 6)
    assert values["startColumnIndex"] == DASHBOARD.names.index("Count")
    backend.store.commit([ReplaceTab(DASHBOARD, dashboard_frame(with_trend=False))])
    assert len(sheet.charts) == 5  # the old six were deleted, not kept beside the new ones
    assert not any(c["spec"]["title"] == "Prospects sent per week" for c in sheet.charts)


def test_outreach_sections_come_from_the_model_and_history() -> None:
    model = pd.DataFrame(
        [
            {"Dimension": "All", "Value": "All prospects", "Sent": 12, "Replied": 4, "Interested": 2, "Won": 1},
            {
                "Dimension": "Link type",
                "Value": "Resource page",
                "Sent": 12,
                "Won": 1,
                "Win rate": 0.07,
                "Win range": "2%–20%",
                "Reply rate": 0.3,
                "Reply range": "15%–50%",
            },
            {"Dimension": "Link type", "Value": "Digital PR", "Sent": 0, "Won": 0},
        ]
    )
    history = pd.DataFrame(
        {
            "When": ["2026-11-29 09:00", "2026-12-01 10:00", "2026-12-08 10:00", "2026-12-08 11:00"],
            "Column": ["Outcome", "Outcome", "Outcome", "Notes"],
            "New value": ["Sent", "Sent", "sent", "Sent"],
        }
    )
    assert sends_per_week(history).to_dict() == {"2026-W48": 1, "2026-W49": 1, "2026-W50": 1}
    out = outreach_sections(model, history, pd.Series(["Pitch existing page", "", "Pitch existing page"]))
    by_section = {s: rows for s, rows in out.groupby("Section")}
    assert list(by_section[sections.FUNNEL]["Count"]) == [12, 4, 2, 1]
    assert list(by_section[sections.WINS_BY_LINK_TYPE]["Item"]) == ["Resource page"]  # never sent: not shown
    assert by_section[sections.REPLIES_BY_LINK_TYPE].iloc[0][["Count", "Rate", "Range"]].tolist() == [
        12,
        0.3,
        "15%–50%",
    ]
    assert dict(zip(*by_section[sections.PROSPECTS_BY_NEXT_ACTION][["Item", "Count"]].T.to_numpy(), strict=True)) == {
        "Pitch existing page": 2,
        "(blank)": 1,
    }
