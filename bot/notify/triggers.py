"""When to rerun: each trigger compares the sheet now with what the last analysis saw.

At the end of every analysis a snapshot of its inputs is kept in the state tab
(`rerun:baseline`). A trigger fires with its evidence; what fired is remembered
(`rerun:fired`, trigger -> evidence fingerprint), so the same evidence is never alerted twice.

Target pages are compared with the health checker's fingerprints. The health check writes
them to the state tab under `target_health:fingerprints` as JSON:
`{"<target URL>": {"status": "200", "final_url": "<url>", "canonical": "<url>"}, ...}`;
without that entry the `Target health` tab's Status, Final URL and Canonical columns are used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pandas as pd

from bot.inputs import Inputs
from sheets_schema.settings_keys import SETTINGS_BY_NAME
from sheets_schema.state_keys import (
    HEALTH_FINGERPRINTS_KEY,
    LAST_ANALYSIS_KEY,
    RERUN_BASELINE_KEY,
    RERUN_DUE_KEY,
    RERUN_FIRED_KEY,
    RERUN_HEALTH_SEEN_KEY,
)
from sheets_schema.tabs import (
    COMPETITORS,
    HISTORY,
    IMPORTS,
    MODEL,
    PROSPECTS,
    SERP,
    SETTINGS,
    TARGET_HEALTH,
    TARGETS,
)

from .message import Message, listed
from .message import fingerprint as content_key
from .outcomes import contact_timeline
from .sheet import TabLinks, rate, tab_link

#: Triggers measured against the last analysis: a new analysis starts them afresh.
SINCE_ANALYSIS = ("targets", "competitors", "serp", "exports", "pulls", "settings", "cadence")
#: How `pull_digests` names a kept vendor pull among the digests of the exports.
PULL = "pull "
#: Settings that change how gapbot talks, not what the analysis finds.
NOT_ANALYSIS_SETTINGS = frozenset(
    {"slack channel", "timezone", "contact url", "rerun every (days)", "response-rate alert below"}
)
RECENT_SENDS = 20
MIN_SENDS = 10
#: Sends younger than this have not had a fair chance of a reply yet.
REPLY_GRACE = timedelta(days=5)
DEFAULT_REPLY_ALERT = 0.10
EVIDENCE_LINES = 10


@dataclass(frozen=True)
class Fired:
    trigger: str
    heading: str
    evidence: tuple[str, ...]
    fingerprint: str
    tab: str

    @staticmethod
    def of(trigger: str, heading: str, evidence: list[str], tab: str, fingerprint: str = "") -> Fired:
        return Fired(trigger, heading, tuple(evidence), fingerprint or content_key(evidence), tab)


# --- what the analysis saw --------------------------------------------------------------------


def snapshot(inputs: Inputs, model: pd.DataFrame, exports: Mapping[str, str]) -> dict[str, Any]:
    """The inputs an analysis depends on, small enough for one state cell.

    `model` is the Model tab by schema (its learned rates); `exports` the digests of the exports
    (`export_digests`).
    """
    targets = inputs.targets[inputs.targets["active"]]
    competitors = inputs.competitors[inputs.competitors["active"]]
    serp = inputs.serp[inputs.serp["Keyword"] != ""]
    return {
        "targets": dict(zip(targets["url"], targets["asset_type"], strict=True)),
        "competitors": sorted(competitors["domain"]),
        # One digest per keyword keeps a large SERP tab within a state cell.
        "serp": {k: content_key(sorted(set(g))) for k, g in serp.groupby("Keyword")["URL"]},
        "exports": {k: v for k, v in exports.items() if not k.startswith(PULL)},
        "pulls": {k.removeprefix(PULL): v for k, v in exports.items() if k.startswith(PULL)},
        "settings": {k: v for k, v in inputs.settings.values.items() if k not in NOT_ANALYSIS_SETTINGS},
        "model": content_key(model.to_dict("list")),
    }


def export_digests(raw_tabs: Mapping[str, pd.DataFrame], files: Mapping[str, str]) -> dict[str, str]:
    """What identifies each export: the `Raw: …` tabs' content and the exports folder files'
    fingerprints (`Store.export_fingerprints`, by name)."""
    found = {f"tab {name}": content_key(frame.to_dict("list")) for name, frame in raw_tabs.items()}
    return found | {f"file {name}": fingerprint for name, fingerprint in files.items()}


def pull_digests(kept: Mapping[str, datetime]) -> dict[str, str]:
    """What identifies each kept vendor pull (`bot.vendors.kept_pulls`): when it was pulled. They
    go with the exports' digests: a pull is the sheet's data as much as an export file is."""
    return {f"{PULL}{name}": when.isoformat() for name, when in kept.items()}


# --- triggers measured against the last analysis ----------------------------------------------


def since_analysis(base: Mapping[str, Any], now: Mapping[str, Any]) -> list[Fired]:
    fired: list[Fired] = []
    targets = [
        f"new target page: {url} ({kind or 'asset type not set'})"
        for url, kind in now["targets"].items()
        if url not in base["targets"]
    ]
    targets += [
        f"{url}: asset type {base['targets'][url] or 'blank'} → {kind or 'blank'}"
        for url, kind in now["targets"].items()
        if url in base["targets"] and base["targets"][url] != kind
    ]
    if targets:
        fired.append(Fired.of("targets", "New target pages or assets", targets, TARGETS.name))

    added = sorted(set(now["competitors"]) - set(base["competitors"]))
    removed = sorted(set(base["competitors"]) - set(now["competitors"]))
    if added or removed:
        lines = [f"competitor added: {d}" for d in added] + [f"competitor removed or inactive: {d}" for d in removed]
        fired.append(Fired.of("competitors", "Competitor set changed", lines, COMPETITORS.name))

    serp_lines = [f"keyword added: {k}" for k in sorted(set(now["serp"]) - set(base["serp"]))]
    serp_lines += [f"keyword removed: {k}" for k in sorted(set(base["serp"]) - set(now["serp"]))]
    serp_lines += [
        f"ranking URLs changed for: {k}"
        for k, urls in sorted(now["serp"].items())
        if k in base["serp"] and urls != base["serp"][k]
    ]
    if serp_lines:
        fired.append(Fired.of("serp", "Keyword / SERP set changed", serp_lines, SERP.name))

    exports = [f"new export: {n.split(' ', 1)[1]}" for n in sorted(now["exports"]) if n not in base["exports"]]
    exports += [
        f"export changed: {n.split(' ', 1)[1]}"
        for n in sorted(now["exports"])
        if n in base["exports"] and base["exports"][n] != now["exports"][n]
    ]
    if exports:
        fired.append(Fired.of("exports", "New or changed exports", exports, IMPORTS.name))

    # A pull the last analysis did not read: one whose analysis stopped before writing, or one
    # another run of the same sheet made. Baselines from before pulls existed have nothing to compare.
    pulled_before = base.get("pulls", now["pulls"])
    pulls = [
        f"new data pulled: {name} (pulled {when[:16].replace('T', ' ')})"
        for name, when in sorted(now["pulls"].items())
        if pulled_before.get(name) != when
    ]
    if pulls:
        fired.append(Fired.of("pulls", "New data pulled from the vendor", pulls, IMPORTS.name))

    settings = [
        f"{SETTINGS_BY_NAME[key].name}: {base['settings'].get(key, '') or 'blank'} → {value or 'blank'}"
        for key, value in sorted(now["settings"].items())
        if base["settings"].get(key, "") != value and key in SETTINGS_BY_NAME
    ]
    if now["model"] != base["model"]:
        settings.append("learned outcome rates (Model tab) changed, so feasibility scores change")
    if settings:
        fired.append(Fired.of("settings", "Settings or scoring changed", settings, SETTINGS.name))
    return fired


def cadence(last_analysis: str, rerun_days: int, now: datetime) -> list[Fired]:
    if not last_analysis:
        return []
    when = datetime.fromisoformat(last_analysis)
    if when.tzinfo is None:  # written without a zone: gapbot's clock is UTC
        when = when.replace(tzinfo=now.tzinfo)
    age = now - when
    if age < timedelta(days=rerun_days):
        return []
    line = f"last analysis {when:%Y-%m-%d} ({age.days} days ago); Settings ask for one every {rerun_days} days"
    return [Fired.of("cadence", "Rerun cadence elapsed", [line], SETTINGS.name, fingerprint=last_analysis)]


# --- triggers about outreach and our pages ----------------------------------------------------


def reply_rate(history: pd.DataFrame, prospects: pd.DataFrame, threshold: float, now: datetime) -> list[Fired]:
    timeline = contact_timeline(history, prospects)
    settled = timeline[timeline["Sent"] <= pd.Timestamp(now - REPLY_GRACE)]
    if len(settled) < MIN_SENDS:
        return []
    window = settled.tail(RECENT_SENDS)
    replied = int(window["Replied"].notna().sum())
    if replied / len(window) >= threshold:
        return []
    line = (
        f"{replied} of the last {len(window)} sends replied ({replied / len(window):.0%}), "
        f"below the alert level of {threshold:.0%}; review pitches, targets and link types"
    )
    # Once per block of RECENT_SENDS sends, not on every new send while the rate stays low.
    fingerprint = f"sends-{len(settled) // RECENT_SENDS}"
    return [Fired.of("reply_rate", "Reply rate dropped", [line], PROSPECTS.name, fingerprint=fingerprint)]


def health_fingerprints(state: Mapping[str, str], health: pd.DataFrame) -> dict[str, dict[str, str]]:
    if state.get(HEALTH_FINGERPRINTS_KEY):
        raw: dict[str, dict[str, Any]] = json.loads(state[HEALTH_FINGERPRINTS_KEY])
        return {url: {k: str(v or "") for k, v in fp.items()} for url, fp in raw.items()}
    checked = health[(health["Target URL"] != "") & (health["Status"] != "")]
    return {
        row["Target URL"]: {"status": row["Status"], "final_url": row["Final URL"], "canonical": row["Canonical"]}
        for _, row in checked.iterrows()
    }


def migration(now: Mapping[str, Mapping[str, str]], seen: Mapping[str, Mapping[str, str]]) -> list[Fired]:
    lines = []
    for url in sorted(set(now) & set(seen)):
        changes = [
            f"{label} {seen[url].get(k) or 'none'} → {now[url].get(k) or 'none'}"
            for k, label in (("status", "status"), ("final_url", "final URL"), ("canonical", "canonical"))
            if seen[url].get(k, "") != now[url].get(k, "")
        ]
        if changes:
            lines.append(f"{url}: {'; '.join(changes)}")
    if not lines:
        return []
    return [Fired.of("migration", "Target pages changed (migration?)", lines, TARGET_HEALTH.name)]


# --- all together -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RerunCheck:
    fired: list[Fired]
    message: Message | None
    memory: dict[str, str]


#: The output tabs `check` reads (read once by the caller, shared with the win alerts).
CHECK_TABS = (HISTORY, PROSPECTS, TARGET_HEALTH, MODEL)
#: The columns read of those tabs where not all: the Prospects columns of the win alerts and of
#: the reply rate (a large market's Prospects tab is mostly columns no check reads).
CHECK_COLUMNS = {
    PROSPECTS.name: (
        "Domain",
        "Outcome",
        "Contacted on",
        "Owner",
        "Best linking page",
        "Link type",
        "Competitors linked",
        "Batch",
        "Notes",
    )
}


def check(
    inputs: Inputs,
    tabs: Mapping[str, pd.DataFrame],
    state: Mapping[str, str],
    now: datetime,
    exports: Mapping[str, str],
    links: TabLinks,
) -> RerunCheck:
    """The triggers that fire now. `tabs`: CHECK_TABS by schema; `exports`: `export_digests` of the exports now."""
    candidates: list[Fired] = []
    if state.get(RERUN_BASELINE_KEY):
        candidates += since_analysis(json.loads(state[RERUN_BASELINE_KEY]), snapshot(inputs, tabs[MODEL.name], exports))
    candidates += cadence(state.get(LAST_ANALYSIS_KEY, ""), inputs.settings.rerun_days, now)
    threshold_text = inputs.settings.raw("Response-rate alert below")
    threshold = rate(threshold_text) if threshold_text.strip() else DEFAULT_REPLY_ALERT
    candidates += reply_rate(tabs[HISTORY.name], tabs[PROSPECTS.name], threshold, now)
    health = health_fingerprints(state, tabs[TARGET_HEALTH.name])
    seen = json.loads(state.get(RERUN_HEALTH_SEEN_KEY) or "{}")
    candidates += migration(health, seen)

    remembered: dict[str, str] = json.loads(state.get(RERUN_FIRED_KEY) or "{}")
    fired = [f for f in candidates if remembered.get(f.trigger) != f.fingerprint]
    memory: dict[str, str] = {}
    if fired:
        memory[RERUN_FIRED_KEY] = json.dumps({**remembered, **{f.trigger: f.fingerprint for f in fired}})
        memory[RERUN_DUE_KEY] = now.isoformat()  # with `Auto rerun` on, the worker's next check runs analyze
    if {**seen, **health} != seen:
        memory[RERUN_HEALTH_SEEN_KEY] = json.dumps({**seen, **health}, sort_keys=True)
    return RerunCheck(fired, rerun_message(fired, links) if fired else None, memory)


def after_analysis(
    inputs: Inputs, state: Mapping[str, str], model: pd.DataFrame, exports: Mapping[str, str]
) -> dict[str, str]:
    """State entries an analysis leaves: its snapshot, and a fresh start for its triggers.

    `model` is the Model tab the analysis wrote (by schema); `exports` the digests of the exports it read.
    """
    remembered = json.loads(state.get(RERUN_FIRED_KEY) or "{}")
    kept = {k: v for k, v in remembered.items() if k not in SINCE_ANALYSIS}
    baseline = json.dumps(snapshot(inputs, model, exports), sort_keys=True)
    return {RERUN_BASELINE_KEY: baseline, RERUN_FIRED_KEY: json.dumps(kept)}


def rerun_message(fired: list[Fired], links: TabLinks) -> Message:
    return Message(
        key="rerun:" + content_key(sorted((f.trigger, f.fingerprint) for f in fired)),
        kind="rerun",
        title=f"Time to rerun: {len(fired)} reason{'s' if len(fired) != 1 else ''}",
        summary="Run `gapbot analyze` (or wait for the scheduled run) so the prospects reflect these changes.",
        sections=tuple(listed(f.heading, list(f.evidence), EVIDENCE_LINES, tab_link(links, f.tab)) for f in fired),
    )
