"""Recognise an export by its header names and map it onto the canonical link table."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from bot.errors import InputError
from bot.linktable import conform, empty_link_table
from bot.urls import domain_of, host_key, registrable_domain, split_host, url_key
from sheets_schema import header_key

from .decode import decode_text, parse_rows

# canonical field -> header aliases, most specific first
ALIASES: dict[str, tuple[str, ...]] = {
    "source_url": ("referring page url", "source url", "linking page", "referring url", "url", "source"),
    "target_url": ("target url", "link url", "target", "destination url"),
    "title": ("referring page title", "source title", "title", "page title"),
    "anchor": ("anchor", "link anchor", "anchor text"),
}


@dataclass
class ImportReport:
    export: str
    tool: str = ""
    report: str = ""
    site: str = ""
    rows_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    problem: str = ""

    @property
    def rows_skipped(self) -> int:
        return sum(self.skipped.values())


def _find(headers: list[str], field_name: str) -> str | None:
    by_key = {header_key(h): h for h in reversed(headers)}
    for alias in ALIASES[field_name]:
        if alias in by_key:
            return by_key[alias]
    return None


def read_export_frame(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, ImportReport]:
    """Map one export (header row = columns, all strings) onto the link table.

    An export that cannot be read gives an empty table and a report whose `problem` says why.
    """
    report = ImportReport(export=name, tool="CSV", report="Backlinks")
    headers = [str(c) for c in frame.columns]
    source_col, target_col = _find(headers, "source_url"), _find(headers, "target_url")
    if source_col is None:
        report.problem = (
            f"no linking-page column among the headers {headers[:12]}; expected one of "
            f"{', '.join(repr(a) for a in ALIASES['source_url'][:4])} — export the backlinks report with its header row"
        )
        return empty_link_table(), report

    links = pd.DataFrame(
        {
            "source_url": frame[source_col].astype(str).str.strip(),
            "target_url": frame[target_col].astype(str).str.strip() if target_col else "",
        }
    )
    for optional in ("title", "anchor"):
        col = _find(headers, optional)
        links[optional] = frame[col].astype(str) if col else ""

    links["source_key"] = links["source_url"].map(url_key)
    links["source_host"] = links["source_url"].map(lambda u: host_key(split_host(u)))
    links["source_domain"] = links["source_host"].map(registrable_domain)
    links["target_key"] = links["target_url"].map(url_key)
    links["target_domain"] = links["target_url"].map(domain_of)

    bad = links["source_domain"] == ""
    report.skipped.update({"linking page is not a web URL with a domain": int(bad.sum())})
    links = links[~bad]

    known_targets = links.loc[links["target_domain"] != "", "target_domain"]
    site = known_targets.mode().iloc[0] if not known_targets.empty else _site_from_name(name)
    links["target_domain"] = links["target_domain"].where(links["target_domain"] != "", site)
    links["export_site"] = site
    links["export"], links["tool"], links["report"], links["level"] = name, report.tool, report.report, "page"
    report.site = site
    report.rows_read = len(links)
    report.skipped = +report.skipped
    return conform(links.reset_index(drop=True)), report


def _site_from_name(name: str) -> str:
    """The site an export describes when its rows do not say: the first domain in its name."""
    for token in name.replace(":", " ").replace("_", " ").split():
        domain = domain_of(token)
        if domain and "." in token:
            return domain
    return ""


def read_export_bytes(name: str, data: bytes) -> tuple[pd.DataFrame, ImportReport]:
    """Read an export file's bytes (any encoding, tab/comma/semicolon separated)."""
    where = f"file {name}"
    try:
        rows = parse_rows(decode_text(data, where), where)
    except InputError as exc:
        return empty_link_table(), ImportReport(export=name, problem=exc.message)
    if not rows:
        return empty_link_table(), ImportReport(export=name, problem=f"{where}: the file is empty")
    header, body = rows[0], rows[1:]
    width = len(header)
    body = [r[:width] + [""] * (width - len(r)) for r in body]
    return read_export_frame(name, pd.DataFrame(body, columns=header, dtype=object))
