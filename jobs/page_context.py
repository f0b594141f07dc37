"""`gapbot page-context`: read the top prospects' linking pages for link type and upkeep evidence."""

from __future__ import annotations

import pandas as pd

from bot.crawl.fetcher import with_scheme
from bot.crawl.page_context import page_context
from bot.inputs import by_schema, read_inputs
from bot.stores import AppendRows, UpsertRows
from sheets_schema.tabs import HISTORY, PAGE_CONTEXT, PROSPECTS

from .context import JobContext, JobResult

#: How many prospects (highest priority first) get their page read per run.
PAGE_CONTEXT_TOP = 30


def top_prospects(prospects: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The highest-priority prospects still in the exports that have a linking page."""
    live = prospects[(prospects["Status"].str.casefold() != "gone") & (prospects["Best linking page"] != "")].copy()
    live["priority"] = pd.to_numeric(live["Priority"], errors="coerce").fillna(-1)
    return live.sort_values("priority", ascending=False, kind="stable").head(limit)


def page_context_job(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    when = f"{now:%Y-%m-%d %H:%M}"
    inputs = read_inputs(ctx.store)
    prospects = by_schema(ctx.store.read_tab(PROSPECTS.name), PROSPECTS)
    chosen = top_prospects(prospects, PAGE_CONTEXT_TOP)
    fetcher = ctx.fetcher(inputs.settings)
    results = fetcher.fetch_all(chosen["Best linking page"].map(with_scheme))

    rows = []
    for key, page in zip(chosen["Domain"], chosen["Best linking page"], strict=True):
        result = results[with_scheme(page)]
        row: dict[str, object] = {"Domain": key, "Linking page": result.final_url, "Checked at": when}
        row["Status"] = result.status if result.status is not None else ""
        if result.fetched and result.is_html and (result.status or 0) < 400:
            context = page_context(result, now.date())
            maintained = context.maintained(now.date())
            row |= {
                "Link type signal": context.link_type,
                "Signals": "; ".join(context.signals),
                "Outbound links": context.outbound_links,
                "Outbound domains": context.outbound_domains,
                "Last updated": context.last_updated.isoformat() if context.last_updated else "",
                "Maintained": "" if maintained is None else ("Yes" if maintained else "No"),
            }
        else:
            row["Signals"] = f"not read: {result.problem or f'answers {result.status}'}"
        rows.append(row)
    frame = pd.DataFrame(rows, columns=PAGE_CONTEXT.names).fillna("")
    history = pd.DataFrame([{"When": when, "Column": "page-context", "New value": f"{len(frame)} pages read",
                             "Run": ctx.run_id}])  # fmt: skip
    notes = ctx.store.commit([UpsertRows(PAGE_CONTEXT, frame), AppendRows(HISTORY, history)])
    counts = {
        "pages read": int((frame["Outbound links"] != "").sum()),
        "pages not read": int((frame["Outbound links"] == "").sum()),
        **{
            f"signal: {t}": int((frame["Link type signal"] == t).sum())
            for t in sorted(set(frame["Link type signal"]) - {""})
        },
    }
    summary = f"{counts['pages read']} of the top {len(frame)} prospects' pages read"
    return JobResult("page-context", summary, counts, (*inputs.problems, *notes.notes))
