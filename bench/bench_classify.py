"""Quality of the link-type classifier and the noise filter on hand-labelled real linking pages.

    PYTHONPATH=. python bench/bench_classify.py

The pages (tests/data/labelled/linking_pages.csv) come from the real exports in the shared
sample folder; their labels were set by a person reading each row (see the README there).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from bot.analysis.classify import classify_links
from bot.analysis.noise import judge_noise
from bot.analysis.rules import TeamRules
from bot.linktable import conform
from bot.urls import host_key, registrable_domain, split_host

LABELLED = Path(__file__).resolve().parent.parent / "tests" / "data" / "labelled" / "linking_pages.csv"


def load_labelled(path: Path = LABELLED) -> pd.DataFrame:
    """The labelled pages as link-table rows, plus `page_kind`, `noise` and `link_type` (expected) columns."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    hosts = raw["url"].map(lambda u: host_key(split_host(u)))
    links = conform(
        pd.DataFrame(
            {
                "source_url": raw["url"],
                "source_host": hosts,
                "source_domain": hosts.map(registrable_domain),
                "target_url": raw["target_url"],
                "target_domain": raw["target_url"].map(lambda u: registrable_domain(host_key(split_host(u)))),
                "title": raw["title"],
                "anchor": raw["anchor"],
                "context": raw["context"],
                "page_type": raw["page_type"],
                "page_category": raw["page_category"],
                "platform": raw["platform"],
                "author": raw["author"],
                "language": raw["language"],
                "is_spam": raw["is_spam"].map({"true": True, "false": False}),
                "nofollow": raw["nofollow"].map({"true": True, "false": False}),
                "ugc": raw["ugc"].map({"true": True, "false": False}),
                "sponsored": raw["sponsored"].map({"true": True, "false": False}),
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


def report(title: str, expected: pd.Series, predicted: pd.Series) -> float:
    """Print per-class precision/recall/F1 and return the macro-F1 over the expected classes."""
    print(f"\n{title} ({len(expected)} pages)")
    print(f"  {'class':<28}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}")
    f1s = []
    for label in sorted(set(expected)):
        tp = int(((predicted == label) & (expected == label)).sum())
        fp = int(((predicted == label) & (expected != label)).sum())
        fn = int(((predicted != label) & (expected == label)).sum())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        print(f"  {label:<28}{tp + fn:>8}{precision:>11.2f}{recall:>8.2f}{f1:>7.2f}")
    macro = sum(f1s) / len(f1s)
    print(f"  macro-F1 {macro:.3f}   accuracy {(expected == predicted).mean():.3f}")
    return macro


def main() -> int:
    links = load_labelled()
    verdict = judge_noise(links, market_languages=(), rules=TeamRules())
    is_noise, said_noise = links["noise"] != "", verdict.reason != ""
    tp = int((is_noise & said_noise).sum())
    precision = tp / max(1, int(said_noise.sum()))
    recall = tp / max(1, int(is_noise.sum()))
    print(f"Noise filter on {len(links)} pages: precision {precision:.3f}, recall {recall:.3f} (noise vs kept)")
    wrong = links[said_noise & ~is_noise]
    for (_, row), why in zip(wrong.iterrows(), verdict.evidence[wrong.index], strict=True):
        print(f"  binned but labelled a prospect: {row['source_url'][:70]}  [{why}]")
    report("Noise reasons", links["noise"].replace("", "(kept)"), verdict.reason.replace("", "(kept)"))

    kept = links[~is_noise]
    text_only = classify_links(kept, url_and_title_only=True)
    macro_text = report("Link type from URL + title alone (page kind)", kept["page_kind"], text_only.link_type)
    full = classify_links(kept)
    macro_full = report(
        "Link type from every signal (dead competitor page = Broken link)", kept["link_type"], full.link_type
    )
    print(
        f"\nSUMMARY noise_precision={precision:.3f} noise_recall={recall:.3f} "
        f"macro_f1_url_title={macro_text:.3f} macro_f1_all_signals={macro_full:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
