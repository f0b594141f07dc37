"""One judge over every signal of a linking page: its link type, or the noise it is, with the
confidence and the evidence that decided (pure).

Certain signals stay rules (what the page's own markup declares: a forum, a Q&A page, a copy of
another site); the rest is the learned model of `model`. The model reads the page when it was
read and falls back to URL and title when it was not, and says so. Below its confidence
threshold the type is `Other` with "unclear": a guess is never dressed as a link type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
from scipy import sparse

from .corpus import NOISE, training_set
from .features import (
    column_of,
    pages_matrix,
    structure_tokens,
    text_tokens,
    tokens_matrix,
    url_title_matrices,
    word_blocks,
)
from .model import LinearModel, fit, load
from .page_read import PageRead

MODEL_FILE = Path(__file__).resolve().parent / "data" / "judge.npz"
#: How much one team correction counts against one corpus page when the model is refit.
CORRECTION_WEIGHT = 8.0
UNCLEAR = "Other"
#: Pages judged together: large enough for the sparse algebra to pay, small enough to bound memory.
BATCH = 5000
_SCHEMA_RULES: tuple[tuple[frozenset[str], str, str], ...] = (
    (frozenset({"DiscussionForumPosting", "QAPage", "Question"}), "Forum / UGC", "page declares a forum/Q&A post"),
    (frozenset({"ProfilePage"}), "Forum / UGC", "page declares a profile page"),
    (frozenset({"JobPosting"}), "Other", "page declares a job posting"),
)
_NAMESPACES = {"h": "host", "sub": "subdomain", "p": "URL", "t": "title", "t2": "title", "x": "text"}
_SHAPES = {
    "markup:comments": "comment markup",
    "markup:forum": "forum markup",
    "canonical:elsewhere": "canonical link to another site",
}


@dataclass(frozen=True)
class Verdict:
    link_type: str  # a link type, or "Noise"
    confidence: float
    evidence: str
    noise_reason: str = ""


@dataclass(frozen=True)
class PageToJudge:
    url: str
    title: str
    page: PageRead | None = None
    #: Why the page was not read ("" when it was, or when nobody tried).
    not_read: str = ""


@dataclass(frozen=True)
class PagesRead:
    """The linking pages read for a run, by URL as the export wrote it, and why others were not."""

    pages: Mapping[str, PageRead]
    not_read: Mapping[str, str]


NO_PAGES = PagesRead({}, {})


@dataclass(frozen=True)
class Judge:
    """The fitted models (`url_title` for pages not read, `page` for pages read, `reason` for the
    kind of noise) and the thresholds chosen on the training split."""

    models: Mapping[str, LinearModel]
    thresholds: Mapping[str, float]
    corrections: int = 0
    agreement: float | None = None  # share of the team's corrections the judge gave before learning them
    #: Judges refit from this one, by their corrections: one process refits once per set.
    _refits: dict[tuple[tuple[PageToJudge, str], ...], Judge] = field(default_factory=dict, compare=False, repr=False)

    def judge(self, pages: Sequence[PageToJudge]) -> list[Verdict]:
        verdicts: list[Verdict | None] = [_by_markup(p.page) if p.page is not None else None for p in pages]
        todo = [i for i, v in enumerate(verdicts) if v is None]
        for mode in ("url_title", "page"):
            chosen = [i for i in todo if (pages[i].page is not None) == (mode == "page")]
            for start in range(0, len(chosen), BATCH):  # batches bound the memory of the token lists
                batch = chosen[start : start + BATCH]
                blocks = [_blocks(pages[i], mode) for i in batch]
                features = _features([pages[i] for i in batch], blocks)
                probabilities = self.models[mode].probabilities(features)
                labels, rests_on = choose(probabilities, self.models[mode].classes, self.thresholds, mode)
                reasons = self._noise_reasons(features)
                confidences = probabilities[np.arange(len(batch)), rests_on]
                decided = zip(batch, labels, confidences, rests_on, blocks, reasons, strict=True)
                for i, label, confidence, at, b, reason in decided:
                    verdicts[i] = self._decide(mode, label, round(float(confidence), 2), int(at), b, pages[i], reason)
        return [v for v in verdicts if v is not None]

    def _decide(
        self,
        mode: str,
        label: str,
        confidence: float,
        at: int,
        blocks: list[list[str]],
        page: PageToJudge,
        noise_reason: str,
    ) -> Verdict:
        """A page's verdict, given the label `choose` gave it, the class it rests on and that class's probability."""
        model = self.models[mode]
        source = "page" if mode == "page" else "URL and title"
        if page.page is None and page.not_read:
            source += f" (page not read: {page.not_read})"
        tokens = [token for block in blocks for token in block]
        if label == NOISE:
            return Verdict(NOISE, confidence, f"{source}: {_why(model, NOISE, tokens)}", noise_reason)
        if label != model.classes[at]:
            return Verdict(label, confidence, f"unclear from {source} (closest: {model.classes[at]} {confidence:.0%})")
        return Verdict(label, confidence, f"{source}: {_why(model, label, tokens)}")

    def _noise_reasons(self, features: sparse.csr_matrix) -> list[str]:
        """The likeliest kind of noise of each page, were it noise."""
        reasons = self.models.get("reason")
        if reasons is None:
            return ["Spam / autogenerated"] * features.shape[0]
        return [reasons.classes[int(k)] for k in np.argmax(reasons.probabilities(features), axis=1)]

    def refit(self, corrections: Sequence[tuple[PageToJudge, str]]) -> Judge:
        """The judge refit on the corpus's training split plus the team's corrections, each
        weighted `CORRECTION_WEIGHT` times a corpus page, so similar pages follow them."""
        if not corrections:
            return self
        key = tuple(corrections)
        if key not in self._refits:
            self._refits[key] = self._refit(corrections)
        return self._refits[key]

    def _refit(self, corrections: Sequence[tuple[PageToJudge, str]]) -> Judge:
        before = self.judge([page for page, _ in corrections])
        agreement = float(np.mean([v.link_type == label for v, (_, label) in zip(before, corrections, strict=True)]))
        models = dict(self.models)
        for mode in ("url_title", "page"):
            base, train_labels = training_set(mode)
            pages = [page for page, _ in corrections]
            extra = _features(pages, [_blocks(page, mode) for page in pages])
            features = sparse.vstack([base, extra]).tocsr()
            labels = np.concatenate([train_labels, np.array([label for _, label in corrections], dtype=object)])
            weights = np.concatenate([np.ones(base.shape[0]), np.full(extra.shape[0], CORRECTION_WEIGHT)])
            strength = self.thresholds.get(f"{mode}/strength", 4.0)
            models[mode] = fit(features, labels, weights, strength=strength, start=self.models[mode])
        return Judge(models, self.thresholds, len(corrections), agreement)


def choose(
    probabilities: np.ndarray, classes: Sequence[str], thresholds: Mapping[str, float], mode: str
) -> tuple[np.ndarray, np.ndarray]:
    """Each page's label, from its row of class probabilities, and the class index it rests on:
    `Noise` only above the noise threshold (a binned prospect costs more than a kept spam page),
    otherwise the likeliest type, or `Other` ("unclear") when even that is below the type threshold."""
    noise_at = classes.index(NOISE) if NOISE in classes else -1
    typed = np.array(probabilities, dtype=float)  # a copy: one row per page
    if noise_at >= 0:
        typed[:, noise_at] = -np.inf  # the likeliest type is never noise
    best = typed.argmax(axis=1)
    rows = np.arange(len(best))
    labels = np.asarray(classes, dtype=object)[best]
    labels[typed[rows, best] < thresholds[f"{mode}/type"]] = UNCLEAR
    if noise_at < 0:
        return labels, best
    noisy = np.asarray(probabilities)[:, noise_at] >= thresholds[f"{mode}/noise"]
    labels[noisy] = NOISE
    return labels, np.where(noisy, noise_at, best)


def _by_markup(page: PageRead) -> Verdict | None:
    """What the page's own markup settles, before any model."""
    if page.canonical_elsewhere:
        return Verdict(
            NOISE, 0.9, f"page: canonical link points to {page.canonical_elsewhere} (a copy)", "Scraper / mirror"
        )
    declared = set(page.schema_types)
    for kinds, link_type, said in _SCHEMA_RULES:
        if declared & kinds:
            return Verdict(link_type, 0.9, f"page: {said} ({', '.join(sorted(declared & kinds))})")
    if page.forum_markup:
        return Verdict("Forum / UGC", 0.85, "page: forum software markup")
    return None


def _blocks(page: PageToJudge, mode: str) -> list[list[str]]:
    """The page's word blocks in a mode (the page's own block only when it was read)."""
    blocks = word_blocks(page.url, page.title)
    if mode == "page" and page.page is not None:
        blocks.append(text_tokens(page.page) + structure_tokens(page.page))
    return blocks


def _features(pages: Sequence[PageToJudge], blocks: Sequence[list[list[str]]]) -> sparse.csr_matrix:
    """Pages, with their word blocks (all pages with the same blocks), as the judge's feature rows."""
    matrices = url_title_matrices([p.url for p in pages], [p.title for p in pages], blocks)
    matrices += [tokens_matrix([page[b] for page in blocks]) for b in range(2, len(blocks[0]))]
    return pages_matrix(matrices)


def _why(model: LinearModel, label: str, tokens: list[str]) -> str:
    """The three tokens that pushed hardest toward `label`, as a person would name them."""
    distinct = list(dict.fromkeys(tokens))
    weights = model.weights_of(
        label, np.fromiter((column_of(t) for t in distinct), dtype=np.int64, count=len(distinct))
    )
    named = [(distinct[i], _named(distinct[i])) for i in np.argsort(-weights, kind="stable") if weights[i] > 0]
    top = [name for _, name in named if name][:3]
    return ", ".join(top) or "overall shape of the URL and text"


def _named(token: str) -> str:
    """A token as a person would name it; "" for shape tokens (depth, length bands) nobody reads."""
    space, _, value = token.partition(":")
    if space in ("s", "tw"):
        return f"{'title' if space == 'tw' else 'page'} reads like {value}"
    if space == "schema":
        return f"page declares {value}"
    if space in ("outdomains", "listlinks") and value != "0":
        return "links out to many sites" if space == "outdomains" else "many links in lists"
    name = _NAMESPACES.get(space)
    return f'{name} "{value.replace("_", " ")}"' if name else _SHAPES.get(token, "")


@cache
def shipped_judge() -> Judge:
    """The judge as trained by `python -m bot.judge.train` and shipped in the package."""
    models, thresholds = load(MODEL_FILE)
    return Judge(models, thresholds)
