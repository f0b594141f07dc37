"""`gapbot analyze`: read the exports, run the analysis, write every output tab in one commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pandas as pd

from bot.analysis.dashboard import outreach_sections
from bot.analysis.pipeline import (
    EXISTING_PROSPECT_COLUMNS,
    AnalysisInputs,
    analyze_links,
    gap_candidates,
    pages_to_read,
)
from bot.crawl.dead_pages import apply_dead_pages
from bot.crawl.linking_pages import PagesReport, read_linking_pages
from bot.crawl.page_cache import PageCache, default_cache_path
from bot.crawl.target_health import fix_first_targets, flag_prospects
from bot.errors import GapbotError, InputError
from bot.ingest import ImportReport, read_export_entries, read_export_frame
from bot.ingest.archives import unpacked
from bot.inputs import Inputs, by_schema, input_tab_names, pick, read_inputs
from bot.learning.deleted import Deletions, deletion_state, find_deletions, tab_keys
from bot.learning.merge import hand_added_rows, hand_typed_duplicates, off_list_entries, prospects_upsert
from bot.learning.model import BATCH, learn
from bot.learning.refresh import learned_scores, weights
from bot.linktable import empty_link_table
from bot.notify.triggers import export_digests
from bot.settings import Settings
from bot.stores import AppendRows, ExportFile, ReplaceTab, SetState
from bot.stores.base import state_values
from bot.urls import domain_of, host_display, url_key
from bot.vendors import PullRun, connector_for, default_pull_dir, pull_sites
from sheets_schema import STATE_TAB, is_raw_tab
from sheets_schema.state_keys import LAST_ANALYSIS_KEY, LAST_RUN_ID_KEY
from sheets_schema.tabs import (
    ASSET_GAPS,
    BATCHES,
    COMPETITOR_PAGES,
    COMPETITOR_SUGGESTIONS,
    DASHBOARD,
    HISTORY,
    IMPORTS,
    LINKS,
    MODEL,
    NOISE,
    PROSPECTS,
    RAW_TAB_PREFIX,
    TARGET_HEALTH,
)

from .context import JobContext, JobResult
from .notifications import AnalysisNews, kept_pull_digests, prepare_after_analyze, send_prepared


def read_all_exports(
    ctx: JobContext, raw_tabs: dict[str, pd.DataFrame], folder: str
) -> tuple[pd.DataFrame, list[ImportReport], dict[str, str]]:
    """Every `Raw: …` tab and exports-folder file; one bad export never stops the others.

    An exports folder that cannot be listed stops the run before anything is written: what came
    from it is unknown, not empty (see `unreadable_sources` for exports that were read before).
    Also the digest of each export (`triggers.export_digests`), taken from the bytes as they are read.
    """
    tables: list[pd.DataFrame] = []
    reports: list[ImportReport] = []
    files: list[ExportFile] = []
    for name, frame in ctx.progress(list(raw_tabs.items()), "Reading Raw tabs"):
        links, report = read_export_frame(name, frame)
        tables.append(links)
        reports.append(report)
    if folder:
        try:
            files = ctx.store.export_files(folder)
        except GapbotError as exc:
            raise InputError(
                f"{exc.what}; nothing was written, and no prospect was marked Gone because of it",
                where=exc.where or f"Settings › Exports folder ({folder})",
                fix=exc.fix
                or "mount or share the folder again, correct the path, or clear the setting to stop using it",
            ) from exc
        for file in ctx.progress(files, "Reading export files"):
            if file.problem or file.note:
                notes = [file.note] if file.note else []
                reports.append(ImportReport(export=file.name, problem=file.problem, notes=notes))
                continue
            for export in unpacked(file.name, file.data):
                if export.problem:
                    reports.append(ImportReport(export=export.name, problem=export.problem))
                    continue
                for links, report in read_export_entries(export.name, export.data):
                    tables.append(links)
                    reports.append(report)
    non_empty = [t for t in tables if not t.empty]
    links = pd.concat(non_empty, ignore_index=True) if non_empty else empty_link_table()
    return links, reports, export_digests(raw_tabs, {f.name: f.fingerprint for f in files})


def read_pulls(ctx: JobContext, inputs: Inputs) -> tuple[pd.DataFrame, list[ImportReport], PullRun | None]:
    """The reports of Settings › Data source's vendor for our sites and the active competitors,
    through the same ingest as an export; kept pulls are reused until `Refresh every (days)`."""
    settings = inputs.settings
    connector = connector_for(settings.data_source)
    if connector is None:
        return empty_link_table(), [], None
    active = inputs.competitors.loc[inputs.competitors["active"], "domain"]
    sites = list(dict.fromkeys([*sorted(settings.our_domains), *active]))
    run = pull_sites(
        connector,
        sites,
        settings.api_budget,
        settings.refresh_days,
        default_pull_dir(ctx.store.location),
        ctx.clock(),
        ours=settings.our_domains,
    )
    tables: list[pd.DataFrame] = []
    reports: list[ImportReport] = []
    for pulled in ctx.progress(run.exports, f"Reading {connector.vendor.name} pulls"):
        if pulled.problem:
            reports.append(ImportReport(export=pulled.name, problem=pulled.problem))
            continue
        links, report = read_export_frame(pulled.name, pulled.frame)
        report.notes = [*pulled.notes, *report.notes]
        tables.append(links)
        reports.append(report)
    non_empty = [t for t in tables if not t.empty]
    return (pd.concat(non_empty, ignore_index=True) if non_empty else empty_link_table()), reports, run


def _read_before(previous: pd.DataFrame | None) -> set[str]:
    """The exports the last run read rows from, as its Imports tab names them."""
    earlier = by_schema(previous, IMPORTS)
    return set(
        earlier.loc[(pd.to_numeric(earlier["Rows read"], errors="coerce").fillna(0) > 0) & (earlier["Problem"] == ""),
                    "Export"]
    )  # fmt: skip


def unreadable_sources(reports: list[ImportReport], previous: pd.DataFrame | None) -> list[str]:
    """Exports the last run read rows from that could not be read now: their links are unknown.
    A ZIP or workbook that cannot be opened now covers the entries read from it (`links.zip › a.csv`)."""
    read_before = _read_before(previous)
    containers = {name.split(" › ", 1)[0] for name in read_before}
    return [f"{r.export}: {r.problem}" for r in reports if r.problem and r.export in read_before | containers]


def emptied_folder_files(folder: str, reports: list[ImportReport], previous: pd.DataFrame | None) -> list[str]:
    """The export files the last run read from the exports folder, when the folder holds none now.
    An empty folder where there were exports is most often a share or mount that came up empty:
    its files are unknown, not gone. A file the team removed among others is gone, as it should be."""
    from_folder = [r for r in reports if not is_raw_tab(r.export) and " API › " not in r.export]
    if not folder or from_folder:
        return []
    return sorted(n for n in _read_before(previous) if not is_raw_tab(n) and " API › " not in n)


def unused_site_note(report: ImportReport, known_sites: frozenset[str]) -> str:
    """Why the links of an export that was read go unused, and what to do; "" when they are used.
    Links count only towards a site in Competitors or Our domains (see `gap_links`)."""
    if report.problem or not report.rows_read:
        return ""
    if not report.site:
        return (
            "NOT USED: the site this export describes is unknown (it has no target URL column and its name "
            "names no site); rename the file or tab to include the domain, e.g. example.com-latest-links.csv"
        )
    if report.site not in known_sites:
        return (
            f"NOT USED: {report.site} is neither in Competitors nor in Our domains; add it to Competitors "
            "(or to the Our domains setting if it is our site)"
        )
    return ""


def with_unused_notes(reports: list[ImportReport], known_sites: frozenset[str]) -> tuple[list[ImportReport], list[str]]:
    """The reports, each export whose links go unused saying so first in its notes; and those notes for the run."""
    notes = [unused_site_note(r, known_sites) for r in reports]
    marked = [replace(r, notes=[note, *r.notes]) if note else r for r, note in zip(reports, notes, strict=True)]
    return marked, [f"{r.export}: {note}" for r, note in zip(reports, notes, strict=True) if note]


def nothing_to_compare(reports: list[ImportReport], competitors: pd.DataFrame, settings: Settings) -> list[str]:
    """What a sheet still lacks before there is a gap to find (a new team's first runs)."""
    notes = []
    if not reports:
        folder = (
            f"the exports folder ({settings.exports_folder}, which holds none)"
            if settings.exports_folder
            else "a folder named in Settings › Exports folder"
        )
        vendor = (
            f"give Settings › API budget per run a value so {settings.data_source} can be pulled"
            if settings.data_source.lower() != "exports"
            else "set Settings › Data source to a vendor's API"
        )
        notes.append(
            f"no backlink export found: paste a competitor's export into a tab named '{RAW_TAB_PREFIX} <name>' "
            f"('Raw - <name>' in a workbook), drop export files in {folder}, or {vendor}"
        )
    if not competitors["active"].any():
        notes.append(
            "Competitors lists no active competitor: add the sites whose backlinks you compare with "
            "(one domain per row, Active: Yes)"
        )
    return notes


def _skipped_because(report: ImportReport) -> str:
    return "; ".join(
        f"{why}: {n}" + (f" (first on row {report.first_rows[why]})" if why in report.first_rows else "")
        for why, n in report.skipped.most_common()
    )


def imports_frame(reports: list[ImportReport], read_at: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Export": [r.export for r in reports],
            "Tool": [r.tool for r in reports],
            "Report": [r.report for r in reports],
            "Site": [r.site for r in reports],
            "Rows read": [r.rows_read for r in reports],
            "Rows skipped": [r.rows_skipped for r in reports],
            "Skipped because": [_skipped_because(r) for r in reports],
            "Problem": [r.problem for r in reports],
            "Notes": ["; ".join(r.notes) for r in reports],
            "Read at": read_at,
        },
        columns=IMPORTS.names,
    )


def after_checks(prospects: pd.DataFrame, links: pd.DataFrame, current: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What the last `health` run found: dead competitor pages and target pages to fix first."""
    dead = by_schema(current.get(COMPETITOR_PAGES.name), COMPETITOR_PAGES)
    health = by_schema(current.get(TARGET_HEALTH.name), TARGET_HEALTH)
    prospects = apply_dead_pages(prospects, links, dead)
    return flag_prospects(prospects, fix_first_targets(health), "Target page")


def _read_with_inputs(topic: str) -> list[str]:
    """The tabs `analyze` reads with the team's inputs, in the same request."""
    # Links, Noise and Asset gaps as they are only matter to a focused run, which keeps the other
    # topics' rows; any other run replaces them whole (Links may hold a million rows).
    carried = [LINKS.name, NOISE.name, ASSET_GAPS.name] if topic else []
    return [
        PROSPECTS.name,
        *carried,
        HISTORY.name,
        BATCHES.name,
        COMPETITOR_PAGES.name,
        TARGET_HEALTH.name,
        IMPORTS.name,
        STATE_TAB,
    ]


def analyze_reads(ctx: JobContext) -> list[str]:
    """Every tab `analyze` reads first (see `jobs.lease.Lease.acquire`)."""
    return input_tab_names(ctx.store.tab_names(), _read_with_inputs(ctx.topic))


def analyze(ctx: JobContext) -> JobResult:
    now = ctx.clock()
    with ctx.phase("read"):
        inputs = read_inputs(ctx.store, also=_read_with_inputs(ctx.topic))
    current = inputs.also
    state = state_values(current.get(STATE_TAB))
    written = prospect_key_of(inputs.settings.review_level)
    deletions = find_deletions(current.get(PROSPECTS.name), state, written)
    with ctx.phase("ingest"):
        links, reports, export_digests_read = read_all_exports(ctx, inputs.raw_tabs, inputs.settings.exports_folder)
        pulled_links, pulled_reports, pulls = read_pulls(ctx, inputs)
    pull_notes = (pulls.spent(), *pulls.notes) if pulls is not None else ()
    if not pulled_links.empty:
        links = pd.concat([links, pulled_links], ignore_index=True) if not links.empty else pulled_links
    reports = [*reports, *pulled_reports]
    known_sites = frozenset(inputs.competitors["domain"]) | inputs.settings.our_domains
    reports, unused = with_unused_notes(reports, known_sites)
    lost = unreadable_sources(reports, current.get(IMPORTS.name))
    if lost:
        raise InputError(
            f"{len(lost)} export(s) read on the last run could not be read now, so their links are unknown; "
            f"nothing was written: {'; '.join(lost)}",
            where="Imports",
            fix="replace the damaged file(s) with a good export, or delete them to stop using them",
        )
    emptied = emptied_folder_files(inputs.settings.exports_folder, reports, current.get(IMPORTS.name))
    if emptied:
        raise InputError(
            f"the exports folder holds no export now, though the last run read {len(emptied)} from it "
            f"({', '.join(emptied[:3])}{', …' if len(emptied) > 3 else ''}); their links are unknown, so nothing "
            "was written and no prospect was marked Gone",
            where=f"Settings › Exports folder ({inputs.settings.exports_folder})",
            fix="mount or share the folder again, or put the exports back; to stop using them, clear the setting",
        )
    with ctx.phase("analysis"):  # learning from the team's outcomes
        model = learn(
            current.get(PROSPECTS.name),
            current.get(HISTORY.name),
            current.get(BATCHES.name),
            today=now.date(),
            weights=weights(inputs.settings),
        )
    existing = {schema.name: by_schema(current.get(schema.name), schema) for schema in (LINKS, NOISE, ASSET_GAPS)} | {
        PROSPECTS.name: pick(current.get(PROSPECTS.name), PROSPECTS.names if ctx.topic else EXISTING_PROSPECT_COLUMNS)
    }
    analysis_inputs = AnalysisInputs(
        links=links,
        competitors=inputs.competitors,
        targets=inputs.targets,
        rules=inputs.rules,
        serp=inputs.serp,
        settings=inputs.settings,
        existing=existing,
        deleted=deletions.keys,
    )
    with ctx.phase("analysis"):
        candidates = gap_candidates(analysis_inputs, ctx.topic)
    with ctx.phase("pages"):
        pages = read_pages(ctx, pages_to_read(candidates), inputs.settings)
    with ctx.phase("analysis"):
        output = analyze_links(
            replace(analysis_inputs, pages=pages.read),
            now.date(),
            topic=ctx.topic,
            learned=lambda frame: learned_scores(frame, model),
            learned_by_batch=model.learned_from(BATCH),
            candidates=candidates,
        )
        prospects = after_checks(output.prospects, output.links, current)
    duplicates = hand_typed_duplicates(current.get(PROSPECTS.name), prospects["Domain"], written)
    off_list = off_list_entries(current.get(PROSPECTS.name))
    prospects = pd.concat(
        [prospects, hand_added_rows(current.get(PROSPECTS.name), prospects["Domain"])], ignore_index=True
    )
    scope = f" (topic {ctx.topic})" if ctx.topic else ""
    history = pd.DataFrame(
        [
            {
                "When": f"{now:%Y-%m-%d %H:%M}",
                "Column": "analyze",
                "New value": f"{output.counts['prospects']} prospects{scope}",
                "Run": ctx.run_id,
            }
        ]
    )
    prospects_write = prospects_upsert(prospects, sort_by="Priority")
    model_write = ReplaceTab(MODEL, pd.concat([model.table, output.judge_model], ignore_index=True))
    noise_write = ReplaceTab(NOISE, output.noise)
    gaps_write = ReplaceTab(ASSET_GAPS, output.asset_gaps)
    remembered = deletion_state(current.get(PROSPECTS.name), [], deletions, state, ctx.store.max_cell_chars)
    news = AnalysisNews(
        inputs,
        before=current,
        writes=[prospects_write, model_write, noise_write, gaps_write],
        exports=export_digests_read | kept_pull_digests(ctx, inputs.settings),
        pulls=pull_notes,
        max_cell_chars=ctx.store.max_cell_chars,
    )
    with ctx.phase("notify"):
        notice = prepare_after_analyze(ctx, news)  # recorded with the analysis, sent once it landed
    with ctx.phase("write"):
        notes = ctx.store.commit(
            [
                prospects_write,
                model_write,
                ReplaceTab(LINKS, output.links),
                noise_write,
                gaps_write,
                ReplaceTab(BATCHES, output.batches),
                ReplaceTab(DASHBOARD, dashboard_tab(output.dashboard, model.table, current, prospects)),
                ReplaceTab(COMPETITOR_SUGGESTIONS, output.suggestions),
                ReplaceTab(IMPORTS, imports_frame(reports, f"{now:%Y-%m-%d %H:%M}")),
                AppendRows(HISTORY, history),
                SetState({LAST_ANALYSIS_KEY: now.isoformat(), LAST_RUN_ID_KEY: ctx.run_id, **remembered}),
                *notice.ops(),
            ]
        )
    remember_appended(ctx, current.get(PROSPECTS.name), prospects["Domain"], deletions, {**state, **remembered})
    problems = [r.problem for r in reports if r.problem]
    counts = {
        **output.counts,
        "exports read": sum(1 for r in reports if not r.problem),
        "exports failed": len(problems),
    }
    summary = (
        f"{counts['prospects']} prospects ({counts['new prospects']} new){scope} from {counts['links read']} links "
        f"in {counts['exports read']} export(s); {counts['noise domains']} noise domains, "
        f"{counts['asset gaps']} asset gaps, {counts['batches']} batches"
    )
    page_notes = pages.notes(inputs.settings.pages_per_run)
    if pulls is not None:
        counts |= {"reports pulled": pulls.pulled, f"{pulls.unit} spent (rounded)": round(pulls.units)}
    counts |= {"pages from cache": pages.from_cache, "pages fetched": pages.fetched}
    result = JobResult(
        "analyze",
        summary,
        counts,
        (
            *inputs.problems,
            *nothing_to_compare(reports, inputs.competitors, inputs.settings),
            *output.notes,
            *deletions.notes(),
            *duplicates,
            *off_list,
            *page_notes,
            *pull_notes,
            *problems,
            *unused,
            *notes.notes,
        ),
    )
    with ctx.phase("notify"):
        return send_prepared(ctx, result, notice)


def dashboard_tab(
    counts: pd.DataFrame, model: pd.DataFrame, current: dict[str, pd.DataFrame], prospects: pd.DataFrame
) -> pd.DataFrame:
    """The analysis's counts and the outreach sections: Next action as the sheet will show it
    (the team's for rows it already has, the suggestion for new ones)."""
    typed = pick(current.get(PROSPECTS.name), ["Domain", "Next action"]).drop_duplicates("Domain")
    team = dict(zip(typed["Domain"], typed["Next action"], strict=True))
    live = prospects[prospects["Status"].astype(str) != "Gone"]
    actions = live["Domain"].map(team).where(live["Domain"].isin(team.keys()), live["Suggested action"])
    outreach = outreach_sections(model, current.get(HISTORY.name), actions.fillna(""))
    return pd.concat([counts, outreach], ignore_index=True)


def remember_appended(
    ctx: JobContext, existing: pd.DataFrame | None, listed: pd.Series, deletions: Deletions, state: dict[str, str]
) -> None:
    """Remember the keys this run appended to Prospects, once the run's write is done.

    Written after it, not with it (with the run's final write of its record): on a Google Sheet
    a run cut off before its appends would otherwise remember keys whose rows never landed, and
    the next run would take them as deleted. Unremembered keys only mean a deletion goes unseen.
    """
    known = set(tab_keys(existing))
    appended = [k for k in listed if k not in known]
    if appended:
        entries = deletion_state(existing, appended, deletions, state, ctx.store.max_cell_chars)
        ctx.store.commit_later(entries)


def prospect_key_of(review_level: str) -> Callable[[str], str]:
    """How gapbot writes a prospect key someone typed: the registrable domain as shown, or the
    normalised linking URL in page-level review (as `bot.analysis.gap.prospect_keys`)."""
    if review_level == "page":
        return lambda typed: url_key(typed) or typed.strip()
    return lambda typed: host_display(domain_of(typed)) or typed.strip()


def read_pages(ctx: JobContext, urls: list[str], settings: Settings) -> PagesReport:
    """The candidates' linking pages: from the page cache, then fetched within the run's budget.
    With no budget, a page cache that does not exist yet is not created."""
    path = default_cache_path(ctx.store.location)
    if not settings.pages_per_run and (path is None or not path.exists()):
        path = None
    cache = PageCache(path)
    try:
        return read_linking_pages(
            urls,
            ctx.fetcher(settings) if settings.pages_per_run else None,
            cache,
            budget=settings.pages_per_run,
            max_age_days=settings.page_cache_days,
            now=ctx.clock(),
        )
    finally:
        cache.close()
