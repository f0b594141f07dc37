"""The one canonical table of links every export is turned into.

Ingest produces it, the analysis consumes it. Each row is one link (or, for domain-level
exports such as "Referring domains", one referring domain with `level == "domain"` and no
source page). Missing values are NA / "" rather than guessed.
"""

from __future__ import annotations

import pandas as pd

# name -> pandas dtype. Strings use the pandas "string" dtype so NA is explicit, stored in Arrow:
# exports come out of pyarrow, and Python-object storage would cost a second per million cells.
STRING = "string[pyarrow]"
LINK_COLUMNS: dict[str, str] = {
    "source_url": STRING,  # linking page as the tool wrote it (display)
    "source_key": STRING,  # bot.urls.url_key(source_url); "" for domain-level rows
    "source_host": STRING,  # host key of the linking page (punycode, no www)
    "source_domain": STRING,  # registrable domain key (punycode)
    "target_url": STRING,  # page linked to (a competitor's or ours)
    "target_key": STRING,
    "target_domain": STRING,  # registrable domain key of the target
    "anchor": STRING,
    "context": STRING,  # text around the link (left + right context, Semrush Text…)
    "title": STRING,  # linking page title
    "nofollow": "boolean",
    "ugc": "boolean",
    "sponsored": "boolean",
    "authority_metric": STRING,  # e.g. "Ahrefs DR", "Semrush AS", "Moz DA"
    "authority_raw": "Float64",
    "authority": "Float64",  # 0-100, comparable across tools
    "language": STRING,
    "page_type": STRING,
    "page_category": STRING,
    "platform": STRING,
    "author": STRING,
    "is_spam": "boolean",
    "spam_score": "Float64",
    "sitewide": "boolean",
    "external_links": "Int64",
    "traffic": "Float64",
    "target_status": "Int64",  # HTTP status of the target as the tool saw it (broken backlinks)
    "lost": "boolean",
    "first_seen": STRING,  # ISO date
    "last_seen": STRING,
    "level": STRING,  # "page" or "domain"
    "export": STRING,  # tab or file it came from
    "tool": STRING,
    "report": STRING,
    "export_site": STRING,  # registrable domain the export describes
    "image": "boolean",  # the link is an image (the anchor is its alt text, if any)
    "links_count": "Int64",  # domain-level rows: links from this domain to the target, as the tool counted
    "sources": STRING,  # every export this link was seen in, "; "-separated (see bot.ingest.merge)
}


def empty_link_table() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in LINK_COLUMNS.items()})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Add any missing canonical columns (as NA) and order/convert them canonically."""
    out = {}
    for name, dtype in LINK_COLUMNS.items():
        if name in frame.columns:
            column = frame[name]
            out[name] = column if column.dtype == dtype else column.astype(dtype)
        else:
            out[name] = pd.Series(pd.NA, index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index, copy=False)
