"""`gapbot verify-links`: check that the links the team won are live on the linking page.

For every prospect whose Outcome is `Published / linked`: fetch the linking page, look for a link
to one of `Our domains`, write `Won links` (one row per won link: page, link, anchor, rel, page
status, indexability) and Prospects' `Link verified`, log changes to History. A link verified
before and missing on two consecutive checks is reported lost: in the job's notes (each starting
with `LOST_NOTE_PREFIX`), its `links lost` count and the `lost_links` state entry.
"""

from __future__ import annotations

import json

import pandas as pd

from bot.crawl.fetcher import with_scheme
from bot.crawl.won_links import (
    LOST_NOTE_PREFIX,
    Result,
    check_page,
    link_verified_text,
    linking_url,
    next_verdict,
    won_links_row,
)
from bot.inputs import by_schema, read_inputs
from bot.stores import AppendRows, SetState, UpsertRows, WriteOp
from sheets_schema.state_keys import LOST_LINKS_KEY, WON_LINK_CHECKS_KEY
from sheets_schema.tabs import HISTORY, PROSPECTS, WON_LINKS

from .context import JobContext, JobResult

WON = "published / linked"


def verify_links(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    when, day = f"{now:%Y-%m-%d %H:%M}", f"{now:%Y-%m-%d}"
    inputs = read_inputs(ctx.store)
    prospects = by_schema(ctx.store.read_tab(PROSPECTS.name), PROSPECTS)
    won = prospects[(prospects["Outcome"].str.casefold() == WON) & (prospects["Domain"] != "")]
    won = won.drop_duplicates("Domain")
    pages = {
        key: linking_url(url, notes, best)
        for key, url, notes, best in zip(
            won["Domain"], won["Won link URL"], won["Notes"], won["Best linking page"], strict=True
        )
    }
    problems = [f"Prospects: {key} is marked won but has no linking page to check" for key, p in pages.items() if not p]
    pages = {k: p for k, p in pages.items() if p}
    if pages and not inputs.settings.our_domains:
        problems.append("Settings: `Our domains` is empty, so won links cannot be verified — fill it in")
        pages = {}

    fetcher = ctx.fetcher(inputs.settings)
    results = fetcher.fetch_all(with_scheme(p) for p in pages.values()) if pages else {}
    stored = ctx.store.read_state_json(WON_LINK_CHECKS_KEY, {})
    state: dict[str, object] = dict(stored) if isinstance(stored, dict) else {}
    previous_text = dict(zip(prospects["Domain"], prospects["Link verified"], strict=True))

    rows, verified_cells, history, lost = [], [], [], []
    for key, page in pages.items():
        result = results[with_scheme(page)]
        check = check_page(page, result, inputs.settings.our_domains, fetcher.search_engines_allowed(result.final_url))
        previous = state.get(key)
        verdict = next_verdict(previous if isinstance(previous, dict) else None, check)
        state[key] = verdict.state
        rows.append(won_links_row(key, verdict, check, when))
        text = link_verified_text(verdict, check, day)
        verified_cells.append({"Domain": key, "Link verified": text})
        if text.split(" ", 1)[0] != str(previous_text.get(key, "")).split(" ", 1)[0]:
            history.append(
                {
                    "When": when,
                    "Key": key,
                    "Column": "Link verified",
                    "Old value": previous_text.get(key, ""),
                    "New value": text,
                    "Run": ctx.run_id,
                }
            )
        if verdict.newly_lost:
            lost.append({"domain": key, "linking_page": check.page, "detail": check.detail})

    counts = {
        "won links checked": len(rows),
        **{f"links {r.value.lower()}": sum(1 for row in rows if row["Result"] == r.value) for r in Result},
        "links lost now": len(lost),
    }
    history.append(
        {
            "When": when,
            "Column": "verify-links",
            "New value": f"{len(rows)} won links checked, {len(lost)} lost",
            "Run": ctx.run_id,
        }
    )
    ops: list[WriteOp] = [
        UpsertRows(WON_LINKS, pd.DataFrame(rows, columns=WON_LINKS.names)),
        AppendRows(HISTORY, pd.DataFrame(history)),
        SetState({WON_LINK_CHECKS_KEY: json.dumps(state, sort_keys=True), LOST_LINKS_KEY: json.dumps(lost)}),
    ]
    if verified_cells:
        ops.insert(0, UpsertRows(PROSPECTS, pd.DataFrame(verified_cells)))
    notes = ctx.store.commit(ops)
    summary = (
        f"{len(rows)} won link(s): {counts['links verified']} verified, {counts['links missing']} missing, "
        f"{counts['links lost']} lost, {counts['links could not check']} could not be checked"
    )
    lost_notes = tuple(f"{LOST_NOTE_PREFIX}{x['domain']} — {x['linking_page']} ({x['detail']})" for x in lost)
    return JobResult("verify-links", summary, counts, (*lost_notes, *inputs.problems, *problems, *notes.notes))
