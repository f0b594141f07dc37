"""The one canonical table of links every export is turned into.

Ingest produces it, the analysis consumes it. Each row is one link (or, for domain-level
exports such as "Referring domains", one referring domain with `level == "domain"` and no
source page). Missing values are NA / "" rather than guessed.
"""

from __future__ import annotations

import pandas as pd

# name -> pandas dtype. Strings use the pandas "string" dtype so NA is explicit.
LINK_COLUMNS: dict[str, str] = {
    "source_url": "string",  # linking page as the tool wrote it (display)
    "source_key": "string",  # bot.urls.url_key(source_url); "" for domain-level rows
    "source_host": "string",  # host key of the linking page (punycode, no www)
    "source_domain": "string",  # registrable domain key (punycode)
    "target_url": "string",  # page linked to (a competitor's or ours)
    "target_key": "string",
    "target_domain": "string",  # registrable domain key of the target
    "anchor": "string",
    "context": "string",  # text around the link (left + right context, Semrush Text…)
    "title": "string",  # linking page title
    "nofollow": "boolean",
    "ugc": "boolean",
    "sponsored": "boolean",
    "authority_metric": "string",  # e.g. "Ahrefs DR", "Semrush AS", "Moz DA"
    "authority_raw": "Float64",
    "authority": "Float64",  # 0-100, comparable across tools
    "language": "string",
    "page_type": "string",
    "page_category": "string",
    "platform": "string",
    "author": "string",
    "is_spam": "boolean",
    "spam_score": "Float64",
    "sitewide": "boolean",
    "external_links": "Int64",
    "traffic": "Float64",
    "target_status": "Int64",  # HTTP status of the target as the tool saw it (broken backlinks)
    "lost": "boolean",
    "first_seen": "string",  # ISO date
    "last_seen": "string",
    "level": "string",  # "page" or "domain"
    "export": "string",  # tab or file it came from
    "tool": "string",
    "report": "string",
    "export_site": "string",  # registrable domain the export describes
    "image": "boolean",  # the link is an image (the anchor is its alt text, if any)
    "links_count": "Int64",  # domain-level rows: links from this domain to the target, as the tool counted
    "sources": "string",  # every export this link was seen in, "; "-separated (see bot.ingest.merge)
}


def empty_link_table() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in LINK_COLUMNS.items()})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Add any missing canonical columns (as NA) and order/convert them canonically."""
    out = {}
    for name, dtype in LINK_COLUMNS.items():
        if name in frame.columns:
            out[name] = frame[name].astype(dtype)
        else:
            out[name] = pd.Series(pd.NA, index=frame.index, dtype=dtype)
    return pd.DataFrame(out, index=frame.index)
