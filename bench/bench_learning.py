"""Does learning from outcomes win more links? A simulated team on a ~195-prospect market.

    PYTHONPATH=. python bench/bench_learning.py [--seeds 10] [--seed-offset 0] [--weeks 8] [--per-week 15] [--jobs 2]

Each prospect gets a hidden chance to answer and, once it answered, to give the link; both depend
on its attributes as gapbot lists them. Two scenarios:

- `contradicts`: link types gapbot ranks low (editorial mentions, digital PR, guest posts, forums,
  other) and one competitor's linkers truly convert several times better than the types gapbot
  ranks high (resource pages, roundups, partner pages);
- `agrees`: the hidden chance follows gapbot's built-in priority.

Every simulated week the team sends the top N uncontacted prospects by Priority (Outcome `Sent`,
`Contacted on` that day), having first typed last week's answers into the workbook (`Published /
linked`, or `No fit` for a refusal; no answer leaves `Sent`) and run `watch` and `analyze`. They run
in-process through the job table the command line calls (`jobs.table.JOBS`) with the clock set to
the simulated day, because the command line takes the real clock and unanswered sends only count
after two weeks of silence. The same team without learning sends by the built-in priority;
random order and an oracle that knows the hidden chances are the bounds. Two more show what
learning could reach: `told the form` learns from its own sends as gapbot does, but is told which
attributes the hidden chances depend on and how far their effects spread, and believes nothing of
the built-in ranking once answers are in; `groups known wk 3` sends the built-in ranking for the
two weeks before any answer is in, then knows every group's true effect exactly. Judged on
expected wins: the sum of the hidden win chances of what was sent.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import random
import statistics
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing import Pool
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from bench.learning_market import write_market
from bot.learning import conversion
from bot.learning.model import NO_ANSWER_DAYS, pending_weight
from bot.stores import WorkbookStore
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import PROSPECTS

START = datetime(2026, 12, 7, 9, tzinfo=UTC)
POLICIES = ("learning", "no learning", "random", "oracle", "told the form", "groups known wk 3")
#: Weeks the bound `groups known wk 3` sends by the built-in ranking before it knows every group's effect.
BLIND_WEEKS = 2
#: log-odds of a win, per link type, when the hidden truth contradicts the built-in ranking
CONTRADICTING_TYPES = {
    "Editorial mention": 0.8,
    "Digital PR": 0.8,
    "Guest contribution": 0.8,
    "Forum / UGC": 0.6,
    "Other": 0.6,
    "Resource page": -0.8,
    "List / roundup": -0.8,
    "Partnership / association": -0.6,
}
CONTRADICTING_COMPETITORS = {"freelancerbank.com": 0.8, "billhive.com": -0.4}
SPREAD = 0.8  # sd of the hidden log-odds when they follow the built-in priority
NOISE = 0.3  # what no attribute explains
REPLY_RATE, WIN_GIVEN_REPLY = 0.18, 0.33
#: The prior sd the bound `told the form` gives each attribute's effect on each stage: the true
#: effects (about 0.4 to 0.8 on a win, split evenly between answering and giving the link).
TOLD_SCALE = 0.4
#: ... and of an attribute's own effect on giving the link, as a share of it: none in the truth.
TOLD_OWN_SHARE = 0.05


@dataclass(frozen=True)
class Truth:
    reply: pd.Series  # by key
    win_given_reply: pd.Series
    by_groups: pd.Series  # the part of each prospect's hidden effect its attributes explain
    form: np.ndarray  # per prospect (row order of `reply`), what its effect is made of: one column per attribute

    @property
    def win(self) -> pd.Series:
        return self.reply * self.win_given_reply


def hidden_form(prospects: pd.DataFrame, scenario: str) -> tuple[np.ndarray, np.ndarray]:
    """What each prospect's hidden effect is made of (one column per attribute) and each column's
    true effect on the log-odds of a win."""
    if scenario == "contradicts":
        types = prospects["Link type"].to_numpy()
        listed = [[c.strip() for c in cell.split(",")] for cell in prospects["Competitors linked"]]
        form = np.column_stack(
            [types == t for t in CONTRADICTING_TYPES]
            + [[names.count(c) / len(names) for names in listed] for c in CONTRADICTING_COMPETITORS]
        ).astype(float)
        return form, np.array([*CONTRADICTING_TYPES.values(), *CONTRADICTING_COMPETITORS.values()])
    priority = pd.to_numeric(prospects["Priority"])
    return ((priority - priority.mean()) / priority.std()).to_numpy()[:, None], np.array([SPREAD])


def hidden_truth(prospects: pd.DataFrame, scenario: str, rng: np.random.Generator) -> Truth:
    """Each prospect's hidden chances; its effect is split between answering and giving the link."""
    form, true_effects = hidden_form(prospects, scenario)
    by_groups = form @ true_effects
    effect = by_groups + rng.normal(0, NOISE, len(prospects))
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    reply = 1 / (1 + np.exp(-(logit(REPLY_RATE) + effect / 2)))
    win = 1 / (1 + np.exp(-(logit(WIN_GIVEN_REPLY) + effect / 2)))
    keys = prospects["Domain"].to_numpy()
    return Truth(pd.Series(reply, index=keys), pd.Series(win, index=keys), pd.Series(by_groups, index=keys), form)


def run_job(store: WorkbookStore, job: str, day: datetime) -> None:
    with contextlib.redirect_stdout(io.StringIO()):  # analyze prints its digest
        JOBS[job](JobContext(store=store, clock=lambda: day))


def prospects_of(store: WorkbookStore) -> pd.DataFrame:
    frame = store.read_tab(PROSPECTS.name)
    assert frame is not None
    return frame


def team_types(path: Path, day: datetime, sent: list[str], answers: dict[str, str]) -> None:
    """Outcome and Contacted on typed into the workbook and saved, as Excel would."""
    book = load_workbook(path)
    sheet = book[PROSPECTS.name]
    header = [c.value for c in sheet[1]]
    key, outcome, contacted = (header.index(c) for c in ("Domain", "Outcome", "Contacted on"))
    for cells in sheet.iter_rows(min_row=2):
        domain = cells[key].value
        if domain in answers:
            cells[outcome].value = answers[domain]
        if domain in sent:
            cells[outcome].value = "Sent"
            cells[contacted].value = day.date().isoformat()
    book.save(path)


def learning_team(path: Path, truth: Truth, weeks: int, per_week: int, rng: np.random.Generator) -> list[list[str]]:
    """The keys the learning team sends each week.

    Each Monday the team types last week's answers (the worker's `watch` picks them up within
    minutes; `analyze` runs too), then sends the top prospects by Priority and marks them `Sent`.
    """
    store = WorkbookStore(path)
    sent_by_week: list[list[str]] = []
    answers: dict[str, str] = {}
    for week in range(weeks):
        day = START + timedelta(days=7 * week)
        if answers:
            team_types(path, day, [], answers)
            run_job(store, "watch", day)
            run_job(store, "analyze", day)
        frame = prospects_of(store)
        open_rows = frame[(frame["Outcome"] == "") & (frame["Status"] != "Gone")]
        order = open_rows.assign(_p=pd.to_numeric(open_rows["Priority"])).sort_values(
            ["_p", "Domain"], ascending=[False, True]
        )
        sent = list(order["Domain"].head(per_week))
        team_types(path, day, sent, {})
        run_job(store, "watch", day)
        answers = {}
        for key in sent:  # answered by next Monday, or never
            if rng.random() < truth.reply[key]:
                answers[key] = "Published / linked" if rng.random() < truth.win_given_reply[key] else "No fit"
        sent_by_week.append(sent)
    return sent_by_week


def ranked_team(order: list[str], weeks: int, per_week: int) -> list[list[str]]:
    return [order[w * per_week : (w + 1) * per_week] for w in range(weeks)]


def groups_known_later(truth: Truth, builtin: list[str], weeks: int, per_week: int) -> list[list[str]]:
    """A bound on what learning can reach: the built-in ranking for BLIND_WEEKS (no answer is in
    yet), then every group's true effect known exactly (the prospects' own noise still unknown)."""
    first = builtin[: BLIND_WEEKS * per_week]
    position = {key: i for i, key in enumerate(builtin)}
    rest = sorted(set(builtin) - set(first), key=lambda key: (-truth.by_groups[key], position[key]))
    return ranked_team(first + rest, weeks, per_week)


def told_the_form_team(
    truth: Truth, builtin: list[str], weeks: int, per_week: int, rng: np.random.Generator
) -> list[list[str]]:
    """A bound on learning from these sends: a learner told what the hidden chances are made of
    (which attributes, how far their effects spread) but not the effects, learning them from its
    own sends with gapbot's fit and no belief in the built-in ranking once answers come in.

    Answers arrive by the next Monday as the team's do; a silence counts as no answer in part
    while it waits, as gapbot counts it."""
    keys = list(truth.reply.index)
    form = truth.form
    scales = [TOLD_SCALE] * form.shape[1]
    sends: list[tuple[int, int, bool, bool]] = []  # row, week sent, answered, won
    sent_by_week: list[list[str]] = []
    order = [keys.index(key) for key in builtin]
    for week in range(weeks):
        if sends:
            rows = np.array([row for row, *_ in sends])
            answered = np.array([a for _, _, a, _ in sends])
            waited = np.array([7.0 * (week - w) for _, w, _, _ in sends])
            weight = np.where(answered, 1.0, pending_weight(waited, NO_ANSWER_DAYS))
            won = np.array([w for *_, w in sends], dtype=float)[answered]
            reply, win = conversion.fit_stages(
                conversion.Stage(form[rows], answered.astype(float), np.zeros(len(rows)), REPLY_RATE, weight),
                conversion.Stage(form[rows[answered]], won, np.zeros(len(won)), WIN_GIVEN_REPLY, np.ones(len(won))),
                scales,
                TOLD_OWN_SHARE,
            )
            log_win = -np.logaddexp(0, -(reply.intercept + form @ reply.effects)) - np.logaddexp(
                0, -(win.intercept + form @ win.effects)
            )
            rank = {row: i for i, row in enumerate(order)}
            order = sorted(order, key=lambda row: (-log_win[row], rank[row]))
        done = {row for row, *_ in sends}
        picked = [row for row in order if row not in done][:per_week]
        for row in picked:
            answered_now = bool(rng.random() < truth.reply.iloc[row])
            sends.append(
                (row, week, answered_now, answered_now and bool(rng.random() < truth.win_given_reply.iloc[row]))
            )
        sent_by_week.append([keys[row] for row in picked])
    return sent_by_week


def cumulative(truth: Truth, sent_by_week: list[list[str]]) -> list[float]:
    total, out = 0.0, []
    for sent in sent_by_week:
        total += float(truth.win[sent].sum())
        out.append(total)
    return out


def simulate(task: tuple[str, int, int, int]) -> dict[str, list[float]]:
    scenario, seed, weeks, per_week = task
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "team.xlsx"
        write_market(path, seed)
        store = WorkbookStore(path)
        for job in ("init", "analyze", "watch"):
            run_job(store, job, START - timedelta(days=1))
        fresh = prospects_of(store)
        fresh = fresh[fresh["Status"] != "Gone"]
        truth = hidden_truth(fresh, scenario, rng)
        builtin = list(
            fresh.assign(_p=pd.to_numeric(fresh["Priority"])).sort_values(["_p", "Domain"], ascending=[False, True])[
                "Domain"
            ]
        )
        shuffled = builtin.copy()
        random.Random(seed).shuffle(shuffled)
        oracle = list(truth.win.sort_values(ascending=False).index)
        learned = learning_team(path, truth, weeks, per_week, rng)
    return {
        "learning": cumulative(truth, learned),
        "no learning": cumulative(truth, ranked_team(builtin, weeks, per_week)),
        "random": cumulative(truth, ranked_team(shuffled, weeks, per_week)),
        "oracle": cumulative(truth, ranked_team(oracle, weeks, per_week)),
        "told the form": cumulative(
            truth, told_the_form_team(truth, builtin, weeks, per_week, np.random.default_rng([seed, 1]))
        ),
        "groups known wk 3": cumulative(truth, groups_known_later(truth, builtin, weeks, per_week)),
    }


def report(scenario: str, runs: list[dict[str, list[float]]], weeks: int, out: Callable[[str], None]) -> None:
    out(f"\nScenario: {scenario} ({len(runs)} seeds). Cumulative expected wins, mean ± sd over seeds:")
    out("week  " + "  ".join(f"{p:>16}" for p in POLICIES))
    for week in range(weeks):
        cells = []
        for policy in POLICIES:
            values = [r[policy][week] for r in runs]
            cells.append(f"{statistics.mean(values):>8.2f} ± {statistics.stdev(values):>5.2f}")
        out(f"{week + 1:>4}  " + "  ".join(cells))
    last = weeks - 1

    def share(policy: str) -> str:
        """Mean (sd) share of the oracle's gain over random that `policy` captured by the last week."""
        values = [
            (r[policy][last] - r["random"][last]) / (r["oracle"][last] - r["random"][last])
            for r in runs
            if r["oracle"][last] > r["random"][last]
        ]
        return f"{statistics.mean(values):.2f} (sd {statistics.stdev(values):.2f})"

    def versus(policy: str) -> str:
        values = [r[policy][last] / r["no learning"][last] - 1 for r in runs]
        return f"{statistics.mean(values):+.1%} (sd {statistics.stdev(values):.1%}, worst seed {min(values):+.1%})"

    out(
        f"week {weeks}: learning captures {share('learning')} of the oracle's gain over random; learning vs "
        f"no learning {versus('learning')}; a learner told the form of the hidden chances captures "
        f"{share('told the form')}, vs no learning {versus('told the form')}; knowing every group's true "
        f"effect from week {BLIND_WEEKS + 1} would capture {share('groups known wk 3')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--seed-offset", type=int, default=0, help="first seed (other markets, same settings)")
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--per-week", type=int, default=15)
    parser.add_argument("--jobs", type=int, default=2, help="processes")
    parser.add_argument("--scenario", choices=("contradicts", "agrees"), action="append")
    args = parser.parse_args()
    for scenario in args.scenario or ("contradicts", "agrees"):
        tasks = [
            (scenario, seed, args.weeks, args.per_week)
            for seed in range(args.seed_offset, args.seed_offset + args.seeds)
        ]
        with Pool(args.jobs) as pool:
            runs = pool.map(simulate, tasks)
        report(scenario, runs, args.weeks, print)


if __name__ == "__main__":
    main()
