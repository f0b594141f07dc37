"""The learned part of the judge: a regularised multinomial logistic model over hashed features.

Stored as plain arrays (no pickle): the classes, the hashed columns the training data used and
their weights, so the shipped file is small, loads with numpy alone and cannot run code.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from .features import N_FEATURES


@dataclass(frozen=True)
class LinearModel:
    classes: tuple[str, ...]
    columns: np.ndarray  # int64, the hashed columns with a weight
    weights: np.ndarray  # float32, classes × columns
    intercept: np.ndarray  # float32, classes

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(features[:, self.columns] @ self.weights.T) + self.intercept

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        scores = self.scores(features)
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def weights_of(self, label: str, columns: np.ndarray) -> np.ndarray:
        """The weights of hashed columns for one class (0 for columns the model never saw)."""
        at = np.minimum(np.searchsorted(self.columns, columns), max(len(self.columns) - 1, 0))
        known = (self.columns[at] == columns) if len(self.columns) else np.zeros(len(columns), dtype=bool)
        return np.where(known, self.weights[self.classes.index(label), at], 0.0)

    def pruned(self, smallest: float) -> LinearModel:
        """Without the columns whose largest weight is below `smallest` (they barely move a probability)."""
        keep = np.abs(self.weights).max(axis=0) >= smallest
        return LinearModel(self.classes, self.columns[keep], self.weights[:, keep], self.intercept)

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        # Half precision: the weights are small numbers whose fourth digit changes no decision.
        return {
            f"{prefix}classes": np.array(self.classes),
            f"{prefix}columns": self.columns.astype(np.int32),
            f"{prefix}weights": self.weights.astype(np.float16),
            f"{prefix}intercept": self.intercept,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray] | np.lib.npyio.NpzFile, prefix: str) -> LinearModel:
        return cls(
            tuple(str(c) for c in arrays[f"{prefix}classes"]),
            np.asarray(arrays[f"{prefix}columns"], dtype=np.int64),
            np.asarray(arrays[f"{prefix}weights"], dtype=np.float32),
            np.asarray(arrays[f"{prefix}intercept"], dtype=np.float32),
        )


def fit(
    features: sparse.csr_matrix,
    labels: np.ndarray,
    weights: np.ndarray | None = None,
    strength: float = 4.0,
    start: LinearModel | None = None,
) -> LinearModel:
    """A balanced multinomial logistic model; `strength` is the inverse of the L2 penalty (C).

    `start` is a model of nearly the same data to begin from (a refit with a few more examples):
    the solver then needs a handful of steps instead of hundreds."""
    # imported here: scikit-learn takes over a second to import, and only a refit needs it
    from sklearn.linear_model import LogisticRegression

    used = np.unique(features.indices).astype(np.int64)
    classes = tuple(str(c) for c in np.unique(labels))
    warm = start is not None and start.classes == classes
    model = LogisticRegression(
        C=strength, class_weight="balanced", max_iter=1000, tol=1e-3 if warm else 1e-4, warm_start=warm
    )
    if warm and start is not None:
        # scikit-learn starts from coef_/intercept_ when warm_start is set and they are present.
        model.coef_ = np.stack([start.weights_of(label, used) for label in classes])
        model.intercept_ = start.intercept.astype(np.float64)
    # Fitted on the columns the data uses only: the solver's cost grows with the width it is given.
    model.fit(features[:, used], labels, sample_weight=weights)
    return LinearModel(
        tuple(str(c) for c in model.classes_),
        used,
        model.coef_.astype(np.float32),
        model.intercept_.astype(np.float32),
    )


def save(path: Path, models: dict[str, LinearModel], thresholds: dict[str, float]) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name, model in models.items():
        arrays |= model.arrays(f"{name}/")
    arrays["thresholds/names"] = np.array(list(thresholds))
    arrays["thresholds/values"] = np.array(list(thresholds.values()), dtype=np.float64)
    arrays["n_features"] = np.array([N_FEATURES])
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy's stub types the first keyword


def load(path: Path) -> tuple[dict[str, LinearModel], dict[str, float]]:
    with np.load(path, allow_pickle=False) as arrays:
        if int(arrays["n_features"][0]) != N_FEATURES:
            raise ValueError(f"{path} was trained with another feature size; retrain with python -m bot.judge.train")
        names = {key.split("/", 1)[0] for key in arrays.files if key.endswith("/classes")}
        models = {name: LinearModel.from_arrays(arrays, f"{name}/") for name in names}
        thresholds = dict(
            zip((str(n) for n in arrays["thresholds/names"]), arrays["thresholds/values"].tolist(), strict=True)
        )
    return models, thresholds
