"""The whole analysis as one pure function: inputs and links in, output tabs out."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from bot.judge.corpus import NOISE as NOISE_LABEL
from bot.judge.judge import NO_PAGES, Judge, PagesRead, shipped_judge
from bot.settings import Settings
from sheets_schema.tabs import ASSET_GAPS, LINKS, NOISE, PROSPECTS

from .actions import choose_targets, suggest_actions
from .assets import asset_gaps_tab, competitor_assets, matching_targets
from .batches import batch_prospects
from .classify import classify_links
from .corrections import CORRECT_TYPE, TeamCorrections, apply_corrections, judge_rows, team_corrections
from .dashboard import dashboard
from .evidence import links_tab
from .frames import flag, text
from .gap import best_links, gap_links, giant_publishers, summarise_prospects, with_minimum_overlap
from .noise import allowed, judge_noise, noise_tab
from .rules import TeamRules, parse_rules
from .score import ScoreContext, score_prospects
from .serp import competitor_suggestions
from .topics import carried_over, focus, prospect_topics, topic_of_links

#: Rescores prospects with what the team's outcomes taught: the LEARNED_COLUMNS, same index.
LearnedScores = Callable[[pd.DataFrame], pd.DataFrame]
LEARNED_COLUMNS = ("Feasibility", "Priority", "Win chance", "Why")


#: The Prospects columns an analysis of the whole market reads of the tab as it was: first-seen
#: dates and the team's type corrections. A focused run reads every column, to carry the other
#: topics' rows over.
EXISTING_PROSPECT_COLUMNS = ("Domain", "First seen", CORRECT_TYPE, "Best linking page", "Page title")


@dataclass(frozen=True)
class AnalysisInputs:
    links: pd.DataFrame  # the canonical link table (bot.linktable)
    competitors: pd.DataFrame  # bot.inputs.parse_competitors
    targets: pd.DataFrame  # bot.inputs.parse_targets
    rules: pd.DataFrame  # Rules tab, columns by schema name
    serp: pd.DataFrame  # SERP tab, columns by schema name
    settings: Settings
    #: Output tabs as they are now (by schema name): Prospects keeps first-seen dates; a
    #: focused run also carries over other topics' rows of Links, Noise and Asset gaps.
    existing: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    #: The linking pages read for this run (see `pages_to_read`) and why others were not.
    pages: PagesRead = NO_PAGES
    #: The page judge; None takes the one shipped in the package.
    judge: Judge | None = None
    #: Prospect keys the team deleted from Prospects: not listed again (bot/learning/deleted.py).
    deleted: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidates:
    """The gap before any page is judged: links kept by the cheap URL-level checks and the noise."""

    competitors: pd.DataFrame
    targets: pd.DataFrame
    rules: TeamRules
    clean: pd.DataFrame
    noisy: pd.DataFrame
    linking_to_us: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class AnalysisOutput:
    prospects: pd.DataFrame  # Prospects tab rows (gapbot columns + initial Next action), by Priority
    links: pd.DataFrame
    noise: pd.DataFrame
    asset_gaps: pd.DataFrame
    batches: pd.DataFrame
    dashboard: pd.DataFrame
    suggestions: pd.DataFrame
    counts: dict[str, int]
    notes: tuple[str, ...] = ()
    #: Rows for the Model tab: what the judge learned from the team's corrections.
    judge_model: pd.DataFrame = field(default_factory=pd.DataFrame)


def gap_candidates(inputs: AnalysisInputs, topic: str = "") -> Candidates:
    """Gap links and the noise the URL-level checks find; the judge and the page reads come after."""
    settings = inputs.settings
    rules = parse_rules(inputs.rules)
    competitors, targets = (
        focus(inputs.competitors, inputs.targets, topic) if topic else (inputs.competitors, inputs.targets)
    )
    gap = gap_links(inputs.links, competitors, settings.our_domains, settings.review_level)
    evidence = gap.evidence
    evidence["topic"] = topic_of_links(evidence, competitors)
    verdict = judge_noise(evidence, settings.market_languages, rules)
    noisy = evidence[verdict.reason != ""].assign(
        noise_reason=verdict.reason[verdict.reason != ""], noise_evidence=verdict.evidence[verdict.reason != ""]
    )
    clean = with_minimum_overlap(evidence[verdict.reason == ""], settings.minimum_overlap).copy()
    return Candidates(competitors, targets, rules, clean, noisy, len(gap.linking_to_us), tuple(rules.problems))


def pages_to_read(candidates: Candidates) -> list[str]:
    """Each prospect's best linking page, most valuable first (most competitors linked, then
    authority): the order in which a run with a page budget reads them."""
    clean = candidates.clean
    if clean.empty:
        return []
    best = best_links(clean, "authority")
    overlap = clean.groupby("prospect")["target_domain"].nunique()
    order = pd.DataFrame(
        {
            "url": text(best, "source_url").to_numpy(),
            "overlap": best["prospect"].map(overlap).to_numpy(),
            "authority": pd.to_numeric(best["authority"], errors="coerce").fillna(0).to_numpy(),
        }
    )
    order = order[order["url"] != ""].sort_values(["overlap", "authority"], ascending=False, kind="stable")
    return list(dict.fromkeys(order["url"]))


def analyze_links(
    inputs: AnalysisInputs,
    today: date,
    *,
    topic: str = "",
    learned: LearnedScores | None = None,
    learned_by_batch: bool = True,
    candidates: Candidates | None = None,
) -> AnalysisOutput:
    """Every output tab of one analysis run.

    `topic` runs a focused analysis of one topic's competitors and targets; `learned` rescores
    prospects with what the team's outcomes taught (`bot.learning.refresh.learned_scores`),
    again once they are batched unless `learned_by_batch` says no batch moves a score;
    `candidates` is `gap_candidates` of the same inputs when the caller already has it (to choose
    the pages to read).
    """
    settings = inputs.settings
    candidates = candidates or gap_candidates(inputs, topic)
    rules, competitors, targets = candidates.rules, candidates.competitors, candidates.targets
    notes: list[str] = list(candidates.notes)
    names = dict(zip(competitors["domain"], competitors["display"], strict=True))

    corrections = team_corrections(inputs.existing.get(PROSPECTS.name))
    notes += corrections.problems
    judge = (inputs.judge or shipped_judge()).refit(corrections.examples(inputs.pages))
    clean, judged_noise = _judged(candidates.clean, rules, judge, inputs.pages, corrections)
    clean = with_minimum_overlap(clean, settings.minimum_overlap).copy()
    noisy = pd.concat([candidates.noisy, judged_noise], ignore_index=True) if len(judged_noise) else candidates.noisy
    # The strongest page first; between pages of equal authority, the one the judge is surest of.
    clean["_rank"] = pd.to_numeric(clean["authority"], errors="coerce").fillna(0) * 10 + clean["type_confidence"]
    assets = competitor_assets(clean, competitors)
    # A deleted prospect is left out of Prospects, Links and Batches; its links still show which
    # competitor assets win links (asset gaps).
    clean = clean[~clean["prospect"].isin(inputs.deleted)]
    prospects = _prospects(clean, competitors, assets, targets, settings, today)
    prospects = _learned(prospects, learned)
    prospects = _with_status(prospects, inputs.existing.get(PROSPECTS.name), today)
    prospects["Next action"] = prospects["Suggested action"]

    if topic:
        carried = carried_over(inputs.existing.get(PROSPECTS.name, pd.DataFrame()), topic, "Domain")
        carried = (
            carried[~carried["Domain"].isin(prospects["Domain"])][PROSPECTS.bot_columns] if len(carried) else carried
        )
        prospects = pd.concat([prospects, carried], ignore_index=True) if len(carried) else prospects
    batches, batch_names = batch_prospects(prospects, settings.batch_size)
    prospects["Batch"] = batch_names
    if learned_by_batch:
        prospects = _learned(prospects, learned)  # again, now that each prospect has its batch
    prospects = prospects.assign(_p=pd.to_numeric(prospects["Priority"], errors="coerce")).sort_values(
        ["_p", "Domain"], ascending=[False, True], kind="stable"
    )
    prospects = prospects.drop(columns="_p").reset_index(drop=True)

    noise = noise_tab(noisy, names)
    gaps = asset_gaps_tab(assets, targets)
    links = links_tab(clean)
    if topic:
        noise, gaps, links = (
            _with_carried(new, inputs.existing.get(schema.name), topic, key)
            for new, schema, key in (
                (noise, NOISE, "Domain"),
                (gaps, ASSET_GAPS, "Competitor page"),
                (links, LINKS, "Domain"),
            )
        )

    giants = giant_publishers(inputs.links, competitors)
    notes += [
        f"{d} looks like a giant publisher ({n} referring domains, {r}× the other competitors' median): "
        "its links are rarely a true gap; consider setting it to Active = No"
        for d, n, r in giants[["display", "referring_domains", "ratio"]].itertuples(index=False)
    ]
    counts = {
        "links read": len(inputs.links),
        "prospects": int((prospects["Status"] != "Gone").sum()),
        "new prospects": int((prospects["Status"] == "New").sum()),
        "noise domains": int(noise["Domain"].nunique()),
        "domains already linking to us": candidates.linking_to_us,
        "linking pages read": int(text(clean, "source_url").drop_duplicates().isin(set(inputs.pages.pages)).sum()),
        "pages judged noise": int(judged_noise["source_url"].nunique()) if len(judged_noise) else 0,
        "asset gaps": len(gaps),
        "batches": len(batches),
    }
    return AnalysisOutput(
        prospects=prospects,
        links=links,
        noise=noise,
        asset_gaps=gaps,
        batches=batches,
        dashboard=dashboard(prospects, noise, counts, giants),
        suggestions=competitor_suggestions(inputs.serp, inputs.competitors, settings.our_domains),
        counts=counts,
        notes=tuple(notes),
        judge_model=judge_rows(judge),
    )


def _judged(
    clean: pd.DataFrame, rules: TeamRules, judge: Judge, pages: PagesRead, corrections: TeamCorrections
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The candidate links with their link type, and the links whose page is noise (the judge's
    finding or the team's `Correct type`); an `allow` rule keeps a page the judge calls noise."""
    kinds = apply_corrections(classify_links(clean, rules, judge, pages), clean["prospect"], corrections)
    clean = clean.assign(link_type=kinds.link_type, type_confidence=kinds.confidence, type_evidence=kinds.evidence)
    said_noise = (kinds.link_type == NOISE_LABEL).to_numpy()
    kept = said_noise & allowed(clean, rules) & (kinds.noise_reason != corrections.reason).to_numpy()
    clean.loc[kept, "link_type"] = "Other"
    clean.loc[kept, "type_evidence"] = "kept by an allow rule; the judge reads it as noise: " + kinds.evidence[kept]
    noise = said_noise & ~kept
    judged_noise = clean[noise].assign(noise_reason=kinds.noise_reason[noise], noise_evidence=kinds.evidence[noise])
    return clean[~noise], judged_noise.drop(columns=["link_type", "type_confidence", "type_evidence"])


def _prospects(
    clean: pd.DataFrame,
    competitors: pd.DataFrame,
    assets: pd.DataFrame,
    targets: pd.DataFrame,
    settings: Settings,
    today: date,
) -> pd.DataFrame:
    """Prospects with link type, target page, scores, why and suggested action (no status yet)."""
    strongest = best_links(clean, "_rank")
    prospects = summarise_prospects(clean, competitors, strongest)
    if prospects.empty:
        return pd.DataFrame(columns=[c for c in PROSPECTS.names if c not in PROSPECTS.team_columns])
    best = strongest.set_index("prospect").reindex(prospects["Domain"])
    key = text(best, "target_key").where(text(best, "target_key") != "", text(best, "target_url"))
    asset = assets.set_index("target_key")
    gap_kinds = assets.loc[~matching_targets(assets, targets), ["target_key", "asset_type"]].set_index("target_key")
    asset_type = key.map(asset["asset_type"]).fillna("")
    direct_domains = set(competitors.loc[competitors["group"] == "Direct SERP competitor", "domain"])
    direct = clean.assign(_d=clean["target_domain"].isin(direct_domains)).groupby("prospect")["_d"].any()

    page_text = (
        text(best, "title") + " " + text(best, "anchor") + " " + text(best, "context") + " " + text(best, "source_url")
    )
    features = pd.DataFrame(
        {
            "text": (page_text + " " + text(best, "target_url")).to_numpy(),
            "language": text(best, "language").to_numpy(),
            "first_seen": text(best, "first_seen").str[:10].to_numpy(),
            "last_seen": text(best, "last_seen").str[:10].to_numpy(),
            "lost": flag(best, "lost").to_numpy(),
            "traffic": pd.to_numeric(best["traffic"], errors="coerce").to_numpy(),
            "direct": direct.reindex(prospects["Domain"]).fillna(False).to_numpy(dtype=bool),
            "type_evidence": text(best, "type_evidence").to_numpy(),
            "asset_gap": key.map(gap_kinds["asset_type"]).fillna("").to_numpy(),
        },
        index=prospects.index,
    )
    prospects["Link type"] = text(best, "link_type").to_numpy()
    prospects["Type evidence"] = features["type_evidence"]
    prospects["Type confidence"] = best["type_confidence"].to_numpy()
    prospects["Topic"] = prospects["Domain"].map(prospect_topics(clean)).fillna("")
    target_page, fit = choose_targets(
        features["text"], pd.Series(asset_type.to_numpy(), index=prospects.index), prospects["Topic"], targets,
        settings.our_domains,
    )  # fmt: skip
    prospects["Target page"] = target_page
    features["target_fit"] = fit
    won = key.map(asset["gap_domains"]).fillna(0).astype(int).to_numpy()
    prospects["Competitor asset"] = np.where(
        asset_type.to_numpy() != "", asset_type.to_numpy() + " (won " + won.astype(str) + " gap domains)", ""
    )
    context = ScoreContext(
        keywords=tuple(_keywords(targets)),
        market_languages=settings.market_languages,
        today=today,
        weights=(settings.weight("relevance"), settings.weight("feasibility"), settings.weight("value")),
    )
    scores = score_prospects(prospects, features, context)
    prospects = pd.concat([prospects, scores], axis=1)
    prospects["Suggested action"] = suggest_actions(
        prospects["Link type"], features["asset_gap"], pd.Series(page_text.to_numpy(), index=prospects.index)
    )
    return prospects


def _learned(prospects: pd.DataFrame, learned: LearnedScores | None) -> pd.DataFrame:
    if learned is None or prospects.empty:
        return prospects
    scores = learned(prospects)
    return prospects.assign(**{c: scores[c] for c in LEARNED_COLUMNS})


def _keywords(targets: pd.DataFrame) -> list[str]:
    active = targets[targets["active"]] if len(targets) else targets
    words = [k for cell in active["keywords"].astype(str) for k in cell.split(",")] if len(active) else []
    return [w.strip() for w in [*words, *(active["topic"].astype(str) if len(active) else [])] if w.strip()]


def _with_status(prospects: pd.DataFrame, existing: pd.DataFrame | None, today: date) -> pd.DataFrame:
    """`New` on the run that first finds a prospect, then `Active`; first-seen dates are kept."""
    first_seen = _first_seen(existing)
    known = prospects["Domain"].isin(first_seen.index)
    prospects["Status"] = np.where(known, "Active", "New")
    prospects["First seen"] = prospects["Domain"].map(first_seen).where(known, today.isoformat())
    prospects["Last seen"] = today.isoformat()
    return prospects


def _first_seen(existing: pd.DataFrame | None) -> pd.Series:
    if existing is None or existing.empty or "Domain" not in existing.columns:
        return pd.Series(dtype=object)
    rows = existing[existing["Domain"].astype(str).str.strip() != ""]
    seen = rows["First seen"] if "First seen" in rows.columns else pd.Series("", index=rows.index)
    return pd.Series(seen.to_numpy(), index=rows["Domain"].str.strip().to_numpy()).groupby(level=0).first()


def _with_carried(new: pd.DataFrame, existing: pd.DataFrame | None, topic: str, key: str) -> pd.DataFrame:
    """A focused run's rows of a replaced tab, plus the other topics' rows as they were."""
    if existing is None or existing.empty:
        return new
    kept = carried_over(existing, topic, key)
    kept = kept[[c for c in new.columns if c in kept.columns]]
    return pd.concat([new, kept], ignore_index=True) if len(kept) else new
