"""Model numbers on a history worked out by hand, and scores that follow what converts."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest

from bot.learning import conversion, learn, needs_asset_first
from bot.learning.refresh import learned_scores
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


def row(model_table: pd.DataFrame, dimension: str, value: str) -> dict[str, Any]:
    match = model_table[(model_table["Dimension"] == dimension) & (model_table["Value"] == value)]
    assert len(match) == 1, (dimension, value)
    return match.iloc[0].to_dict()


# Counts by hand: a.com won (so it was sent, replied, interested); b.com sent and replied, then no fit;
# c.com sent; d.com once answered that it needs an asset (an answer: so it was sent).
EXPECTED = {
    ("Link type", "Resource page"): (2, 2, 2, 1, 1, 1, 0),
    ("Link type", "Digital PR"): (2, 2, 0, 0, 0, 0, 1),
    ("Competitor", "billhive.com"): (3, 3, 2, 1, 1, 1, 1),
    ("Competitor", "paypilot.co.uk"): (2, 2, 1, 1, 1, 0, 0),
    ("Batch", "B1"): (2, 2, 2, 1, 1, 1, 0),
    ("Target page", "https://ledgerly.io/tool"): (2, 2, 0, 0, 0, 0, 1),
    ("All", "All prospects"): (4, 4, 2, 1, 1, 1, 1),
}
COUNTED = ("Prospects", "Sent", "Replied", "Interested", "Won", "No fit", "Needs asset")
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("group", "expected"), list(EXPECTED.items()))
def test_model_counts_match_the_hand_count(group: tuple[str, str], expected: tuple[int, ...]) -> None:
    table = learn(prospects(), history(), batches()).table
    got = row(table, *group)
    assert [got[c] for c in COUNTED] == list(expected)


def test_without_results_every_rate_is_the_default_and_nothing_moves() -> None:
    frame = prospects().assign(Outcome="")
    model = learn(frame, None)
    assert row(model.table, "All", "All prospects")["Win rate"] == pytest.approx(0.05, abs=1e-4)
    assert row(model.table, "All", "All prospects")["Reply rate"] == pytest.approx(0.15, abs=1e-4)
    assert set(model.table["Win chance ×"].dropna()) == {1.0}
    assert (model.score(frame)["Learned"] == 0).all()


def test_a_dimension_counts_as_learned_from_only_once_a_group_of_it_has_results() -> None:
    """`analyze` scores prospects again once batched only where batches move scores."""
    assert not any(learn(prospects().assign(Outcome=""), None).learned_from(d) for d in ("Batch", "Link type"))
    model = learn(prospects(), history(), batches(), today=TODAY)
    assert model.learned_from("Batch") and model.learned_from("Link type")


def sent_rows(groups: dict[str, tuple[int, int, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prospects and History for (link type -> sent, replied, won), each send answered or 30 days old."""
    rows, log = [], []
    for link_type, (sent, replied, won) in groups.items():
        for i in range(sent):
            key = f"{link_type[:3].lower()}{i}.com"
            outcome = "Published / linked" if i < won else "No fit" if i < replied else "Sent"
            rows.append({"Domain": key, "Link type": link_type, "Outcome": outcome, "Relevance": 50, "Value": 50})
            log.append({"When": "2026-10-01 09:00", "Key": key, "Column": "Outcome", "New value": "Sent"})
    frame = pd.DataFrame(rows).assign(**{"Base feasibility": 50, "Competitors linked": "rival.com"})
    return frame, pd.DataFrame(log)


def test_a_group_with_thirty_sends_moves_and_one_with_three_stays_near_the_team() -> None:
    frame, log = sent_rows({"Resource page": (30, 10, 6), "Digital PR": (30, 2, 0), "Broken link": (3, 1, 1)})
    table = learn(frame, log, today=TODAY).table
    assert row(table, "Link type", "Resource page")["Win chance ×"] > 1.4
    assert row(table, "Link type", "Digital PR")["Win chance ×"] < 0.7
    assert 0.8 < row(table, "Link type", "Broken link")["Win chance ×"] < 1.4
    team = row(table, "All", "All prospects")["Win rate"]
    assert 5 / 63 < team < 8 / 63  # pooled toward the team's own 7 of 63, not the default 5%


def test_answers_teach_the_win_chance_before_any_link() -> None:
    # Guest posts answered 8 of 20 sends, Digital PR 1 of 20; no answer has become a link or a no yet.
    frame, log = sent_rows({"Guest contribution": (20, 0, 0), "Digital PR": (20, 0, 0)})
    replied = frame["Domain"].isin([*(f"gue{i}.com" for i in range(8)), "dig0.com"])
    table = learn(frame.assign(Outcome=frame["Outcome"].mask(replied, "Replied")), log, today=TODAY).table
    guest, pr = row(table, "Link type", "Guest contribution"), row(table, "Link type", "Digital PR")
    # A type that answers more is expected to give more links once it answered, too: its win chance
    # moves further than its reply rate alone would take it.
    assert guest["Win chance ×"] > 1.1 * guest["Reply rate"] / row(table, "All", "All prospects")["Reply rate"]
    assert pr["Win chance ×"] < 0.9 * pr["Reply rate"] / row(table, "All", "All prospects")["Reply rate"]


def test_the_more_results_show_groups_differ_the_further_the_fit_trusts_them(monkeypatch: pytest.MonkeyPatch) -> None:
    # Resource pages answered 30 of 60 sends, Digital PR 2 of 60: far more apart than the middle
    # scale expects, so the wider scale explains the results better and the average leans on it.
    frame, log = sent_rows({"Resource page": (60, 30, 10), "Digital PR": (60, 2, 0)})

    def spread() -> float:
        table = learn(frame, log, today=TODAY).table
        return float(row(table, "Link type", "Resource page")["Win chance ×"]) / float(
            row(table, "Link type", "Digital PR")["Win chance ×"]
        )

    averaged = spread()
    monkeypatch.setattr(conversion, "SCALE_GRID", (1.0,))
    assert averaged > 1.2 * spread()


def test_a_rescore_drops_the_exploration_note_earlier_versions_wrote() -> None:
    frame, _ = sent_rows({"Resource page": (3, 0, 0)})
    frame = frame.assign(Why="2 competitors link here; link type little tried yet: +1.3", Outcome="")
    assert list(learned_scores(frame, learn(frame, None))["Why"]) == ["2 competitors link here"] * 3


def test_a_pending_sent_counts_as_a_failure_only_as_far_as_it_has_waited() -> None:
    frame, log = sent_rows({"Resource page": (10, 3, 2)})
    answered_only = learn(frame[frame["Outcome"] != "Sent"], log, today=TODAY).table
    sent_today = learn(frame, log.assign(When=f"{TODAY} 09:00"), today=TODAY).table
    waited_a_week = learn(frame, log.assign(When="2026-11-24 09:00"), today=TODAY).table  # 7 days
    timed_out = learn(frame, log, today=TODAY).table

    def rate(table: pd.DataFrame) -> float:
        return float(row(table, "All", "All prospects")["Win rate"])

    assert rate(sent_today) == rate(answered_only)  # a send of today is no failure at all
    assert rate(timed_out) < rate(waited_a_week) < rate(answered_only)
    assert row(sent_today, "All", "All prospects")["Sent"] == 10


def test_silences_of_a_week_weigh_against_the_answers_that_came_in_that_week() -> None:
    # Both groups were sent a week ago; the answers are in, the silences are not yet two weeks old.
    # Counting the answers without the silences would rank the group that was sent the most first.
    frame, log = sent_rows({"Resource page": (12, 3, 1), "Digital PR": (3, 1, 0)})
    week_old = learn(frame, log.assign(When="2026-11-24 09:00"), today=TODAY).table
    by_type = {v: float(row(week_old, "Link type", v)["Reply rate"]) for v in ("Resource page", "Digital PR")}
    assert by_type["Resource page"] < 0.4  # not 3 answers out of 3 "known"


def test_ranges_hold_the_rate_and_narrow_with_evidence() -> None:
    few, few_log = sent_rows({"Resource page": (5, 2, 1)})
    many, many_log = sent_rows({"Resource page": (50, 20, 10)})

    def width(table: pd.DataFrame) -> float:
        got = row(table, "Link type", "Resource page")
        low, high = (float(p.rstrip("%")) / 100 for p in str(got["Win range"]).split("–"))
        assert low <= float(got["Win rate"]) <= high
        return high - low

    assert width(learn(many, many_log, today=TODAY).table) < width(learn(few, few_log, today=TODAY).table) / 2


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


def scored_prospects(sent: int = 4) -> Grid:
    """`sent` prospects linked from rival.com (resource pages, the second half Digital PR), then
    p.com (a resource page), q.com (Digital PR) and r.com (a broken link) from other.com."""
    header = PROSPECTS.names
    rows: Grid = [list(header)]
    for i in range(sent):
        rows.append(_prospect(header, f"x{i}.com", "rival.com", "Digital PR" if i >= max(sent // 2, 4) else None))
    rows.append(_prospect(header, "p.com", "other.com"))
    rows.append(_prospect(header, "q.com", "other.com", "Digital PR"))
    rows.append(_prospect(header, "r.com", "other.com", "Broken link"))
    return rows


def _prospect(header: list[str], domain: str, competitor: str, link_type: str | None = None) -> list[Cell]:
    values: dict[str, Cell] = {
        "Domain": domain,
        "Link type": link_type or "Resource page",
        "Competitors linked": competitor,
        "Relevance": 60,
        "Base feasibility": 50,
        "Feasibility": 50,
        "Value": 40,
        "Priority": 51.5,
    }
    return [values.get(c) for c in header]


def test_priority_follows_the_win_rate_of_its_link_type() -> None:
    store = MemoryStore({PROSPECTS.name: scored_prospects(20), BATCHES.name: [[*BATCHES.names]]})
    outcome = PROSPECTS.names.index("Outcome") + 1

    def scores(key: str) -> dict[str, str]:
        frame = store.read_tab(PROSPECTS.name)
        assert frame is not None
        return dict(frame[frame["Domain"] == key].iloc[0])

    watch(JobContext(store=store))
    assert float(scores("p.com")["Priority"]) == 51.5
    for i in range(20):  # resource pages: 5 won of 10; Digital PR: none of 10
        store.edit(PROSPECTS.name, 2 + i, outcome, "Published / linked" if i < 5 else "No fit")
    watch(JobContext(store=store))
    p, q = scores("p.com"), scores("q.com")
    assert float(p["Priority"]) > float(q["Priority"]) + 3  # same built-in scores, a link type that converts
    assert "learned +" in p["Why"] and "points from your outcomes" in p["Why"]
    assert "learned −" in q["Why"]
    # Feasibility carries the learned points, so Priority is still the weighted mean of the three scores.
    assert float(p["Priority"]) == pytest.approx(60 * 0.4 + float(p["Feasibility"]) * 0.35 + 40 * 0.25, abs=0.1)

    store.edit(PROSPECTS.name, 2 + 21, outcome, "Sent")  # q.com: sent, no answer yet
    watch(JobContext(store=store))
    assert scores("q.com")["Priority"] == q["Priority"]  # a pending send is no failure
    model = store.read_tab("Model")
    assert model is not None
    assert row(model, "Link type", "Resource page")["Won"] == "5"
    assert row(model, "Link type", "Digital PR")["Sent"] == "11"


def test_analyze_reads_the_same_model_the_watch_writes() -> None:
    store = MemoryStore({PROSPECTS.name: scored_prospects()})
    outcome = PROSPECTS.names.index("Outcome") + 1
    watch(JobContext(store=store))
    store.edit(PROSPECTS.name, 2, outcome, "Published / linked")
    watch(JobContext(store=store))
    shown = store.read_tab("Model")
    assert shown is not None
    assert float(row(shown, "Link type", "Resource page")["Win chance ×"]) > 1
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


def test_groups_without_a_result_change_no_estimate_and_keep_their_prior() -> None:
    rng = np.random.default_rng(1)
    x = (rng.random((40, 8)) < 0.3).astype(float)
    replied, won = (rng.random(40) < 0.3).astype(float), (rng.random(12) < 0.4).astype(float)
    scales = [0.3] * 8

    def fitted(columns: np.ndarray, scale_of: list[float]) -> tuple[conversion.Fit, conversion.Fit]:
        return conversion.fit_stages(
            conversion.Stage(columns, replied, np.zeros(40), 0.1, np.ones(40)),
            conversion.Stage(columns[:12], won, np.zeros(12), 0.3, np.ones(12)),
            scale_of,
            0.25,
        )

    wider = np.hstack([x, np.zeros((40, 3))])  # three groups no resolved prospect is in
    for small, large in zip(fitted(x, scales), fitted(wider, [*scales, 0.2, 0.2, 0.2]), strict=True):
        assert large.intercept == pytest.approx(small.intercept, abs=1e-12)
        assert large.effects[:8] == pytest.approx(small.effects, abs=1e-12)
        assert list(large.effects[8:]) == [0.0, 0.0, 0.0]
        assert large.variance[:9] == pytest.approx(small.variance, abs=1e-12)
        assert large.with_intercept[:8] == pytest.approx(small.with_intercept, abs=1e-12)
        assert list(large.with_intercept[8:]) == [0.0, 0.0, 0.0]
        assert np.all(large.variance[9:] > 0.2**2 * min(conversion.SCALE_GRID) ** 2)
