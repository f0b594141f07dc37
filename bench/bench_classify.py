"""Quality of the page judge: link type and noise on the corpus's frozen test split.

    PYTHONPATH=. python bench/bench_classify.py

The test split (one registered domain in four, chosen by a hash of the domain when the corpus was
built; see bench/build_corpus.py) is never used to fit or tune anything. Three modes:

- `url_title`: the linking page's URL and title, what every export has;
- `page`: plus the page as read (its opening text);
- `url_title + checks`: as a run judges a page it did not read: the URL-level noise checks
  (`bot.analysis.noise`) first, then the judge by URL and title;
- `page + checks`: as a run judges a page it read: the same checks first, then the judge by page;
- `all`: plus every export field. The corpus pages carry no export fields, and the export fields
  are certain rules in gapbot (a tool's page type, platform, UGC/sponsored flags), not features,
  so on the corpus this mode equals `page`. It is shown on the second set below, which has them.

Second, for comparison only: the whole classification (certain rules, then the judge by URL and
title) on tests/data/labelled/linking_pages.csv, the narrow set an earlier rule-based
classifier was written against (one spa's links and three insurance sites' broken links).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bot.analysis.classify import classify_links
from bot.analysis.noise import judge_noise
from bot.analysis.rules import TeamRules
from bot.judge.corpus import NOISE, corpus_features, load_corpus
from bot.judge.judge import PageToJudge, choose, shipped_judge
from bot.linktable import conform
from bot.urls import host_key, registrable_domain, split_host

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled" / "linking_pages.csv"


def report(title: str, expected: np.ndarray, predicted: np.ndarray) -> tuple[float, float, float]:
    """Per-class precision/recall/F1; returns macro-F1 and noise precision and recall."""
    print(f"\n{title} ({len(expected)} pages)")
    print(f"  {'class':<28}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}")
    f1s, noise = [], (0.0, 0.0)
    for label in sorted(set(expected)):
        tp = int(((predicted == label) & (expected == label)).sum())
        fp = int(((predicted == label) & (expected != label)).sum())
        fn = int(((predicted != label) & (expected == label)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        if label == NOISE:
            noise = (precision, recall)
        print(f"  {label:<28}{tp + fn:>8}{precision:>11.2f}{recall:>8.2f}{f1:>7.2f}")
    macro = float(np.mean(f1s))
    print(f"  macro-F1 {macro:.3f}   accuracy {(expected == predicted).mean():.3f}")
    return macro, *noise


def frozen_split() -> dict[str, tuple[float, float, float]]:
    judge = shipped_judge()
    corpus = load_corpus()
    test = corpus[corpus["split"] == "test"].reset_index(drop=True)
    expected = test["label"].to_numpy(dtype=object)
    print(
        f"Frozen test split: {len(test)} pages, {test['domain'].nunique()} registered domains, "
        f"{test['language'].nunique()} languages (train split: {int((corpus['split'] == 'train').sum())} pages)"
    )
    results = {}
    cheap = judge_noise(as_links(test), market_languages=(), rules=TeamRules()).reason.to_numpy(dtype=object)
    for mode, model_mode in (("url_title", "url_title"), ("page", "page"), ("all", "page")):
        model = judge.models[model_mode]
        probabilities = model.probabilities(corpus_features(test, model_mode))
        predicted = choose(probabilities, model.classes, judge.thresholds, model_mode)[0]
        results[mode] = report(f"Mode {mode}", expected, predicted)
        if mode != "all":
            checked = np.where(cheap != "", NOISE, predicted)
            results[f"{mode} + checks"] = report(f"Mode {mode} + checks", expected, checked)
    return results


def as_links(pages: pd.DataFrame) -> pd.DataFrame:
    """Corpus pages as link-table rows (URL and title; the corpus has no other export field)."""
    frame = {**linking_page(pages["url"]), "title": pages["title"], "target_url": "https://example.com/"}
    return conform(pd.DataFrame(frame | {"target_domain": "example.com"}))


def linking_page(urls: pd.Series) -> dict[str, pd.Series]:
    """The link-table columns of the linking page at each URL."""
    hosts = urls.map(lambda u: host_key(split_host(u)))
    return {"source_url": urls, "source_host": hosts, "source_domain": hosts.map(registrable_domain)}


def load_labelled(path: Path = LABELLED) -> pd.DataFrame:
    """The labelled pages as link-table rows, plus `page_kind`, `noise` and `link_type` (expected) columns."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    flags = {"true": True, "false": False}
    links = conform(
        pd.DataFrame(
            {
                **linking_page(raw["url"]),
                "target_url": raw["target_url"],
                "target_domain": raw["target_url"].map(lambda u: registrable_domain(host_key(split_host(u)))),
                **{c: raw[c] for c in ("title", "anchor", "context", "page_type", "page_category", "platform")},
                **{c: raw[c] for c in ("author", "language")},
                **{c: raw[c].map(flags) for c in ("is_spam", "nofollow", "ugc", "sponsored")},
                "external_links": pd.to_numeric(raw["external_links"], errors="coerce").astype("Int64"),
                "target_status": pd.to_numeric(raw["target_status"], errors="coerce").astype("Int64"),
                "tool": raw["file"].str.split("_").str[0].str.split("-").str[0].str.capitalize(),
            }
        )
    )
    dead = links["target_status"].fillna(0) >= 400
    links["page_kind"] = raw["page_kind"]
    links["noise"] = raw["noise"]
    links["link_type"] = raw["page_kind"].where(~dead, "Broken link")
    return links


def narrow_set() -> None:
    links = load_labelled()
    judge = shipped_judge()
    cheap = judge_noise(links, market_languages=(), rules=TeamRules())
    kinds = classify_links(links, None, judge)
    said_noise = (cheap.reason != "") | (kinds.link_type == NOISE)
    expected = links["link_type"].where(links["noise"] == "", NOISE).to_numpy(dtype=object)
    predicted = kinds.link_type.where(~said_noise, NOISE).to_numpy(dtype=object)
    report(
        "For comparison: every export field, on the narrow set (URL-level noise checks + judge)", expected, predicted
    )


def speed() -> None:
    judge = shipped_judge()
    corpus = load_corpus()
    pages = [PageToJudge(u, t) for u, t in zip(corpus["url"], corpus["title"], strict=True)] * 20
    started = time.perf_counter()
    judge.judge(pages)
    took = time.perf_counter() - started
    print(f"\nJudge speed (URL and title): {len(pages) / took:,.0f} pages/s ({len(pages):,} pages)")


def main() -> int:
    results = frozen_split()
    narrow_set()
    speed()
    summary = " ".join(
        f"{mode}: macro_f1={m:.3f} noise_precision={p:.3f} noise_recall={r:.3f};" for mode, (m, p, r) in results.items()
    )
    print(f"\nSUMMARY (frozen test split) {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
