"""`gapbot page-context`: read the top prospects' linking pages for link type and upkeep evidence."""

from __future__ import annotations

import pandas as pd

from bot.crawl.fetcher import with_scheme
from bot.crawl.page_context import COULD_NOT_CHECK, NOT_READABLE, READ, context_row
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
    inputs = read_inputs(ctx.store, also=[PROSPECTS.name, PAGE_CONTEXT.name])
    prospects = by_schema(inputs.also.get(PROSPECTS.name), PROSPECTS)
    previous = last_readings(inputs.also.get(PAGE_CONTEXT.name))
    chosen = top_prospects(prospects, PAGE_CONTEXT_TOP)
    fetcher = ctx.fetcher(inputs.settings)
    results = fetcher.fetch_all(chosen["Best linking page"].map(with_scheme))
    rows = [
        context_row(key, results[with_scheme(page)], now, previous.get(key))
        for key, page in zip(chosen["Domain"], chosen["Best linking page"], strict=True)
    ]
    frame = pd.DataFrame(rows, columns=PAGE_CONTEXT.names).fillna("")
    counts = {
        "pages read": int((frame["Result"] == READ).sum()),
        "pages not readable": int((frame["Result"] == NOT_READABLE).sum()),
        "pages could not check": int((frame["Result"] == COULD_NOT_CHECK).sum()),
        **{
            f"signal: {t}": int((frame.loc[frame["Result"] == READ, "Link type signal"] == t).sum())
            for t in sorted(set(frame["Link type signal"]) - {""})
        },
    }
    history = pd.DataFrame([{"When": when, "Column": "page-context", "New value": f"{counts['pages read']} pages read",
                             "Run": ctx.run_id}])  # fmt: skip
    notes = ctx.store.commit([UpsertRows(PAGE_CONTEXT, frame), AppendRows(HISTORY, history)])
    summary = f"{counts['pages read']} of the top {len(frame)} prospects' pages read"
    if counts["pages could not check"]:
        summary += f"; {counts['pages could not check']} could not be checked (kept as last read, tried next run)"
    return JobResult("page-context", summary, counts, (*inputs.problems, *notes.notes))


def last_readings(tab: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """Each prospect's row of `Page context` as read, by key (the first row of a key typed twice)."""
    rows = by_schema(tab, PAGE_CONTEXT)
    rows = rows[rows["Domain"].str.strip() != ""].drop_duplicates("Domain")
    return {str(r["Domain"]).strip(): r for r in rows.to_dict("records")}
