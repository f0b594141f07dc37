"""The labelled corpus the judge learns from, as shipped in the package.

Each row is a real public page: URL, title, the label a person gave it by reading it, and its
opening text only as the hashed token counts `features.text_tokens` computes (the corpus keeps
facts, not other people's sentences). `split` was fixed once by registered domain; `test` rows
are never used to fit or tune anything (see bench/build_corpus.py).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from .features import counts_matrix, pages_matrix, url_title_matrices

CORPUS = Path(__file__).resolve().parent / "data" / "corpus.csv.gz"
NOISE = "Noise"
#: The corpus labels: the link types a page can be (no `Broken link`, which depends on the
#: competitor page, not this one) and `Noise`.
LABELS: tuple[str, ...] = (
    "Resource page",
    "List / roundup",
    "Guest contribution",
    "Editorial mention",
    "Digital PR",
    "Partnership / association",
    "Directory",
    "Forum / UGC",
    NOISE,
    "Other",
)


def encode_counts(counts: dict[int, float]) -> str:
    return " ".join(f"{column}:{int(n)}" for column, n in sorted(counts.items()))


def decode_counts(text: str) -> dict[int, float]:
    return {int(c): float(n) for c, n in (pair.split(":") for pair in text.split())} if text else {}


@cache
def load_corpus(path: Path = CORPUS) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def corpus_features(corpus: pd.DataFrame, mode: str) -> sparse.csr_matrix:
    """The corpus rows as the judge sees a page: URL and title, plus the opening text unless
    `mode` is `url_title` (the corpus has no export fields, so `all` equals `page` here)."""
    blocks = url_title_matrices(corpus["url"].tolist(), corpus["title"].tolist())
    if mode != "url_title":
        blocks.append(counts_matrix(decode_counts(text) for text in corpus["text_features"]))
    return pages_matrix(blocks)


def labels_of(corpus: pd.DataFrame) -> np.ndarray:
    return corpus["label"].to_numpy(dtype=object)


@cache
def training_set(mode: str) -> tuple[sparse.csr_matrix, np.ndarray]:
    """The shipped corpus's training split as features of a mode, and its labels."""
    corpus = load_corpus()
    train = corpus[corpus["split"] == "train"]
    return corpus_features(train, mode), labels_of(train)
