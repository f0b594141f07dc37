"""Model numbers on a history worked out by hand, and scores that follow what converts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bot.learning import learn, needs_asset_first, prospect_multiplier
from bot.learning.beta import Beta
from bot.stores import MemoryStore
from bot.stores.grid import Cell, Grid
from jobs.analyze import analyze
from jobs.context import JobContext
from jobs.watch import watch
from sheets_schema.tabs import BATCHES, PROSPECTS

PROSPECT_ROWS = [
    # Domain, Link type, Competitors linked, Batch, Outcome now
    ("a.com", "Resource page", "billhive.com, paypilot.co.uk", "B1", "Published / linked"),
    ("b.com", "Resource page", "billhive.com", "B1", "No fit"),
    ("c.com", "Digital PR", "paypilot.co.uk", "B2", "Sent"),
    ("d.com", "Digital PR", "billhive.com", "B2", ""),
]
HISTORY_ROWS = [
    # Key, Column, Old value, New value: b.com went Sent -> Replied -> No fit; d.com needed an asset
    ("b.com", "Outcome", "", "Sent"),
    ("b.com", "Notes", "", "asked for a chart"),
    ("b.com", "Outcome", "Sent", "Replied"),
    ("b.com", "Outcome", "Replied", "No fit"),
    ("d.com", "Outcome", "", "Needs asset first"),
    ("d.com", "Outcome", "Needs asset first", ""),
]


def prospects() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"Domain": d, "Link type": t, "Competitors linked": c, "Batch": b, "Outcome": o, "Competitor page": ""}
            for d, t, c, b, o in PROSPECT_ROWS
        ]
    ).assign(**{"Competitor page": ["https://billhive.com/tool", "", "", "https://billhive.com/calculator"]})


def history() -> pd.DataFrame:
    return pd.DataFrame(HISTORY_ROWS, columns=["Key", "Column", "Old value", "New value"])


def batches() -> pd.DataFrame:
    return pd.DataFrame(
        {"Batch": ["B1", "B2"], "Target page": ["https://ledgerly.io/guide", "https://ledgerly.io/tool"]}
    )


def row(model_table: pd.DataFrame, dimension: str, value: str) -> dict[str, object]:
    match = model_table[(model_table["Dimension"] == dimension) & (model_table["Value"] == value)]
    assert len(match) == 1, (dimension, value)
    return match.iloc[0].to_dict()


# Counts by hand: a.com won (so it was sent, replied, interested); b.com sent and replied, then no fit;
# c.com sent; d.com once needed an asset. Priors: reply Beta(3, 17), win Beta(2, 38).
EXPECTED = {
    ("Link type", "Resource page"): (2, 2, 2, 1, 1, 1, 0, 5 / 22, 3 / 42, 1.43),
    ("Link type", "Digital PR"): (2, 1, 0, 0, 0, 0, 1, 3 / 21, 2 / 41, 0.98),
    ("Competitor", "billhive.com"): (3, 2, 2, 1, 1, 1, 1, 5 / 22, 3 / 42, 1.43),
    ("Competitor", "paypilot.co.uk"): (2, 2, 1, 1, 1, 0, 0, 4 / 22, 3 / 42, 1.43),
    ("Batch", "B1"): (2, 2, 2, 1, 1, 1, 0, 5 / 22, 3 / 42, 1.43),
    ("Target page", "https://ledgerly.io/tool"): (2, 1, 0, 0, 0, 0, 1, 3 / 21, 2 / 41, 0.98),
    ("All", "All prospects"): (4, 3, 2, 1, 1, 1, 1, 5 / 23, 3 / 43, None),
}


@pytest.mark.parametrize(("group", "expected"), list(EXPECTED.items()))
def test_model_numbers_match_the_hand_count(group: tuple[str, str], expected: tuple[object, ...]) -> None:
    table = learn(prospects(), history(), batches()).table
    got = row(table, *group)
    prospects_n, sent, replied, interested, won, no_fit, needs_asset, reply, win, multiplier = expected
    assert [got[c] for c in ("Prospects", "Sent", "Replied", "Interested", "Won", "No fit", "Needs asset")] == [
        prospects_n,
        sent,
        replied,
        interested,
        won,
        no_fit,
        needs_asset,
    ]
    assert got["Reply rate"] == pytest.approx(reply, abs=1e-4)
    assert got["Win rate"] == pytest.approx(win, abs=1e-4)
    if multiplier is None:
        assert got["Feasibility multiplier"] is None or pd.isna(got["Feasibility multiplier"])
    else:
        assert got["Feasibility multiplier"] == multiplier


def test_multipliers_are_keyed_by_dimension_and_value() -> None:
    multipliers = learn(prospects(), history(), batches()).multipliers
    assert multipliers[("Link type", "Resource page")] == 1.43
    assert multipliers[("Competitor", "billhive.com")] == 1.43
    assert multipliers[("Target page", "https://ledgerly.io/guide")] == 1.43
    assert multipliers[("Batch", "B2")] == 0.98


def test_ranges_are_the_90_percent_credible_interval() -> None:
    table = learn(prospects(), history(), batches()).table
    text = str(row(table, "Link type", "Resource page")["Reply range"])
    low, high = (float(p.rstrip("%")) / 100 for p in text.split("–"))
    # Beta(5, 17) by numerical integration of its density, independent of the continued fraction.
    x = np.linspace(0, 1, 200_001)
    density = x**4 * (1 - x) ** 16
    cdf = np.cumsum(density) / density.sum()
    assert low == pytest.approx(x[np.searchsorted(cdf, 0.05)], abs=0.006)
    assert high == pytest.approx(x[np.searchsorted(cdf, 0.95)], abs=0.006)


def test_beta_quantiles_invert_the_cdf() -> None:
    posterior = Beta(3.5, 41.0)
    for p in (0.05, 0.5, 0.95):
        assert posterior.cdf(posterior.quantile(p)) == pytest.approx(p, abs=1e-9)


def test_no_outcomes_means_no_shift() -> None:
    frame = prospects().assign(Outcome="")
    model = learn(frame, None)
    assert set(model.multipliers.values()) == {1.0}
    assert (prospect_multiplier(frame, model.multipliers) == 1.0).all()


def test_a_prospect_combines_its_groups_within_bounds() -> None:
    multipliers = {
        ("Link type", "Resource page"): 1.5,
        ("Link type", "Digital PR"): 0.6,
        ("Competitor", "x.com"): 1.2,
        ("Competitor", "y.com"): 0.9,
        ("Competitor", "z.com"): 2.0,
        ("Competitor", "w.com"): 0.5,
    }
    frame = pd.DataFrame(
        {
            "Domain": ["p.com", "q.com", "r.com", "s.com"],
            "Link type": ["Resource page", "Other", "Resource page", "Digital PR"],
            "Competitors linked": ["x.com, y.com", "", "z.com", "w.com"],
        }
    )
    got = list(prospect_multiplier(frame, multipliers))
    # p: link type x mean of its competitors; r: 3.0 capped at 2; s: 0.3 raised to 0.5
    assert got == [pytest.approx(1.5 * 1.05), 1.0, 2.0, 0.5]


def test_needs_asset_first_names_the_pages_to_build() -> None:
    flagged = needs_asset_first(prospects(), history(), batches())
    assert flagged.to_dict("records") == [
        {
            "Competitor page": "https://billhive.com/calculator",
            "Target page": "https://ledgerly.io/tool",
            "Prospects": 1,
            "Examples": "d.com",
        }
    ]


def scored_prospects() -> Grid:
    header = PROSPECTS.names
    rows: Grid = [list(header)]
    for name, competitor in [("x1", "rival.com"), ("x2", "rival.com"), ("x3", "rival.com"), ("x4", "rival.com")]:
        rows.append(_prospect(header, f"{name}.com", competitor))
    rows.append(_prospect(header, "p.com", "other.com"))
    return rows


def _prospect(header: list[str], domain: str, competitor: str) -> list[Cell]:
    values: dict[str, Cell] = {
        "Domain": domain,
        "Link type": "Resource page",
        "Competitors linked": competitor,
        "Relevance": 60,
        "Base feasibility": 50,
        "Feasibility": 50,
        "Value": 40,
        "Priority": 51.5,
    }
    return [values.get(c) for c in header]


def test_priority_follows_the_win_rate_of_its_link_type() -> None:
    batches: Grid = [[*BATCHES.names]]
    store = MemoryStore({PROSPECTS.name: scored_prospects(), BATCHES.name: batches})
    outcome = PROSPECTS.names.index("Outcome") + 1

    def p_scores() -> tuple[float, float]:
        frame = store.read_tab(PROSPECTS.name)
        assert frame is not None
        p = frame[frame["Domain"] == "p.com"].iloc[0]
        return float(p["Feasibility"]), float(p["Priority"])

    watch(JobContext(store=store))
    assert p_scores() == (50.0, 51.5)

    store.edit(PROSPECTS.name, 2, outcome, "Published / linked")
    store.edit(PROSPECTS.name, 3, outcome, "Published / linked")
    watch(JobContext(store=store))
    # Resource pages: 2 won of 2 sent -> win rate (2 + 2) / (40 + 2) = 0.0952, 1.90 x the prior 0.05,
    # on base feasibility 50; priority = 0.4 relevance + 0.35 feasibility + 0.25 value.
    feasibility, priority = p_scores()
    assert feasibility == 95.0
    assert priority == pytest.approx(60 * 0.4 + 95.0 * 0.35 + 40 * 0.25, abs=0.051)

    store.edit(PROSPECTS.name, 4, outcome, "Sent")
    store.edit(PROSPECTS.name, 5, outcome, "Sent")
    watch(JobContext(store=store))
    # 2 won of 4 sent -> (2 + 2) / (40 + 4) = 0.0909, 1.82 x the prior: the priority comes down again.
    feasibility, lower = p_scores()
    assert feasibility == 91.0
    assert lower == pytest.approx(60 * 0.4 + 91.0 * 0.35 + 40 * 0.25, abs=0.051)
    assert 51.5 < lower < priority

    model = store.read_tab("Model")
    assert model is not None
    assert row(model, "Link type", "Resource page")["Won"] == "2"


def test_analyze_reads_the_same_model_the_watch_writes() -> None:
    store = MemoryStore({PROSPECTS.name: scored_prospects()})
    outcome = PROSPECTS.names.index("Outcome") + 1
    watch(JobContext(store=store))
    store.edit(PROSPECTS.name, 2, outcome, "Published / linked")
    watch(JobContext(store=store))
    shown = store.read_tab("Model")
    assert shown is not None
    # 1 won of 1 sent: (2 + 1) / (40 + 1) = 1.46 x 0.05
    assert row(shown, "Link type", "Resource page")["Feasibility multiplier"] == "1.46"
    analyze(JobContext(store=store))  # learns the model again from the sheet, and writes what it learned
    relearned = store.read_tab("Model")
    assert relearned is not None
    rates = relearned[relearned["Dimension"] != "Page judge"]  # analyze adds the page judge's line
    pd.testing.assert_frame_equal(rates, shown)
    assert relearned["Dimension"].iloc[-1] == "Page judge"
    watch(JobContext(store=store))
    store.edit(PROSPECTS.name, 3, outcome, "Sent")
    watch(JobContext(store=store))  # rewrites the rates and keeps the judge's line
    again = store.read_tab("Model")
    assert again is not None and again["Dimension"].iloc[-1] == "Page judge"
