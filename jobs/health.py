"""`gapbot health`: check our target pages before outreach, and competitor pages for dead ones.

Writes `Target health` (one row per active target, with a verdict), the `Competitor pages` tab
(dead pages among those gap domains link to), turns prospects linking to a dead page into broken
link prospects, and keeps each target's fingerprint in the state tab so a migration (status,
final URL or canonical changed) is noticed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd

from bot.crawl import Fetcher, default_fetcher
from bot.crawl.dead_pages import apply_dead_pages, dead_page_rows, pages_to_check
from bot.crawl.fetcher import with_scheme
from bot.crawl.fingerprints import CHANGES_KEY, FINGERPRINTS_KEY, changed_fingerprints, merged_fingerprints
from bot.crawl.target_health import FIX_FIRST, assess
from bot.inputs import by_schema, read_inputs
from bot.stores import AppendRows, ReplaceTab, SetState, UpsertRows, WriteOp
from sheets_schema.tabs import COMPETITOR_PAGES, HISTORY, LINKS, PROSPECTS, TARGET_HEALTH

from .context import JobContext, JobResult
from .registry import register

#: Competitor pages checked per run (most-linked first); the rest wait for the next runs.
DEAD_PAGE_CHECKS_PER_RUN = 200
RECHECK_COMPETITOR_PAGES_AFTER = timedelta(days=7)


def check_targets(fetcher: Fetcher, targets: list[str], now: datetime) -> pd.DataFrame:
    urls = {t: with_scheme(t) for t in targets}
    results = fetcher.fetch_all(urls.values())
    rows = [
        assess(target, results[url], fetcher.search_engines_allowed(results[url].final_url), now)
        for target, url in urls.items()
    ]
    return pd.DataFrame(rows, columns=TARGET_HEALTH.names)


def competitor_page_ops(ctx: JobContext, fetcher: Fetcher) -> tuple[list[WriteOp], dict[str, int]]:
    """Check the next batch of competitor pages; re-flag the prospects that link to dead ones."""
    now = ctx.clock()
    tabs = ctx.store.read_tabs([LINKS.name, PROSPECTS.name, COMPETITOR_PAGES.name])
    links = by_schema(tabs.get(LINKS.name), LINKS)
    prospects = by_schema(tabs.get(PROSPECTS.name), PROSPECTS)
    checked = by_schema(tabs.get(COMPETITOR_PAGES.name), COMPETITOR_PAGES)
    known = pd.concat([links[["Domain", "Competitor page"]], prospects[["Domain", "Competitor page"]]])
    pages = pages_to_check(known, checked, now, DEAD_PAGE_CHECKS_PER_RUN, RECHECK_COMPETITOR_PAGES_AFTER)
    if pages.empty:
        return [], {"competitor pages checked": 0, "dead competitor pages": 0, "broken link prospects": 0}
    results = fetcher.fetch_all(pages["Competitor page"].map(with_scheme))
    rows = dead_page_rows(pages, {p: results[with_scheme(p)] for p in pages["Competitor page"]}, now)
    all_checked = pd.concat([checked[~checked["Competitor page"].isin(rows["Competitor page"])], rows])
    flagged = apply_dead_pages(prospects, links, all_checked)
    changed = (
        flagged[["Link type", "Suggested action", "Why"]] != prospects[["Link type", "Suggested action", "Why"]]
    ).any(axis=1)
    ops: list[WriteOp] = [UpsertRows(COMPETITOR_PAGES, rows, sort_by="Gap domains")]
    if changed.any():
        ops.append(UpsertRows(PROSPECTS, flagged.loc[changed, ["Domain", "Link type", "Suggested action", "Why"]]))
    counts = {
        "competitor pages checked": len(rows),
        "dead competitor pages": int((rows["Dead"] == "Yes").sum()),
        "broken link prospects": int(changed.sum()),
    }
    return ops, counts


@register("health")
def health(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    inputs = read_inputs(ctx.store)
    fetcher = (ctx.fetcher or default_fetcher)(inputs.settings)
    targets = list(dict.fromkeys(inputs.targets.loc[inputs.targets["active"], "url"]))
    frame = check_targets(fetcher, targets, now)

    stored = ctx.store.read_state_json(FINGERPRINTS_KEY, {})
    previous = stored if isinstance(stored, dict) else {}
    current = merged_fingerprints(previous, frame.to_dict("records"))
    changes = changed_fingerprints(previous, current)
    page_ops, page_counts = competitor_page_ops(ctx, fetcher)

    when = f"{now:%Y-%m-%d %H:%M}"
    fix_first = frame.loc[frame["Verdict"] == FIX_FIRST, "Target URL"].tolist()
    history = pd.DataFrame(
        [
            {
                "When": when,
                "Column": "health",
                "New value": f"{len(frame)} targets, {len(fix_first)} fix first",
                "Run": ctx.run_id,
            },
            *(
                {
                    "When": when,
                    "Key": c.target,
                    "Column": "Target page changed",
                    "New value": c.evidence,
                    "Run": ctx.run_id,
                }
                for c in changes
            ),
        ]
    )
    notes = ctx.store.commit(
        [
            ReplaceTab(TARGET_HEALTH, frame),
            *page_ops,
            AppendRows(HISTORY, history),
            SetState(
                {
                    FINGERPRINTS_KEY: json.dumps(current, sort_keys=True),
                    CHANGES_KEY: json.dumps([{"target": c.target, "evidence": c.evidence} for c in changes]),
                    "last_health": now.isoformat(),
                }
            ),
        ]
    )
    counts = {
        "targets checked": len(frame),
        **{f"targets {v.lower()}": int((frame["Verdict"] == v).sum()) for v in ("OK", "Check", FIX_FIRST)},
        "targets changed": len(changes),
        **page_counts,
    }
    summary = (
        f"{len(frame)} target(s): {counts['targets ok']} OK, {counts['targets check']} to check, "
        f"{counts['targets fix first']} to fix first; {page_counts['dead competitor pages']} dead competitor page(s)"
    )
    change_notes = tuple(f"target page changed: {c.target} — {c.evidence}" for c in changes)
    fix_notes = tuple(f"fix first: {t}" for t in fix_first)
    return JobResult("health", summary, counts, (*inputs.problems, *fix_notes, *change_notes, *notes.notes))
