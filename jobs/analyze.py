"""`gapbot analyze`: read the exports, find the gap, write Prospects and Imports."""

from __future__ import annotations

import pandas as pd

from bot.analysis.pipeline import analyze_links
from bot.errors import GapbotError
from bot.ingest import ImportReport, read_export_bytes, read_export_frame
from bot.inputs import by_schema, read_inputs
from bot.linktable import empty_link_table
from bot.notify.hooks import notify_after_analyze
from bot.stores import AppendRows, ReplaceTab, SetState, UpsertRows
from sheets_schema.tabs import HISTORY, IMPORTS, PROSPECTS

from .context import JobContext, JobResult
from .registry import register


def read_all_exports(
    ctx: JobContext, raw_tabs: dict[str, pd.DataFrame], folder: str
) -> tuple[pd.DataFrame, list[ImportReport]]:
    """Every `Raw: …` tab and exports-folder file; one unreadable export never stops the others."""
    tables: list[pd.DataFrame] = []
    reports: list[ImportReport] = []
    for name, frame in ctx.progress(list(raw_tabs.items()), "Reading Raw tabs"):
        links, report = read_export_frame(name, frame)
        tables.append(links)
        reports.append(report)
    if folder:
        try:
            files = ctx.store.export_files(folder)
        except GapbotError as exc:
            reports.append(ImportReport(export=folder, problem=exc.message))
            files = []
        for file in ctx.progress(files, "Reading export files"):
            links, report = read_export_bytes(file.name, file.data)
            tables.append(links)
            reports.append(report)
    non_empty = [t for t in tables if not t.empty]
    links = pd.concat(non_empty, ignore_index=True) if non_empty else empty_link_table()
    return links, reports


def imports_frame(reports: list[ImportReport], read_at: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Export": [r.export for r in reports],
            "Tool": [r.tool for r in reports],
            "Report": [r.report for r in reports],
            "Site": [r.site for r in reports],
            "Rows read": [r.rows_read for r in reports],
            "Rows skipped": [r.rows_skipped for r in reports],
            "Skipped because": ["; ".join(f"{why}: {n}" for why, n in r.skipped.most_common()) for r in reports],
            "Problem": [r.problem for r in reports],
            "Read at": read_at,
        },
        columns=IMPORTS.names,
    )


@register("analyze")
def analyze(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    inputs = read_inputs(ctx.store)
    links, reports = read_all_exports(ctx, inputs.raw_tabs, inputs.settings.exports_folder)
    existing = by_schema(ctx.store.read_tab(PROSPECTS.name), PROSPECTS)
    output = analyze_links(links, inputs.competitors, inputs.settings, existing, now.date())

    prospects = output.prospects.copy()
    history = pd.DataFrame(
        [
            {
                "When": f"{now:%Y-%m-%d %H:%M}",
                "Column": "analyze",
                "New value": f"{len(prospects)} prospects",
                "Run": ctx.run_id,
            }
        ]
    )
    notes = ctx.store.commit(
        [
            UpsertRows(PROSPECTS, prospects, mark_missing={"Status": "Gone"}, sort_by="Overlap"),
            ReplaceTab(IMPORTS, imports_frame(reports, f"{now:%Y-%m-%d %H:%M}")),
            AppendRows(HISTORY, history),
            SetState({"last_analysis": now.isoformat(), "last_run_id": ctx.run_id}),
        ]
    )
    problems = [r.problem for r in reports if r.problem]
    counts = {
        **output.counts,
        "exports read": sum(1 for r in reports if not r.problem),
        "exports failed": len(problems),
    }
    summary = (
        f"{counts['prospects']} prospects ({counts['new prospects']} new) from {counts['links read']} links "
        f"in {counts['exports read']} export(s)"
    )
    return notify_after_analyze(ctx, JobResult("analyze", summary, counts, (*inputs.problems, *problems, *notes.notes)))
