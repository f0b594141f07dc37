"""One additive log-odds model of conversion, fitted by penalised Newton steps (numpy only).

Every resolved send is one row; its attributes (link type, competitors, target page, authority
band, batch) are columns, so a result is counted once however many groups it belongs to. The
intercept is the team's own rate, with a wide prior; each group's effect is a deviation from it
with a normal prior of its dimension's scale (a ridge penalty), so a group with three sends
stays near the team's rate and a group with thirty moves.

The scales are fixed rather than chosen by empirical Bayes: with the handful of results a team
has in its first weeks, the marginal likelihood cannot tell the intercept from the effects and
favours the widest scale after a single win, which is the overreaction this model is meant to end.

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
_Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Fit:
    intercept: float
    effects: np.ndarray  # one per column
    covariance: np.ndarray  # (1 + columns) square: intercept first


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fit(x: np.ndarray, y: np.ndarray, offset: np.ndarray, scale_of: Sequence[float], prior_rate: float) -> Fit:
    """MAP intercept and effects (`scale_of`: each column's prior sd) with their covariance.

    A column no row of `x` is in (a group with no result yet: most batches) is independent of the
    rest and stays at its prior, effect 0 and variance scale²: the Newton steps solve for the
    others only, so a market with thousands of groups costs what its results cost."""
    full_precision = np.array([INTERCEPT_SD**-2, *(s**-2 for s in scale_of)])
    used = np.flatnonzero(np.any(x != 0, axis=0)) if len(y) else np.zeros(0, dtype=np.int64)
    kept = np.concatenate([[0], used + 1])  # the intercept, then the columns with results
    z = np.hstack([np.ones((len(y), 1)), x[:, used]])
    precision = full_precision[kept]
    centre = np.zeros(z.shape[1])
    centre[0] = logit(prior_rate)
    theta = centre.copy()
    for _ in range(50):
        p = sigmoid(offset + z @ theta)
        gradient = z.T @ (y - p) - precision * (theta - centre)
        step = np.linalg.solve((z.T * (p * (1 - p))) @ z + np.diag(precision), gradient)
        theta = theta + step
        if np.abs(step).max() < 1e-8:
            break
    p = sigmoid(offset + z @ theta)
    hessian = (z.T * (p * (1 - p))) @ z + np.diag(precision)
    effects = np.zeros(len(full_precision) - 1)
    effects[used] = theta[1:]
    covariance = np.diag(1 / full_precision)
    covariance[np.ix_(kept, kept)] = np.linalg.inv(hessian)
    return Fit(float(theta[0]), effects, covariance)


def interval(mean: float, sd: float) -> tuple[float, float]:
    """90% range of a value whose log is normal(mean, sd²), capped at 1 (a rate)."""
    return min(1.0, math.exp(mean - _Z90 * sd)), min(1.0, math.exp(mean + _Z90 * sd))
