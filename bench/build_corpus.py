"""Build the judge's labelled corpus from gathered pages.

    python bench/build_corpus.py RAW_DIR [RAW_DIR ...]

RAW_DIR holds JSON-lines files, one gathered page per line: `url`, `title`, `text` (the opening
text of the page), `label`, `noise_reason`, `industry`, `language`, `query`. The pages were found
with keyword queries over stored public web pages and labelled by a person reading URL, title
and text with the conventions in README.md (section "How gapbot judges a linking page").

Pages already in the shipped corpus are kept as they are (the corpus no longer holds their text,
only its features), and new pages are added after them: a URL already there is skipped, and the
three-per-domain limit counts the pages already kept.

The output keeps facts only: URL, title, label, industry, language, the query, and the text as
hashed token counts (`bot.judge.features.text_tokens`) plus the names of the wording signals it
shows. The split is made once, by registered domain: a domain goes to `test` when the first
eight hex digits of SHA-256 of its name, as a number, are 0 mod 4 (one in four domains). Pages of
one domain are never on both sides; at most three pages per registered domain are kept (the
first three in file order).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

from bot.judge.corpus import CORPUS, LABELS, NOISE, encode_counts, load_corpus
from bot.judge.features import hashed, text_tokens, wording
from bot.judge.page_read import from_text
from bot.urls import domain_of
from sheets_schema.vocabularies import NOISE_REASONS

PER_DOMAIN = 3
COLUMNS = [
    "url", "title", "label", "noise_reason", "industry", "language", "domain", "split", "query", "signals",
    "text_features",
]  # fmt: skip


def split_of(domain: str) -> str:
    return "test" if int(hashlib.sha256(domain.encode()).hexdigest()[:8], 16) % 4 == 0 else "train"


def gathered(folders: list[Path]) -> pd.DataFrame:
    records = []
    for folder in folders:
        for path in sorted(folder.glob("*.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    print(f"{path}:{number}: not JSON ({exc}); skipped", file=sys.stderr)
                    continue
                records.append(record | {"file": path.name})
    return pd.DataFrame(records).fillna("")


def build(raw: pd.DataFrame, kept: pd.DataFrame) -> pd.DataFrame:
    raw = raw.assign(label=raw["label"].str.strip(), noise_reason=raw["noise_reason"].str.strip())
    bad = ~raw["label"].isin(LABELS) | ((raw["label"] == NOISE) & ~raw["noise_reason"].isin(NOISE_REASONS))
    for _, row in raw[bad].iterrows():
        print(f"{row['file']}: {row['url']}: label {row['label']!r} / {row['noise_reason']!r} unknown; skipped")
    raw = raw[~bad].assign(noise_reason=lambda f: f["noise_reason"].where(f["label"] == NOISE, ""))
    raw = raw.assign(domain=raw["url"].map(domain_of))
    raw = raw[(raw["domain"] != "") & ~raw["url"].isin(set(kept["url"]))].drop_duplicates("url")
    already = raw["domain"].map(kept["domain"].value_counts()).fillna(0).astype(int)
    raw = raw[raw.groupby("domain").cumcount() + already < PER_DOMAIN]
    pages = [from_text(t, x, lang) for t, x, lang in zip(raw["title"], raw["text"], raw["language"], strict=True)]
    added = pd.DataFrame(
        {
            "url": raw["url"].to_numpy(),
            "title": raw["title"].str.slice(0, 200).to_numpy(),
            "label": raw["label"].to_numpy(),
            "noise_reason": raw["noise_reason"].to_numpy(),
            "industry": raw["industry"].to_numpy(),
            "language": [p.language for p in pages],
            "domain": raw["domain"].to_numpy(),
            "split": raw["domain"].map(split_of).to_numpy(),
            "query": raw["query"].to_numpy(),
            "signals": [" ".join(wording(p.text)) for p in pages],
            "text_features": [encode_counts(hashed(text_tokens(p))) for p in pages],
        }
    )
    return pd.concat([kept, added], ignore_index=True)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    kept = load_corpus() if CORPUS.exists() else pd.DataFrame(columns=COLUMNS)
    corpus = build(gathered([Path(a) for a in argv]), kept)
    CORPUS.parent.mkdir(parents=True, exist_ok=True)
    corpus.to_csv(CORPUS, index=False, compression={"method": "gzip", "mtime": 0})
    print(f"wrote {CORPUS}: {len(corpus)} pages, {corpus['domain'].nunique()} domains")
    print(corpus.groupby(["split", "label"]).size().unstack(0).fillna(0).astype(int).to_string())
    print("languages:", corpus["language"].value_counts().head(12).to_dict())
    print("industries:", corpus["industry"].nunique())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
