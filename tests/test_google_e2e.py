"""`gapbot init` then `analyze` on a Google Sheet (the fake), with the real gspread client."""

from __future__ import annotations

from pathlib import Path

from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.state_keys import SCHEMA_VERSION_KEY
from tests.fakes.google import FakeGoogle
from tests.fakes.team import demo_on_google, google_store
from tests.test_demo_gap import EXPECTED_OVERLAP, EXPECTED_PROSPECTS


def test_demo_on_a_google_sheet_finds_exactly_the_gap(tmp_path: Path) -> None:
    fake = FakeGoogle()
    spreadsheet_id = demo_on_google(fake, tmp_path)
    store = google_store(fake, spreadsheet_id)
    jobs = JOBS
    jobs["init"](JobContext(store=store))
    result = jobs["analyze"](JobContext(store=store))

    assert result.counts["exports failed"] == 0, result.notes
    prospects = store.read_tab("Prospects")
    assert prospects is not None
    assert set(prospects["Domain"]) == EXPECTED_PROSPECTS
    overlap = dict(zip(prospects["Domain"], prospects["Overlap"], strict=True))
    assert {d: overlap[d] for d in EXPECTED_OVERLAP} == EXPECTED_OVERLAP
    assert list(prospects["Priority"]) == sorted(prospects["Priority"], key=float, reverse=True)
    imports = store.read_tab("Imports")
    exports = list((tmp_path / "demo-exports").iterdir())
    raw_tabs = [n for n in store.tab_names() if n.casefold().startswith("raw")]
    assert imports is not None and len(imports) == len(exports) + len(raw_tabs)  # Drive files and Raw tabs
    assert set(imports["Export"]) >= {p.name for p in exports}
    assert "_gapbot_state" not in store.tab_names()
    assert store.read_state()[SCHEMA_VERSION_KEY]
