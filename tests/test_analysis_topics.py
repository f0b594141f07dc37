"""Focused runs (`analyze --topic`) merge into the one Prospects tab; end to end on the memory store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.errors import ConfigError
from bot.stores import MemoryStore, WorkbookStore
from jobs.cli import main
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import COMPETITORS, SETTINGS, TARGETS

HEADER = ["Source url", "Source title", "Target url", "Anchor"]


def store_with(raw_rows: list[list[str]]) -> MemoryStore:
    return MemoryStore(
        {
            SETTINGS.name: [SETTINGS.names, ["Our domains", "ours.io", ""]],
            COMPETITORS.name: [
                COMPETITORS.names,
                ["inv.com", "Direct SERP competitor", "invoicing", "Yes", ""],
                ["tax.com", "Direct SERP competitor", "tax", "Yes", ""],
            ],
            TARGETS.name: [TARGETS.names, ["https://ours.io/", "", "invoicing", "Homepage", "Yes"]],
            "Raw: links": [HEADER, *raw_rows],
        }
    )


def run(store: MemoryStore, topic: str = "") -> None:
    jobs = JOBS
    jobs["analyze"](JobContext(store=store, topic=topic))


def rows_by_domain(store: MemoryStore) -> dict[str, dict[str, str]]:
    frame = store.read_tab("Prospects")
    assert frame is not None
    return {r["Domain"]: r for r in frame.to_dict("records")}


def test_a_focused_run_leaves_other_topics_rows_alone() -> None:
    store = store_with(
        [
            ["https://a-inv.org/resources", "Resources", "https://inv.com/", "Inv"],
            ["https://b-tax.org/resources", "Resources", "https://tax.com/", "Tax"],
            ["https://c-tax.org/links", "Links", "https://tax.com/", "Tax"],
        ]
    )
    jobs = JOBS
    jobs["init"](JobContext(store=store))
    run(store)
    assert {d: r["Topic"] for d, r in rows_by_domain(store).items()} == {
        "a-inv.org": "invoicing",
        "b-tax.org": "tax",
        "c-tax.org": "tax",
    }
    frame = store.read_tab("Prospects")
    assert frame is not None
    store.edit(
        "Prospects", list(frame["Domain"]).index("a-inv.org") + 2, list(frame.columns).index("Outcome") + 1, "Sent"
    )

    # c-tax.org now links elsewhere; a focused tax run must not touch the invoicing prospect.
    store.edit("Raw: links", 4, 3, "https://elsewhere.com/")
    run(store, topic="tax")
    after = rows_by_domain(store)
    assert after["c-tax.org"]["Status"] == "Gone"
    assert after["b-tax.org"]["Status"] == "Active"
    assert after["a-inv.org"]["Status"] == "New"  # carried over as it was, not marked Gone
    assert after["a-inv.org"]["Outcome"] == "Sent"  # the team's cell is untouched
    links = store.read_tab("Links")
    assert links is not None and "a-inv.org" in set(links["Domain"])  # its links too, though Links is replaced


def test_an_unknown_topic_is_a_clear_error() -> None:
    store = store_with([["https://a-inv.org/resources", "Resources", "https://inv.com/", "Inv"]])
    with pytest.raises(ConfigError, match=r"no active competitor has the topic 'garden'.*invoicing, tax"):
        run(store, topic="garden")


@pytest.mark.slow
def test_cli_analyze_topic_runs_a_focused_analysis(tmp_path: Path) -> None:
    out = tmp_path / "demo.xlsx"
    runner = CliRunner()
    assert runner.invoke(main, ["demo", "--out", str(out)]).exit_code == 0
    before = WorkbookStore(out).read_tab("Prospects")
    result = runner.invoke(main, ["--workbook", str(out), "analyze", "--topic", "tax"])
    assert result.exit_code == 0, result.output
    assert "(topic tax)" in result.output
    after = WorkbookStore(out).read_tab("Prospects")
    assert before is not None and after is not None
    # Rows with no tax competitor are carried over: same domains, none marked Gone.
    assert set(after["Domain"]) == set(before["Domain"])
    untouched = after[~after["Topic"].str.contains("tax")]
    assert set(untouched["Status"]) == {"New"}
