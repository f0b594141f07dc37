"""The contract every store passes: the same behaviour whichever backend holds the sheet."""

from __future__ import annotations

import pandas as pd
import pytest

from bot.errors import StoreError
from bot.stores import AppendRows, EnsureTab, ReplaceTab, SetState, UpsertRows
from bot.stores.grid import CUT_MARKER, MAX_CELL_CHARS
from sheets_schema import STATE_TAB
from sheets_schema.tabs import HISTORY, IMPORTS, PROSPECTS, SETTINGS
from tests.backends import Backend

UNTRUSTED = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://evil")', "'quoted"]


def prospects(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame(rows)


def test_missing_tabs_are_absent_and_state_is_hidden(backend: Backend) -> None:
    store = backend.store
    assert store.read_tabs(["Prospects"]) == {}
    store.commit([EnsureTab(PROSPECTS), SetState({"cursor": "7"})])
    assert store.read_state()["cursor"] == "7"
    assert "Prospects" in store.tab_names()
    assert STATE_TAB not in store.tab_names()


def test_team_text_is_never_coerced(backend: Backend) -> None:
    backend.team_tabs(
        {
            "Settings": [
                ["Setting", "Value", "Notes"],
                ["Minimum overlap", "007", "1,240"],
                ["Our domains", "=1+1", "TRUE"],
            ]
        }
    )
    frame = backend.store.read_tab("Settings")
    assert frame is not None
    assert frame.to_dict("records") == [
        {"Setting": "Minimum overlap", "Value": "007", "Notes": "1,240"},
        {"Setting": "Our domains", "Value": "=1+1", "Notes": "TRUE"},
    ]


def test_a_tab_is_read_for_only_the_columns_asked_for(backend: Backend) -> None:
    backend.team_tabs(
        {
            "Settings": [
                ["Setting", " value ", "Notes", "VALUE"],
                ["Minimum overlap", "2", "typed", "second copy"],
                ["", "", "only a note", ""],
            ]
        }
    )
    read = backend.store.read_tabs(["Settings", "Rules"], {"Settings": ["Value", "Setting"]})
    settings = read["Settings"]
    # headers match case- and space-insensitively; a repeated header is kept for the caller to choose
    assert list(settings.columns) == ["Setting", " value ", "VALUE"]
    # the last row is blank in the columns read: gone, as trailing blank rows are
    assert settings.to_dict("records") == [{"Setting": "Minimum overlap", " value ": "2", "VALUE": "second copy"}]
    whole = backend.store.read_tabs(["Settings"])["Settings"]
    assert list(whole.columns) == ["Setting", " value ", "Notes", "VALUE"]


def test_untrusted_strings_are_stored_as_text(backend: Backend) -> None:
    frame = pd.DataFrame(
        {"Domain": [f"d{i}.com" for i in range(len(UNTRUSTED))], "Page title": UNTRUSTED, "Anchor": UNTRUSTED}
    )
    backend.store.commit([UpsertRows(PROSPECTS, frame)])
    back = backend.store.read_tab("Prospects")
    assert back is not None
    assert list(back["Page title"]) == UNTRUSTED
    assert list(back["Anchor"]) == UNTRUSTED


def test_replace_writes_header_and_rows_as_strings(backend: Backend) -> None:
    frame = pd.DataFrame({"Export": ["a.csv", "b.csv"], "Rows read": [10, 0], "Problem": ["", "empty file"]})
    backend.store.commit([ReplaceTab(IMPORTS, frame)])
    back = backend.store.read_tab("Imports")
    assert back is not None
    assert list(back.columns) == IMPORTS.names
    assert list(back["Rows read"]) == ["10", "0"]
    assert list(back["Problem"]) == ["", "empty file"]
    backend.store.commit([ReplaceTab(IMPORTS, frame.iloc[:1])])
    shorter = backend.store.read_tab("Imports")
    assert shorter is not None and len(shorter) == 1


def test_upsert_keeps_team_cells_and_moves_them_with_their_rows(backend: Backend) -> None:
    store = backend.store
    first = prospects(
        [
            {"Domain": "a.com", "Priority": 10, "Overlap": 1, "Next action": "Pitch existing page"},
            {"Domain": "b.com", "Priority": 50, "Overlap": 2, "Next action": "Add to PR list"},
        ]
    )
    store.commit([UpsertRows(PROSPECTS, first, sort_by="Priority")])
    header = list(store.read_tab("Prospects").columns)  # type: ignore[union-attr]
    row_of_a = 3  # b.com sorts first
    backend.team_types("Prospects", row_of_a, header.index("Outcome") + 1, "Sent")
    backend.team_types("Prospects", row_of_a, header.index("Next action") + 1, "Propose guest post")
    backend.team_types("Prospects", 1, len(header) + 1, "Team column")
    backend.team_types("Prospects", row_of_a, len(header) + 1, "call Tuesday")

    second = prospects(
        [
            {"Domain": "a.com", "Priority": 90, "Overlap": 3, "Next action": "Pitch existing page"},
            {"Domain": "c.com", "Priority": 20, "Overlap": 1, "Next action": "Offer resource update"},
        ]
    )
    store.commit([UpsertRows(PROSPECTS, second, mark_missing={"Status": "Gone"}, sort_by="Priority")])
    back = store.read_tab("Prospects")
    assert back is not None
    rows = {r["Domain"]: r for r in back.to_dict("records")}
    assert list(back["Domain"]) == ["a.com", "b.com", "c.com"]
    assert rows["a.com"]["Priority"] == "90"
    assert rows["a.com"]["Outcome"] == "Sent"
    assert rows["a.com"]["Next action"] == "Propose guest post"  # team's choice, not the new suggestion
    assert rows["a.com"]["Team column"] == "call Tuesday"
    assert rows["b.com"]["Status"] == "Gone"
    assert rows["b.com"]["Next action"] == "Add to PR list"
    assert rows["c.com"]["Next action"] == "Offer resource update"  # initial value for a new row


def test_upsert_recreates_a_deleted_header_at_the_end(backend: Backend) -> None:
    store = backend.store
    store.commit([UpsertRows(PROSPECTS, prospects([{"Domain": "a.com", "Overlap": 1}]))])
    header = list(store.read_tab("Prospects").columns)  # type: ignore[union-attr]
    backend.team_types("Prospects", 1, header.index("Overlap") + 1, "My overlap")
    notes = store.commit([UpsertRows(PROSPECTS, prospects([{"Domain": "a.com", "Overlap": 2}]))])
    back = store.read_tab("Prospects")
    assert back is not None
    assert list(back.columns)[-1] == "Overlap"
    assert back.loc[0, "Overlap"] == "2"
    assert back.loc[0, "My overlap"] == "1"
    assert any("Overlap" in n for n in notes.notes)


def test_sorted_by_team_then_upserted_keeps_keys_with_their_cells(backend: Backend) -> None:
    store = backend.store
    rows = [{"Domain": f"d{i}.com", "Priority": i, "Next action": "Pitch existing page"} for i in range(5)]
    store.commit([UpsertRows(PROSPECTS, prospects(rows), sort_by="Priority")])
    header = list(store.read_tab("Prospects").columns)  # type: ignore[union-attr]
    for i in range(5):
        backend.team_types("Prospects", i + 2, header.index("Notes") + 1, f"note for d{4 - i}.com")
    backend.team_sorts("Prospects", header.index("Domain") + 1)
    store.commit([UpsertRows(PROSPECTS, prospects([{**r, "Priority": 10 - i} for i, r in enumerate(rows)]))])
    back = store.read_tab("Prospects")
    assert back is not None
    assert all(r["Notes"] == f"note for {r['Domain']}" for r in back.to_dict("records"))


def test_duplicate_keys_typed_by_the_team_are_reported(backend: Backend) -> None:
    backend.team_tabs({"Prospects": [PROSPECTS.names, ["a.com"], ["a.com"]]})
    notes = backend.store.commit([UpsertRows(PROSPECTS, prospects([{"Domain": "a.com", "Overlap": 1}]))])
    assert any("more than once" in n for n in notes.notes)


def test_append_adds_rows_after_existing_ones(backend: Backend) -> None:
    store = backend.store
    store.commit([AppendRows(HISTORY, pd.DataFrame([{"When": "t1", "Key": "a.com"}]))])
    store.commit([AppendRows(HISTORY, pd.DataFrame([{"When": "t2", "Key": "b.com"}]))])
    back = store.read_tab("History")
    assert back is not None
    assert list(back["When"]) == ["t1", "t2"]


def test_a_failing_commit_changes_nothing(backend: Backend) -> None:
    store = backend.store
    store.commit([ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["kept"]}))])
    version = store.version()
    with pytest.raises(StoreError):
        store.commit(
            [
                ReplaceTab(IMPORTS, pd.DataFrame({"Export": ["replaced"]})),
                ReplaceTab(IMPORTS, pd.DataFrame({"No such column": ["x"]})),
            ]
        )
    assert store.version() == version
    assert list(store.read_tab("Imports")["Export"]) == ["kept"]  # type: ignore[index]


def test_version_changes_on_write(backend: Backend) -> None:
    before = backend.store.version()
    backend.store.commit([SetState({"x": "1"})])
    assert backend.store.version() != before


def test_over_long_cells_are_cut_with_a_visible_marker(backend: Backend) -> None:
    limit = backend.store.max_cell_chars
    assert limit <= MAX_CELL_CHARS
    long = "x" * (limit + 10)
    backend.store.commit([UpsertRows(PROSPECTS, prospects([{"Domain": "a.com", "Page title": long}]))])
    value = backend.store.read_tab("Prospects").loc[0, "Page title"]  # type: ignore[union-attr]
    assert len(value) == limit
    assert value.endswith(CUT_MARKER)


def test_ensure_tab_adds_missing_columns_and_keeps_data(backend: Backend) -> None:
    backend.team_tabs({"Settings": [["Setting", "Value"], ["Our domains", "mine.com"]]})
    backend.store.commit([EnsureTab(SETTINGS)])
    back = backend.store.read_tab("Settings")
    assert back is not None
    assert list(back.columns) == ["Setting", "Value", "Notes"]
    assert back.to_dict("records") == [{"Setting": "Our domains", "Value": "mine.com", "Notes": ""}]
