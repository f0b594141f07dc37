"""`gapbot health`: check our target pages before outreach, and competitor pages for dead ones.

Writes `Target health` (one row per active target, with a verdict), the `Competitor pages` tab
(dead pages among those gap domains link to), turns prospects linking to a dead page into broken
link prospects, flags prospects whose batch pitches a `Fix first` target page, and keeps each
target's fingerprint in the state tab so a migration (status, final URL or canonical changed) is
noticed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pandas as pd

from bot.crawl import Fetcher
from bot.crawl.dead_pages import BROKEN_LINK, apply_dead_pages, dead_page_rows, pages_to_check
from bot.crawl.fetcher import with_scheme
from bot.crawl.fingerprints import changed_fingerprints, merged_fingerprints
from bot.crawl.target_health import COULD_NOT_CHECK, FIX_FIRST, FLAG_TEXT, assess, fix_first_targets, flag_prospects
from bot.inputs import by_schema, read_inputs
from bot.stores import AppendRows, ReplaceTab, SetState, UpsertRows, WriteOp
from sheets_schema.state_keys import LAST_HEALTH_KEY, TARGET_CHANGES_KEY, TARGET_FINGERPRINTS_KEY
from sheets_schema.tabs import BATCHES, COMPETITOR_PAGES, HISTORY, LINKS, PROSPECTS, TARGET_HEALTH

from .context import JobContext, JobResult

#: Competitor pages checked per run (most-linked first); the rest wait for the next runs.
DEAD_PAGE_CHECKS_PER_RUN = 200
RECHECK_COMPETITOR_PAGES_AFTER = timedelta(days=7)
#: The gapbot columns of Prospects this job may change (with the key).
PROSPECT_COLUMNS = ["Domain", "Link type", "Suggested action", "Why"]


def check_targets(fetcher: Fetcher, targets: list[str], now: datetime) -> pd.DataFrame:
    urls = {t: with_scheme(t) for t in targets}
    results = fetcher.fetch_all(urls.values())
    rows = [
        assess(target, results[url], fetcher.search_engines_allowed(results[url].final_url), now)
        for target, url in urls.items()
    ]
    return pd.DataFrame(rows, columns=TARGET_HEALTH.names)


def check_competitor_pages(fetcher: Fetcher, known: pd.DataFrame, checked: pd.DataFrame, now: datetime) -> pd.DataFrame:
    """`Competitor pages` rows for the next batch of pages gap domains link to (most-linked first)."""
    pages = pages_to_check(known, checked, now, DEAD_PAGE_CHECKS_PER_RUN, RECHECK_COMPETITOR_PAGES_AFTER)
    results = fetcher.fetch_all(pages["Competitor page"].map(with_scheme))
    return dead_page_rows(pages, {p: results[with_scheme(p)] for p in pages["Competitor page"]}, now)


def flagged_prospects(
    prospects: pd.DataFrame, links: pd.DataFrame, competitor_pages: pd.DataFrame, batches: pd.DataFrame,
    health: pd.DataFrame,
) -> pd.DataFrame:  # fmt: skip
    """Prospects linking to dead competitor pages, and those whose batch's target page must be fixed first."""
    out = apply_dead_pages(prospects, links, competitor_pages)
    target_of_batch = dict(zip(batches["Batch"], batches["Target page"], strict=True))
    out["Target page"] = out["Batch"].map(target_of_batch).fillna("")
    return flag_prospects(out, fix_first_targets(health), "Target page").drop(columns="Target page")


def health(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    inputs = read_inputs(ctx.store)
    fetcher = ctx.fetcher(inputs.settings)
    targets = list(dict.fromkeys(inputs.targets.loc[inputs.targets["active"], "url"]))
    frame = check_targets(fetcher, targets, now)

    stored = ctx.store.read_state_json(TARGET_FINGERPRINTS_KEY, {})
    previous = stored if isinstance(stored, dict) else {}
    current = merged_fingerprints(previous, frame.to_dict("records"))
    changes = changed_fingerprints(previous, current)
    tabs = ctx.store.read_tabs([LINKS.name, PROSPECTS.name, COMPETITOR_PAGES.name, BATCHES.name])
    links = by_schema(tabs.get(LINKS.name), LINKS)
    prospects = by_schema(tabs.get(PROSPECTS.name), PROSPECTS)
    checked = by_schema(tabs.get(COMPETITOR_PAGES.name), COMPETITOR_PAGES)
    known = pd.concat([links[["Domain", "Competitor page"]], prospects[["Domain", "Competitor page"]]])
    pages = check_competitor_pages(fetcher, known, checked, now)
    all_pages = pd.concat([checked[~checked["Competitor page"].isin(pages["Competitor page"])], pages])
    batches = by_schema(tabs.get(BATCHES.name), BATCHES)
    updated = flagged_prospects(prospects, links, all_pages, batches, frame)
    changed = (updated[PROSPECT_COLUMNS] != prospects[PROSPECT_COLUMNS]).any(axis=1)
    page_ops: list[WriteOp] = [UpsertRows(COMPETITOR_PAGES, pages, sort_by="Gap domains")] if len(pages) else []
    if changed.any():
        page_ops.append(UpsertRows(PROSPECTS, updated.loc[changed, PROSPECT_COLUMNS]))
    became_broken = (updated["Link type"] == BROKEN_LINK) & (prospects["Link type"] != BROKEN_LINK)
    page_counts = {
        "competitor pages checked": len(pages),
        "dead competitor pages": int((pages["Dead"] == "Yes").sum()),
        "broken link prospects": int(became_broken.sum()),
        "prospects waiting on a target fix": int(updated["Why"].str.startswith(f"[{FLAG_TEXT}").sum()),
        "prospects updated": int(changed.sum()),
    }

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
                    TARGET_FINGERPRINTS_KEY: json.dumps(current, sort_keys=True),
                    TARGET_CHANGES_KEY: json.dumps([{"target": c.target, "evidence": c.evidence} for c in changes]),
                    LAST_HEALTH_KEY: now.isoformat(),
                }
            ),
        ]
    )
    counts = {
        "targets checked": len(frame),
        **{
            f"targets {v.lower()}": int((frame["Verdict"] == v).sum())
            for v in ("OK", "Check", FIX_FIRST, COULD_NOT_CHECK)
        },
        "targets changed": len(changes),
        **page_counts,
    }
    summary = (
        f"{len(frame)} target(s): {counts['targets ok']} OK, {counts['targets check']} to check, "
        f"{counts['targets fix first']} to fix first, {counts['targets could not check']} could not be checked "
        f"(tried again next run); {page_counts['dead competitor pages']} dead competitor page(s)"
    )
    change_notes = tuple(f"target page changed: {c.target} — {c.evidence}" for c in changes)
    fix_notes = tuple(f"fix first: {t}" for t in fix_first)
    return JobResult("health", summary, counts, (*inputs.problems, *fix_notes, *change_notes, *notes.notes))
