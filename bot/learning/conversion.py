"""One additive log-odds model of conversion, fitted by penalised Newton steps (numpy only).

Every resolved send is one row; its attributes (link type, competitors, target page, authority
band, batch) are columns, so a result is counted once however many groups it belongs to. The
intercept is the team's own rate, with a wide prior; each group's effect is a deviation from it
with a normal prior of its dimension's scale (a ridge penalty), so a group with three sends
stays near the team's rate and a group with thirty moves.

Answering and giving the link are two stages fitted together: a group's effect on the link, once
a prospect answered, is its effect on answering plus a small deviation of its own. Answers come
several times more often than links, so what they say about a group reaches its win chance
instead of waiting for the few links a month brings.

How far groups differ is weighed, not fixed: the fit is repeated with the scales shrunk and
widened (SCALE_GRID) and the fits are averaged by how well each explains the results (Laplace
approximation of the evidence, equal prior weight). Few results cannot tell the widths apart, so
the average stays near the middle one; once the results show groups that differ, or that the
built-in ranking already explains them, the average leans that way. A single win cannot favour
the wide scale much, because the intercept explains it as well.

`offset` carries what gapbot believed before any result (the built-in priority, on the log-odds
scale), so learning only moves a prospect by what its results say beyond that belief.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Prior sd of the team's own rate (log-odds): it may be several times the default one.
INTERCEPT_SD = 2.0
#: Multipliers of every group scale over which fits are averaged (chosen with bench/bench_learning.py).
SCALE_GRID = (0.25, 1.0, 1.75)
_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Fit:
    """Estimates and the parts of their covariance a group's rate needs: with thousands of groups
    (one per batch) the full matrix would take gigabytes and only these parts are ever read."""

    intercept: float
    effects: np.ndarray  # one per column
    variance: np.ndarray  # 1 + columns: the intercept's, then each effect's
    with_intercept: np.ndarray  # per column: covariance of its effect with the intercept

    def log_odds(self, j: int | None) -> tuple[float, float]:
        """Log-odds of an average prospect of column `j` (the team's rate when None) and its variance."""
        if j is None:
            return self.intercept, float(self.variance[0])
        spread = self.variance[0] + self.variance[j + 1] + 2 * self.with_intercept[j]
        return self.intercept + float(self.effects[j]), float(spread)


@dataclass(frozen=True)
class Stage:
    """The rows of one stage: their groups (`x`), what happened (`y`), the prior belief (`offset`),
    and how much each row counts (`weight`): a row still waiting for its answer counts as a
    failure only in part, by how long it has waited (see `model.pending_weight`)."""

    x: np.ndarray
    y: np.ndarray
    offset: np.ndarray
    prior_rate: float
    weight: np.ndarray


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fit_stages(reply: Stage, win: Stage, scale_of: Sequence[float], own_share: float) -> tuple[Fit, Fit]:
    """Reply and win-given-reply fitted together: effects shared by both stages (prior sd
    `scale_of`, per column) plus a win-only deviation whose prior sd is `own_share` of that.

    A column no resolved row is in (a group with no result yet: most batches) is independent of
    the rest and stays at its prior, so the Newton steps solve for the others only and a market
    with thousands of groups costs what its results cost (its terms cancel in the evidence too)."""
    k = reply.x.shape[1]
    used = np.flatnonzero(np.any(reply.x != 0, axis=0) | np.any(win.x != 0, axis=0))
    u = len(used)
    rx, wx = reply.x[:, used], win.x[:, used]
    # Coefficients: reply intercept, win intercept, shared effects, win-only deviations.
    z = np.vstack(
        [
            np.hstack([np.ones((len(reply.y), 1)), np.zeros((len(reply.y), 1)), rx, np.zeros_like(rx)]),
            np.hstack([np.zeros((len(win.y), 1)), np.ones((len(win.y), 1)), wx, wx]),
        ]
    )
    y, offset = np.concatenate([reply.y, win.y]), np.concatenate([reply.offset, win.offset])
    row_weight = np.concatenate([reply.weight, win.weight])
    centre = np.zeros(z.shape[1])
    centre[:2] = logit(reply.prior_rate), logit(win.prior_rate)
    scales = np.asarray(scale_of, dtype=float)
    fits = [
        _map(
            z,
            y,
            row_weight,
            offset,
            centre,
            np.concatenate([[INTERCEPT_SD] * 2, m * scales[used], m * own_share * scales[used]]),
        )
        for m in SCALE_GRID
    ]
    evidence = np.array([f[2] for f in fits])
    weight = np.exp(evidence - evidence.max())
    weight /= weight.sum()
    theta = sum((w * f[0] for w, f in zip(weight, fits, strict=True)), np.zeros(z.shape[1]))
    # The mixture's covariance: each fit's own plus how far its estimate is from the average.
    covariance = sum(
        (w * (f[1] + np.outer(f[0] - theta, f[0] - theta)) for w, f in zip(weight, fits, strict=True)),
        np.zeros((z.shape[1], z.shape[1])),
    )
    to_reply = np.zeros((1 + u, z.shape[1]))
    to_reply[0, 0] = 1
    to_reply[1:, 2 : 2 + u] = np.eye(u)
    to_win = to_reply.copy()
    to_win[0] = 0
    to_win[0, 1] = 1
    to_win[1:, 2 + u :] = np.eye(u)
    # An unused column's prior variance, averaged over the scales as the fits are.
    prior_variance = float(weight @ np.square(SCALE_GRID)) * np.square(scales)
    kept = np.concatenate([[0], used + 1])

    def stage(m: np.ndarray, variance: np.ndarray) -> Fit:
        estimate, reduced = m @ theta, m @ covariance @ m.T
        effects, with_intercept = np.zeros(k), np.zeros(k)
        effects[used], with_intercept[used] = estimate[1:], reduced[0, 1:]
        variances = np.concatenate([[0.0], variance])
        variances[kept] = reduced.diagonal()
        return Fit(float(estimate[0]), effects, variances, with_intercept)

    return stage(to_reply, prior_variance), stage(to_win, prior_variance * (1 + own_share**2))


def _map(
    z: np.ndarray, y: np.ndarray, w: np.ndarray, offset: np.ndarray, centre: np.ndarray, sd: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """MAP coefficients of a logistic model with independent normal priors and rows weighted by
    `w`, their covariance, and the log evidence (Laplace approximation; constants common to
    every `sd` dropped)."""
    precision = sd**-2.0
    theta = centre.copy()
    for _ in range(50):
        p = sigmoid(offset + z @ theta)
        gradient = z.T @ (w * (y - p)) - precision * (theta - centre)
        step = np.linalg.solve((z.T * (w * p * (1 - p))) @ z + np.diag(precision), gradient)
        theta = theta + step
        if np.abs(step).max() < 1e-8:
            break
    p = np.clip(sigmoid(offset + z @ theta), 1e-12, 1 - 1e-12)
    hessian = (z.T * (w * p * (1 - p))) @ z + np.diag(precision)
    log_likelihood = float((w * y) @ np.log(p) + (w * (1 - y)) @ np.log(1 - p))
    log_prior = -0.5 * float(precision @ (theta - centre) ** 2) - float(np.log(sd).sum())
    evidence = log_likelihood + log_prior - 0.5 * float(np.linalg.slogdet(hessian)[1])
    return theta, np.linalg.inv(hessian), evidence


def interval(mean: float, sd: float) -> tuple[float, float]:
    """90% range of a value whose log is normal(mean, sd²), capped at 1 (a rate)."""
    return min(1.0, math.exp(mean - _Z90 * sd)), min(1.0, math.exp(mean + _Z90 * sd))
