"""The yardstick for the end-to-end benchmark: a gap found the plain way, as a person would script it.

    python bench/plain_gap.py --ours ours-invoicing.com /tmp/gapbot-bench-end-to-end/exports

Read each export in the folder with pandas (UTF-16 tab-separated when it starts with that byte
order mark, else comma-separated UTF-8), take its linking-page or referring-domain column, reduce
it to registrable domains with tldextract's bundled Public Suffix List, and print the domains that
link to a competitor and not to us. The site an export describes is the one its file name starts
with, as the benchmark names them. No noise removal, no scoring, no writing: only the gap.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import pandas as pd
import tldextract

# the source column of each format the benchmark writes, in the order tried
SOURCE_COLUMNS = ("Referring page URL", "Source url", "Source URL", "Linking page", "URL", "Root Domain", "Domain")

extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no download


def read_sources(path: Path) -> pd.Series:
    data = path.read_bytes()
    utf16 = data[:2] == b"\xff\xfe"
    frame = pd.read_csv(
        io.BytesIO(data), encoding="utf-16" if utf16 else "utf-8-sig", sep="\t" if utf16 else ",", dtype=str
    )
    column = next(c for c in SOURCE_COLUMNS if c in frame.columns)
    return frame[column].dropna()


def registrable_domains(values: pd.Series) -> set[str]:
    return {extract(value).top_domain_under_public_suffix for value in values.unique()} - {""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("exports", type=Path)
    parser.add_argument("--ours", required=True, help="our site; every other export is a competitor's")
    args = parser.parse_args()
    start = time.perf_counter()
    ours: set[str] = set()
    theirs: set[str] = set()
    for path in sorted(args.exports.glob("*.csv")):
        domains = registrable_domains(read_sources(path))
        (ours if path.name.startswith(args.ours) else theirs).update(domains)
    gap = theirs - ours
    print(f"{len(gap)} gap domains in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
