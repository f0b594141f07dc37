"""Each rerun trigger fires on its evidence, and the same evidence never fires twice."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from bot.demo import write_demo
from bot.notify import ConsoleNotifier
from bot.stores import AppendRows, MemoryStore, ReplaceTab, SetState, WorkbookStore
from bot.stores.grid import Grid
from jobs.context import JobContext, JobResult
from jobs.notifications import run_job
from jobs.table import JOBS
from sheets_schema import STATE_TAB, header_key
from sheets_schema.state_keys import HEALTH_FINGERPRINTS_KEY, RERUN_DUE_KEY
from sheets_schema.tabs import HISTORY, MODEL, TARGET_HEALTH

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
Grids = dict[str, Grid]


@pytest.fixture(scope="module")
def demo_sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Grids, dict[str, bytes]]:
    """The demo team's sheet, analysed once, in memory, with its exports folder as store files."""
    path: Path = tmp_path_factory.mktemp("demo") / "demo.xlsx"
    exports = write_demo(path)
    workbook = WorkbookStore(path)
    frames = workbook.read_tabs(workbook.tab_names())
    grids: Grids = {name: [list(f.columns), *f.to_numpy().tolist()] for name, f in frames.items()}
    for row in grids["Settings"]:
        if row[0] == "Exports folder":
            row[1] = "exports"
    files = {f"exports/{p.name}": p.read_bytes() for p in sorted(exports.iterdir())}
    team = Team(grids, files)
    team.run("init")
    team.run("analyze")
    return {name: team.store.grid(name) for name in [*team.store.tab_names(), STATE_TAB]}, files


class Team:
    """A team's sheet, gapbot's jobs run on it, and what gapbot told the team."""

    def __init__(self, grids: Grids, files: dict[str, bytes]) -> None:
        self.store = MemoryStore(grids, files)
        self.now = T0
        self.console = io.StringIO()

    def run(self, job: str) -> JobResult:
        ctx = JobContext(store=self.store, clock=lambda: self.now, notifier=ConsoleNotifier(self.console))
        return run_job(job, JOBS[job], ctx)

    def check(self) -> str:
        """Run `gapbot rerun-check`; the text posted (blank when nothing fired)."""
        self.console.seek(0)
        self.console.truncate()
        result = self.run("rerun-check")
        text = self.console.getvalue()
        assert ("Time to rerun" in text) == (result.counts["triggers fired"] > 0)
        return text

    def type_row(self, tab: str, values: dict[str, str]) -> None:
        grid = self.store.grid(tab)
        header = [header_key(c) for c in grid[0]]
        row = len(grid) + 1
        for name, value in values.items():
            self.store.edit(tab, row, header.index(header_key(name)) + 1, value)

    def type_cell(self, tab: str, key: str, column: str, value: str) -> None:
        grid = self.store.grid(tab)
        header = [header_key(c) for c in grid[0]]
        row = next(i for i, r in enumerate(grid, start=1) if r and r[0] == key)
        self.store.edit(tab, row, header.index(header_key(column)) + 1, value)


@pytest.fixture
def team(demo_sheet: tuple[Grids, dict[str, bytes]]) -> Team:
    return Team(*demo_sheet)


def fires_once(team: Team, heading: str, *evidence: str) -> str:
    text = team.check()
    assert f"{heading}:" in text
    for line in evidence:
        assert f"  - {line}" in text
    assert team.check() == ""
    return text


def test_nothing_fires_right_after_an_analysis(team: Team) -> None:
    assert team.check() == ""


def test_new_target_page_or_asset(team: Team) -> None:
    team.type_row(
        "Targets", {"Target URL": "https://ledgerly.io/tools/late-fee-calculator", "Asset type": "Tool / calculator"}
    )
    fires_once(
        team,
        "New target pages or assets",
        "new target page: https://ledgerly.io/tools/late-fee-calculator (Tool / calculator)",
    )
    first_target = team.store.grid("Targets")[1][0]
    team.type_cell("Targets", str(first_target), "Asset type", "Data study")
    fires_once(team, "New target pages or assets", f"{first_target}: asset type")


def test_competitor_set_changed(team: Team) -> None:
    team.type_cell("Competitors", "billhive.com", "Active", "No")
    fires_once(team, "Competitor set changed", "competitor removed or inactive: billhive.com")
    team.type_row("Competitors", {"Domain": "newrival.com", "Active": "Yes"})
    fires_once(team, "Competitor set changed", "competitor added: newrival.com")


def test_a_fired_trigger_makes_analyze_due_for_the_worker(team: Team) -> None:
    from jobs.scheduler import due_reason

    assert RERUN_DUE_KEY not in team.store.read_state()
    team.type_cell("Competitors", "billhive.com", "Active", "No")
    team.type_row("Settings", {"Setting": "Auto rerun", "Value": "yes"})
    team.now += timedelta(hours=1)
    fires_once(team, "Competitor set changed", "competitor removed or inactive: billhive.com")
    assert RERUN_DUE_KEY in team.store.read_state()
    reason = due_reason("analyze", JobContext(store=team.store, clock=lambda: team.now))
    assert reason is not None and "rerun alert" in reason


def test_serp_set_changed(team: Team) -> None:
    team.type_row("SERP", {"Keyword": "recurring invoices", "Position": "1", "URL": "https://billhive.com/recurring"})
    fires_once(team, "Keyword / SERP set changed", "keyword added: recurring invoices")
    team.run("analyze")
    team.type_row("SERP", {"Keyword": "recurring invoices", "Position": "2", "URL": "https://rival.example/x"})
    fires_once(team, "Keyword / SERP set changed", "ranking URLs changed for: recurring invoices")


def test_new_or_changed_exports(team: Team) -> None:
    name = "exports/paypilot.co.uk-backlinks-subdomains_2026-11-20.csv"
    team.store.files["exports/newrival.com-backlinks.csv"] = b"Referring page URL,Target URL\n"
    team.store.files[name] += b"\n"
    fires_once(
        team,
        "New or changed exports",
        "new export: newrival.com-backlinks.csv",
        "export changed: paypilot.co.uk-backlinks-subdomains_2026-11-20.csv",
    )


def sends(team: Team, replies: int, total: int, days_ago: int) -> None:
    when = f"{team.now - timedelta(days=days_ago):%Y-%m-%d %H:%M}"
    rows = [{"When": when, "Key": f"site{i}.com", "Column": "Outcome", "New value": "Sent"} for i in range(total)]
    rows += [{"When": when, "Key": f"site{i}.com", "Column": "Outcome", "New value": "Replied"} for i in range(replies)]
    team.store.commit([AppendRows(HISTORY, pd.DataFrame(rows))])


def test_reply_rate_below_the_alert_level(team: Team) -> None:
    sends(team, replies=1, total=12, days_ago=10)
    fires_once(
        team,
        "Reply rate dropped",
        "1 of the last 12 sends replied (8%), below the alert level of 10%; review pitches, targets and link types",
    )


def test_reply_rate_above_the_alert_level_or_too_recent_is_quiet(team: Team) -> None:
    sends(team, replies=3, total=12, days_ago=10)
    sends(team, replies=0, total=12, days_ago=1)  # too recent to judge
    assert team.check() == ""


def test_target_page_migration_from_health_fingerprints(team: Team) -> None:
    url = "https://ledgerly.io/guides/invoicing"

    def health(status: str, final: str) -> None:
        team.store.commit(
            [
                SetState(
                    {
                        HEALTH_FINGERPRINTS_KEY: json.dumps(
                            {url: {"status": status, "final_url": final, "canonical": url}}
                        )
                    }
                )
            ]
        )

    health("200", url)
    assert team.check() == ""  # first sight of the page: nothing to compare with
    health("301", "https://ledgerly.io/resources/invoicing")
    fires_once(
        team,
        "Target pages changed (migration?)",
        f"{url}: status 200 → 301; final URL {url} → https://ledgerly.io/resources/invoicing",
    )


def test_target_page_migration_from_the_health_tab(team: Team) -> None:
    url = "https://ledgerly.io/guides/invoicing"

    def tab(canonical: str) -> None:
        frame = pd.DataFrame(
            [{"Target URL": url, "Verdict": "OK", "Status": "200", "Final URL": url, "Canonical": canonical}]
        )
        team.store.commit([ReplaceTab(TARGET_HEALTH, frame)])

    tab(url)
    assert team.check() == ""
    tab("https://ledgerly.io/new-home")
    fires_once(team, "Target pages changed (migration?)", f"{url}: canonical {url} → https://ledgerly.io/new-home")


def test_rerun_cadence_elapsed(team: Team) -> None:
    team.now = T0 + timedelta(days=29)
    assert team.check() == ""
    team.now = T0 + timedelta(days=31)
    fires_once(
        team, "Rerun cadence elapsed", "last analysis 2026-11-23 (31 days ago); Settings ask for one every 30 days"
    )
    team.now = T0 + timedelta(days=45)
    assert team.check() == ""


def test_settings_changed(team: Team) -> None:
    team.type_cell("Settings", "Minimum overlap", "Value", "2")
    team.type_cell("Settings", "Market languages", "Value", "en, de")
    fires_once(team, "Settings or scoring changed", "Market languages: en → en, de", "Minimum overlap: 1 → 2")


def test_slack_channel_is_not_a_reason_to_rerun(team: Team) -> None:
    team.type_row("Settings", {"Setting": "Slack channel", "Value": "#links"})
    assert team.check() == ""


def test_learned_rates_changed(team: Team) -> None:
    frame = pd.DataFrame([{"Dimension": "Link type", "Value": "Resource page", "Sent": 10, "Won": 3, "Win rate": 0.3}])
    team.store.commit([ReplaceTab(MODEL, frame)])
    fires_once(
        team, "Settings or scoring changed", "learned outcome rates (Model tab) changed, so feasibility scores change"
    )


def test_all_reasons_in_one_message_and_a_new_analysis_starts_afresh(team: Team) -> None:
    team.type_row("Targets", {"Target URL": "https://ledgerly.io/glossary", "Asset type": "Glossary"})
    team.type_cell("Settings", "Minimum overlap", "Value", "2")
    text = team.check()
    assert text.count("Time to rerun: 2 reasons") == 1
    team.run("analyze")
    assert team.check() == ""
    team.type_cell("Settings", "Minimum overlap", "Value", "1")
    fires_once(team, "Settings or scoring changed", "Minimum overlap: 2 → 1")
