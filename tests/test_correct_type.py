"""`Correct type`: the team's correction wins at once, survives reruns on every store, and teaches
the judge so a similar page follows on the next run."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from bot.analysis.corrections import team_corrections
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import COMPETITORS, MODEL, NOISE, PROSPECTS, SETTINGS, TARGETS
from tests.backends import Backend

CORRECT = PROSPECTS.names.index("Correct type") + 1
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
CORRECTED = ("https://stadtbranchen-nord.de/firma/baeckerei-mueller-4411", "Bäckerei Müller – Firmenprofil, Adresse")
SIMILAR = ("https://stadtbranchen-sued.de/firma/sanitaer-schmidt-9182", "Sanitär Schmidt – Firmenprofil, Adresse")
MARKED = ("https://cheap-widgets-offers.net/page/3", "Great offers on widgets")


def market(backend: Backend) -> None:
    rows = [[url, title, "https://rival.com/", "Rival", "40"] for url, title in (CORRECTED, SIMILAR, MARKED)]
    backend.team_tabs(
        {
            SETTINGS.name: [SETTINGS.names, ["Our domains", "ours.io", ""], ["Market languages", "en, de", ""]],
            COMPETITORS.name: [COMPETITORS.names, ["rival.com", "Direct SERP competitor", "", "Yes", ""]],
            TARGETS.name: [TARGETS.names, ["https://ours.io/", "", "invoicing", "Homepage", "Yes"]],
            "Raw - links": [["Source url", "Source title", "Target url", "Anchor", "Domain rating"], *rows],
        }
    )


def analyze(backend: Backend) -> None:
    JOBS["analyze"](JobContext(store=backend.store, clock=lambda: NOW, run_id="run"))


def prospects(backend: Backend) -> pd.DataFrame:
    frame = backend.store.read_tab(PROSPECTS.name)
    assert frame is not None
    return frame


def row_of(backend: Backend, domain: str) -> int:
    return int(prospects(backend).index[prospects(backend)["Domain"] == domain][0]) + 2


@pytest.mark.slow
def test_correct_type_overrides_survives_reruns_and_teaches_the_judge(backend: Backend) -> None:
    market(backend)
    analyze(backend)
    before = prospects(backend).set_index("Domain")
    assert before.loc["stadtbranchen-sued.de", "Link type"] != "Directory"

    backend.team_types(PROSPECTS.name, row_of(backend, "stadtbranchen-nord.de"), CORRECT, "Directory")
    backend.team_types(PROSPECTS.name, row_of(backend, "cheap-widgets-offers.net"), CORRECT, "noise")
    analyze(backend)
    analyze(backend)  # a second rerun: the corrections are still the team's cells

    after = prospects(backend).set_index("Domain")
    assert after.loc["stadtbranchen-nord.de", "Link type"] == "Directory"
    assert after.loc["stadtbranchen-nord.de", "Type evidence"] == "set by the team in Correct type"
    assert after.loc["stadtbranchen-nord.de", "Correct type"] == "Directory"
    assert after.loc["cheap-widgets-offers.net", "Status"] == "Gone"
    assert after.loc["cheap-widgets-offers.net", "Correct type"] == "noise"
    noise = backend.store.read_tab(NOISE.name)
    assert noise is not None
    assert noise.set_index("Domain").loc["cheap-widgets-offers.net", "Reason"] == "Marked by the team"
    # The page on another site of the same template follows the correction it was never given.
    assert after.loc["stadtbranchen-sued.de", "Link type"] == "Directory"
    assert after.loc["stadtbranchen-sued.de", "Type evidence"].startswith("URL and title (page not read: ")
    model = backend.store.read_tab(MODEL.name)
    assert model is not None
    line = model[model["Dimension"] == "Page judge"].iloc[0]
    assert line["Prospects"] == "2" and line["Value"].startswith("learned from 2 team correction(s)")


def test_a_value_outside_the_list_is_reported_with_its_row() -> None:
    frame = pd.DataFrame({"Domain": ["a.com", "b.com"], "Correct type": ["Directory", "Spamm"]})
    corrections = team_corrections(frame)
    assert dict(corrections.by_prospect) == {"a.com": "Directory"}
    assert corrections.problems[0].startswith("Prospects row 3, column Correct type: 'Spamm' is not one of")
