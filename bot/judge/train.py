"""Train the judge on the corpus's training split and write the model shipped in the package.

    python -m bot.judge.train

The penalty and both thresholds are chosen by cross-validation grouped by registered domain
*inside the training split*; the frozen test split is not read here at all.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.model_selection import GroupKFold

from .corpus import NOISE, corpus_features, labels_of, load_corpus
from .judge import MODEL_FILE, choose
from .model import LinearModel, fit, save

STRENGTHS = (2.0, 4.0, 8.0, 16.0)
TYPE_THRESHOLDS = (0.0, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
#: Noise is binned only where cross-validation shows it this precise.
NOISE_PRECISION = 0.95
FOLDS = 5
#: Columns whose largest weight is below this are left out of the shipped file: they change a
#: probability by 0.004 on average (0.13 at most) on the training split and would double its size.
SMALLEST_WEIGHT = 0.05


def macro_f1(expected: Sequence[str] | np.ndarray, predicted: Sequence[str] | np.ndarray) -> float:
    truth, said = np.asarray(expected, dtype=object), np.asarray(predicted, dtype=object)
    scores = []
    for label in sorted(set(truth)):
        tp = int(((said == label) & (truth == label)).sum())
        fp = int(((said == label) & (truth != label)).sum())
        fn = int(((said != label) & (truth == label)).sum())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return float(np.mean(scores))


def out_of_fold(
    features: sparse.csr_matrix, labels: np.ndarray, groups: np.ndarray, strength: float
) -> tuple[np.ndarray, tuple[str, ...]]:
    classes = tuple(sorted(set(labels)))
    probabilities = np.zeros((len(labels), len(classes)))
    for fit_rows, held_rows in GroupKFold(FOLDS).split(features, labels, groups):
        model = fit(features[fit_rows], labels[fit_rows], strength=strength)
        columns = [classes.index(c) for c in model.classes]
        probabilities[np.ix_(held_rows, columns)] = model.probabilities(features[held_rows])
    return probabilities, classes


def thresholds_for(
    probabilities: np.ndarray, classes: tuple[str, ...], labels: np.ndarray, mode: str
) -> tuple[dict[str, float], float]:
    """The lowest noise threshold with the wanted precision, then the type threshold with the best macro-F1."""
    noise = probabilities[:, classes.index(NOISE)]
    is_noise = labels == NOISE
    noise_at = 0.99
    for candidate in np.arange(0.3, 0.99, 0.01):
        said = noise >= candidate
        if said.sum() >= 5 and (said & is_noise).sum() / said.sum() >= NOISE_PRECISION:
            noise_at = float(round(candidate, 2))
            break
    best: tuple[float, float] = (-1.0, 0.0)
    for type_at in TYPE_THRESHOLDS:
        chosen = {f"{mode}/noise": noise_at, f"{mode}/type": type_at}
        predicted = list(choose(probabilities, classes, chosen, mode)[0])
        best = max(best, (macro_f1(labels, predicted), type_at))
    return {f"{mode}/noise": noise_at, f"{mode}/type": best[1]}, best[0]


def train(corpus: pd.DataFrame, log: bool = True) -> tuple[dict[str, LinearModel], dict[str, float]]:
    rows = corpus[corpus["split"] == "train"].reset_index(drop=True)
    labels, groups = labels_of(rows), rows["domain"].to_numpy()
    models: dict[str, LinearModel] = {}
    thresholds: dict[str, float] = {}
    for mode in ("url_title", "page"):
        features = corpus_features(rows, mode)
        results = []
        for strength in STRENGTHS:
            probabilities, classes = out_of_fold(features, labels, groups, strength)
            chosen, score = thresholds_for(probabilities, classes, labels, mode)
            results.append((score, strength, chosen))
            if log:
                print(f"  {mode:<10} C={strength:<5g} cross-validated macro-F1 {score:.3f} {chosen}", file=sys.stderr)
        score, strength, chosen = max(results, key=lambda r: r[0])
        thresholds |= chosen | {f"{mode}/strength": strength}
        models[mode] = fit(features, labels, strength=strength)
    noisy = rows[rows["label"] == NOISE]
    models["reason"] = fit(corpus_features(noisy, "page"), noisy["noise_reason"].to_numpy(dtype=object))
    return models, thresholds


def main() -> int:
    models, thresholds = train(load_corpus())
    save(MODEL_FILE, {name: model.pruned(SMALLEST_WEIGHT) for name, model in models.items()}, thresholds)
    print(f"wrote {MODEL_FILE} ({MODEL_FILE.stat().st_size / 1e6:.1f} MB): {thresholds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
