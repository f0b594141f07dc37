"""Reruns keep the team's work: Next action set only in new rows, hand-added rows kept, no stray rows."""

from __future__ import annotations

import pandas as pd

from bot.learning import hand_added_keys, hand_added_rows, prospects_upsert
from bot.learning.merge import off_list_entries
from bot.learning.refresh import score_update
from bot.stores import UpsertRows
from sheets_schema.tabs import PROSPECTS
from tests.backends import Backend

NEXT = PROSPECTS.names.index("Next action") + 1


def records(backend: Backend) -> dict[str, dict[str, str]]:
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    return {r["Domain"]: r for r in frame.to_dict("records")}


def run(backend: Backend, domains: list[str], suggested: str) -> list[str]:
    frame = pd.DataFrame({"Domain": domains, "Competitors linked": "rival.com", "Suggested action": suggested})
    return backend.store.commit([prospects_upsert(frame, sort_by=None)]).notes


def test_next_action_is_the_suggestion_in_a_new_row_and_the_teams_from_then_on(backend: Backend) -> None:
    run(backend, ["a.com", "b.com"], "Pitch existing page")
    assert {d: r["Next action"] for d, r in records(backend).items()} == {
        "a.com": "Pitch existing page",
        "b.com": "Pitch existing page",
    }
    backend.team_types(PROSPECTS.name, 2, NEXT, "Propose guest post")  # a.com: the team's choice
    backend.team_types(PROSPECTS.name, 3, NEXT, None)  # b.com: the team cleared it
    run(backend, ["a.com", "b.com", "c.com"], "Add to PR list")
    after = records(backend)
    assert after["a.com"]["Next action"] == "Propose guest post"
    assert after["b.com"]["Next action"] == ""  # cleared stays cleared: a blank team cell is the team's too
    assert after["c.com"]["Next action"] == "Add to PR list"
    assert after["a.com"]["Suggested action"] == after["b.com"]["Suggested action"] == "Add to PR list"


def test_team_columns_given_for_an_existing_row_are_never_written_even_blank(backend: Backend) -> None:
    backend.team_tabs({PROSPECTS.name: [PROSPECTS.names, ["a.com"]]})
    owner = PROSPECTS.names.index("Owner") + 1
    backend.team_types(PROSPECTS.name, 2, owner, "Ana")
    frame = pd.DataFrame({"Domain": ["a.com", "new.com"], "Owner": ["gapbot", "gapbot"], "Notes": ["x", "y"]})
    backend.store.commit([UpsertRows(PROSPECTS, frame)])
    rows = records(backend)
    assert (rows["a.com"]["Owner"], rows["a.com"]["Notes"]) == ("Ana", "")
    assert (rows["new.com"]["Owner"], rows["new.com"]["Notes"]) == ("gapbot", "y")


def test_an_in_place_refresh_never_adds_a_row(backend: Backend) -> None:
    run(backend, ["a.com"], "Pitch existing page")
    scores = pd.DataFrame(
        {
            "Domain": ["a.com", "deleted.com"],
            "Base feasibility": [50, 50],
            "Feasibility": [60, 60],
            "Priority": [7, 7],
            "Win chance": [0.06, 0.06],
            "Why": ["learned +3.5 points", ""],
        }
    )
    backend.store.commit([score_update(scores)])
    after = records(backend)
    assert set(after) == {"a.com"}
    assert after["a.com"]["Feasibility"] == "60"


def test_hand_added_rows_are_kept_and_scored_not_marked_gone(backend: Backend) -> None:
    run(backend, ["a.com"], "Pitch existing page")
    backend.team_types(PROSPECTS.name, 3, 1, "mine.org")
    backend.team_types(PROSPECTS.name, 3, PROSPECTS.names.index("Outcome") + 1, "Sent")
    existing = backend.store.read_tab(PROSPECTS.name)
    assert hand_added_keys(existing) == ["mine.org"]
    extra = hand_added_rows(existing, found=["a.com"])
    frame = pd.concat(
        [pd.DataFrame({"Domain": ["a.com"], "Competitors linked": "rival.com"}), extra], ignore_index=True
    ).assign(**{"Suggested action": "Pitch existing page", "Priority": [10, 20]})
    backend.store.commit([prospects_upsert(frame)])
    after = records(backend)
    assert after["mine.org"]["Status"] == "Active"
    assert after["mine.org"]["Outcome"] == "Sent"
    assert after["mine.org"]["Priority"] == "20"
    assert after["mine.org"]["Next action"] == ""  # the team's row: gapbot fills none of its team cells
    assert list(after) == ["mine.org", "a.com"]  # sorted by priority, the team's cells moving along
    assert hand_added_keys(backend.store.read_tab(PROSPECTS.name)) == ["mine.org"]  # still hand-added after scoring


def test_a_hand_added_key_found_in_the_exports_becomes_an_ordinary_prospect() -> None:
    existing = pd.DataFrame({"Domain": ["mine.org", "a.com"], "Competitors linked": ["", "rival.com"]})
    assert hand_added_rows(existing, found=["mine.org"]).empty


def test_duplicate_keys_are_reported_not_merged(backend: Backend) -> None:
    run(backend, ["a.com"], "Pitch existing page")
    backend.team_types(PROSPECTS.name, 3, 1, "a.com")
    backend.team_types(PROSPECTS.name, 3, PROSPECTS.names.index("Notes") + 1, "second row")
    notes = run(backend, ["a.com"], "Pitch existing page")
    assert any("'a.com' appears more than once" in n for n in notes)
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    assert list(frame["Domain"]) == ["a.com", "a.com"]
    assert list(frame["Notes"]) == ["", "second row"]


def test_entries_off_a_dropdowns_list_are_named_with_their_rows(backend: Backend) -> None:
    run(backend, ["a.com", "b.com", "c.com"], "Pitch existing page")
    outcome = PROSPECTS.names.index("Outcome") + 1
    backend.team_types(PROSPECTS.name, 2, outcome, "won")  # not on the list
    backend.team_types(PROSPECTS.name, 3, outcome, " replied ")  # on it, but for case and spacing
    backend.team_types(PROSPECTS.name, 4, NEXT, "call them")
    notes = off_list_entries(backend.store.read_tab(PROSPECTS.name))
    assert len(notes) == 2
    assert notes[0].startswith("Prospects, column Outcome: 1 entry is not on the dropdown's list ('won' on row 2)")
    assert "not counted as results" in notes[0] and "Published / linked" in notes[0]
    assert notes[1].startswith(
        "Prospects, column Next action: 1 entry is not on the dropdown's list ('call them' on row 4)"
    )
    assert off_list_entries(None) == []
