"""A prospect row the team deletes stays deleted until the team types its key again (every store)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from bot.learning.deleted import Deletions, deletion_state, find_deletions
from jobs.analyze import prospect_key_of
from jobs.context import JobContext, JobResult
from jobs.table import JOBS
from sheets_schema.tabs import BATCHES, LINKS, PROSPECTS
from tests.backends import Backend
from tests.fakes.team import market_tabs


def market(backend: Backend, prospects: int) -> None:
    """The team's sheet of a small market; a local workbook names its pasted export `Raw - …`."""
    tabs = market_tabs(prospects)
    backend.team_tabs({name.replace("Raw:", "Raw -"): rows for name, rows in tabs.items()})


def analyze(backend: Backend, day: int) -> JobResult:
    when = datetime(2026, 11, day, 10, 0, tzinfo=UTC)
    return JOBS["analyze"](JobContext(store=backend.store, clock=lambda: when, run_id=f"analyze-{day}"))


def tab(backend: Backend, name: str) -> pd.DataFrame:
    frame = backend.store.read_tab(name)
    assert frame is not None
    return frame


def keys(backend: Backend) -> list[str]:
    return [k for k in tab(backend, PROSPECTS.name)["Domain"] if k]


def delete_prospect(backend: Backend, key: str) -> None:
    backend.team_deletes_row(PROSPECTS.name, keys(backend).index(key) + 2)


@pytest.mark.slow
def test_a_deleted_row_stays_deleted_until_the_team_types_its_key_again(backend: Backend) -> None:
    market(backend, 6)
    analyze(backend, 20)
    listed = keys(backend)
    gone, kept = listed[1], listed[2]
    backend.team_types(PROSPECTS.name, listed.index(kept) + 2, PROSPECTS.names.index("Notes") + 1, "called Ana")
    delete_prospect(backend, gone)

    result = analyze(backend, 21)
    assert gone not in keys(backend)
    assert sorted(keys(backend)) == sorted(k for k in listed if k != gone)  # nothing came back as New
    assert gone not in set(tab(backend, LINKS.name)["Domain"])
    assert not any(gone in domains for domains in tab(backend, BATCHES.name)["Domains"])
    # Said as what it is, a deliberate deletion, not as lost work or a problem.
    assert [n for n in result.notes if gone in n] == [
        f"Prospects: 1 row(s) you deleted stay deleted and are not listed again ({gone}); "
        "type a key into Prospects again to bring it back"
    ]
    assert not any("lost" in n.lower() for n in result.notes)
    prospects = tab(backend, PROSPECTS.name)
    assert prospects.loc[prospects["Domain"] == kept, "Notes"].item() == "called Ana"

    again = analyze(backend, 22)  # remembered: still out, and not announced again
    assert gone not in keys(backend)
    assert not any(gone in n for n in again.notes)

    backend.team_types(PROSPECTS.name, len(keys(backend)) + 2, PROSPECTS.names.index("Domain") + 1, gone)
    back = analyze(backend, 23)
    prospects = tab(backend, PROSPECTS.name)
    row = prospects[prospects["Domain"] == gone]
    assert len(row) == 1 and row["Competitors linked"].item() != ""  # listed again, gapbot's cells filled
    assert any(gone in n and "listed again" in n for n in back.notes)


@pytest.mark.slow
def test_an_emptied_prospects_tab_is_not_taken_as_every_row_deleted(backend: Backend) -> None:
    market(backend, 4)
    analyze(backend, 20)
    listed = keys(backend)
    for _ in listed:
        backend.team_deletes_row(PROSPECTS.name, 2)
    assert keys(backend) == []
    result = analyze(backend, 21)
    assert sorted(keys(backend)) == sorted(listed)
    assert not any("deleted" in n for n in result.notes)


def prospects_tab(*keys: str) -> pd.DataFrame:
    return pd.DataFrame({"Domain": list(keys), "Notes": ""})


def test_a_key_written_last_run_and_missing_now_is_deleted_until_typed_again_in_any_spelling() -> None:
    normalise = prospect_key_of("domain")
    state = deletion_state(prospects_tab("a.com", "kent-uni.ac.uk"), ["b.com"], Deletions(frozenset()), {}, 50_000)
    found = find_deletions(prospects_tab("a.com"), state, normalise)
    assert (found.keys, found.new, found.back) == (
        frozenset({"kent-uni.ac.uk", "b.com"}),
        ("kent-uni.ac.uk", "b.com"),
        (),
    )
    state |= deletion_state(prospects_tab("a.com"), ["a.com"], found, state, 50_000)
    later = find_deletions(prospects_tab("a.com", "KENT-UNI.AC.UK"), state, normalise)
    assert (later.keys, later.new, later.back) == (frozenset({"b.com"}), (), ("kent-uni.ac.uk",))


def test_no_row_counts_as_deleted_when_the_tab_is_missing_emptied_or_lost_its_key_column() -> None:
    state = deletion_state(prospects_tab("a.com", "b.com"), [], Deletions(frozenset({"old.com"})), {}, 50_000)
    for tab_now in (None, prospects_tab(), pd.DataFrame({"Site": ["a.com"]})):
        assert find_deletions(tab_now, state, prospect_key_of("domain")) == Deletions(frozenset({"old.com"}))


def test_many_remembered_keys_are_split_across_state_cells() -> None:
    listed = [f"site{i:05d}.com" for i in range(5_000)]
    state = deletion_state(None, listed, Deletions(frozenset()), {}, 300)
    assert max(len(v) for v in state.values()) <= 300
    found = find_deletions(prospects_tab(*listed[1:]), state, prospect_key_of("domain"))
    assert found.new == (listed[0],)
