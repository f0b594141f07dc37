"""The Dashboard's native charts (`sheets_schema.dashboard.CHARTS`), drawn by each store.

Where each chart's rows are is read from the Dashboard grid itself (its Section column), so a
chart always plots what the tab holds. A workbook gets openpyxl charts on every save (openpyxl
does not keep the charts of a file it loads); a Google Sheet gets `addChart` requests whenever
the Dashboard is rewritten, after its old charts are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from sheets_schema import header_key
from sheets_schema.dashboard import CHARTS, Chart
from sheets_schema.tabs import DASHBOARD

from .grid import Grid

ROWS_PER_CHART = 18  # charts stack down the right of the table, this many rows apart
CHART_HEIGHT = 320  # pixels, on Google


@dataclass(frozen=True)
class Placed:
    """A chart and the grid rows it plots (0-based, the header is row 0)."""

    chart: Chart
    first: int
    last: int
    item_column: int
    value_column: int


def placed_charts(grid: Grid) -> list[Placed]:
    """Each declared chart whose section has rows in `grid`, with those rows."""
    if not grid:
        return []
    position = {header_key(str(h)): i for i, h in enumerate(grid[0]) if h is not None}
    section, item = position.get(header_key("Section")), position.get(header_key("Item"))
    if section is None or item is None:
        return []
    placed = []
    for chart in CHARTS:
        value = position.get(header_key(chart.value))
        rows = [r for r, row in enumerate(grid[1:], 1) if section < len(row) and row[section] == chart.section]
        if value is not None and rows:
            placed.append(Placed(chart, rows[0], rows[-1], item, value))
    return placed


def draw_workbook_charts(book: Workbook, grid: Grid) -> None:
    """Replace the Dashboard sheet's charts with the declared ones over its rows, `grid` (the
    workbook store writes the cells itself: the sheet in `book` may hold none)."""
    if DASHBOARD.name not in book.sheetnames:
        return
    sheet = book[DASHBOARD.name]
    sheet._charts = []
    anchor_column = get_column_letter(len(DASHBOARD.columns) + 2)
    for i, placed in enumerate(placed_charts(grid)):
        chart = LineChart() if placed.chart.kind == "line" else BarChart()
        if isinstance(chart, BarChart):
            chart.type = "bar" if placed.chart.kind == "bar" else "col"
        chart.title = placed.chart.title
        chart.legend = None
        chart.height, chart.width = 8, 16
        values = Reference(sheet, min_col=placed.value_column + 1, min_row=placed.first + 1, max_row=placed.last + 1)
        items = Reference(sheet, min_col=placed.item_column + 1, min_row=placed.first + 1, max_row=placed.last + 1)
        chart.add_data(values)
        chart.set_categories(items)
        sheet.add_chart(chart, f"{anchor_column}{1 + i * ROWS_PER_CHART}")


def chart_requests(grid: Grid, sheet_id: int, old_charts: tuple[int, ...]) -> list[dict[str, Any]]:
    """batchUpdate requests that replace a Google Dashboard's charts with the declared ones."""
    requests: list[dict[str, Any]] = [{"deleteEmbeddedObject": {"objectId": c}} for c in old_charts]
    for i, placed in enumerate(placed_charts(grid)):
        requests.append({"addChart": {"chart": _google_chart(placed, sheet_id, i)}})
    return requests


def _google_chart(placed: Placed, sheet_id: int, i: int) -> dict[str, Any]:
    def source(column: int) -> dict[str, Any]:
        span = {
            "sheetId": sheet_id,
            "startRowIndex": placed.first,
            "endRowIndex": placed.last + 1,
            "startColumnIndex": column,
            "endColumnIndex": column + 1,
        }
        return {"sourceRange": {"sources": [span]}}

    kind = {"bar": "BAR", "column": "COLUMN", "line": "LINE"}[placed.chart.kind]
    # Google wants the anchor cell inside the grid, which ends at the table's last column and row:
    # anchor on the last header cell and move right and down by pixels.
    anchor = {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": len(DASHBOARD.columns) - 1}
    return {
        "spec": {
            "title": placed.chart.title,
            "basicChart": {
                "chartType": kind,
                "legendPosition": "NO_LEGEND",
                "domains": [{"domain": source(placed.item_column)}],
                "series": [{"series": source(placed.value_column), "targetAxis": _value_axis(kind)}],
                "headerCount": 0,
            },
        },
        "position": {
            "overlayPosition": {
                "anchorCell": anchor,
                "offsetXPixels": 120,
                "offsetYPixels": i * (CHART_HEIGHT + 20),
                "widthPixels": 600,
                "heightPixels": CHART_HEIGHT,
            }
        },
    }


def _value_axis(kind: str) -> str:
    # A horizontal bar chart has its values along the bottom axis.
    return "BOTTOM_AXIS" if kind == "BAR" else "LEFT_AXIS"
