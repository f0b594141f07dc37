"""`gapbot init` then `analyze` on a Google Sheet (the fake), with the real gspread client."""

from __future__ import annotations

from pathlib import Path

from jobs.context import JobContext
from jobs.registry import load_jobs
from tests.fakes.google import FakeGoogle
from tests.fakes.team import demo_on_google, google_store
from tests.test_demo_gap import EXPECTED, EXPECTED_OVERLAP


def test_demo_on_a_google_sheet_finds_exactly_the_gap(tmp_path: Path) -> None:
    fake = FakeGoogle()
    spreadsheet_id = demo_on_google(fake, tmp_path)
    store = google_store(fake, spreadsheet_id)
    jobs = load_jobs()
    jobs["init"](JobContext(store=store))
    result = jobs["analyze"](JobContext(store=store))

    assert result.counts["exports failed"] == 0, result.notes
    prospects = store.read_tab("Prospects")
    assert prospects is not None
    assert set(prospects["Domain"]) == EXPECTED
    overlap = dict(zip(prospects["Domain"], prospects["Overlap"], strict=True))
    assert {d: overlap[d] for d in EXPECTED_OVERLAP} == EXPECTED_OVERLAP
    assert list(prospects["Overlap"]) == sorted(prospects["Overlap"], key=int, reverse=True)
    imports = store.read_tab("Imports")
    assert imports is not None and len(imports) == 7  # six Drive files and one Raw tab
    assert "_gapbot_state" not in store.tab_names()
    assert store.read_state()["schema_version"]
