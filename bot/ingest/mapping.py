"""A recognised export's text columns -> the canonical link table, vectorised.

URLs and hosts are normalised once per distinct value (see `bot.urls.url_keys`); flags, numbers
and dates once per distinct text. Rows that cannot be a link are dropped and counted by reason.
Large exports are mapped in row chunks on every core; what depends on the whole export (its site,
its report kind, how its dates are written) is decided over all rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bot.columns import bools, cores, join, longest, map_each, replace_where
from bot.domains import domains_where_known, registrable_domains
from bot.linktable import LINK_COLUMNS
from bot.urls import domain_in_text, host_keys_of, ip_literals, url_keys
from sheets_schema import header_key

from .decode import TEXT, RawTable
from .formats import DOMAIN, ExportFormat
from .frame import ARROW_TYPES, constant_column, link_frame
from .values import NO_VALUE, dates, flags, numbers, rel_flags, slashed_day_first

MAX_CELL_CHARS = 50_000  # a Google Sheets cell holds no more
MAX_URL_CHARS = 4_096

TEXT_FIELDS = ("title", "anchor", "language", "platform", "author", "page_type", "page_category")
FLAG_FIELDS = ("nofollow", "ugc", "sponsored", "is_spam", "sitewide", "image", "lost")
FLOAT_FIELDS = ("spam_score", "traffic")
INT_FIELDS = ("external_links", "target_status", "links_count")
DATE_FIELDS = ("first_seen", "last_seen")
# values in a Link Intersect / Backlink Gap target column that mean "no link to this target"
NO_LINK = ("", "0", "-", "—", "false", "no")

PAGE_REASONS = (
    "no linking page URL",
    f"a cell longer than {MAX_CELL_CHARS:,} characters",
    f"linking page URL longer than {MAX_URL_CHARS:,} characters",
    "linking page is an IP address, not a host name",
    "linking page is not a web URL",
    "linking page has no registrable domain",
)
DOMAIN_REASONS = (
    "no referring domain",
    f"a cell longer than {MAX_CELL_CHARS:,} characters",
    f"referring domain longer than {MAX_URL_CHARS:,} characters",
    "referring domain is an IP address, not a host name",
    "referring domain is not a domain name",
    "referring domain has no registrable domain",
)


@dataclass(frozen=True)
class Mapped:
    links: pd.DataFrame
    skipped: Counter[str]
    site: str
    report: str
    first_rows: dict[str, int]  # skip reason -> the first source row it applies to
    notes: list[str]  # values that could not be read and were left blank


def resolve_columns(fmt: ExportFormat, names: list[str]) -> dict[str, str]:
    """Link-table field -> the export's column holding it (the first alias present)."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(header_key(name), name)
    resolved = {}
    for field_name, aliases in fmt.columns.items():
        found = next((by_key[header_key(a)] for a in aliases if header_key(a) in by_key), None)
        if found is not None:
            resolved[field_name] = found
    return resolved


def target_columns(fmt: ExportFormat, names: list[str]) -> list[str]:
    """Link Intersect / Backlink Gap: the columns named after a compared site."""
    if not fmt.per_target:
        return []
    used = set(resolve_columns(fmt, names).values())
    return [n for n in names if n not in used and domain_in_text(n)]


def wanted_columns(fmt: ExportFormat, names: list[str]) -> list[str]:
    if fmt.not_backlinks:
        return names[:1]  # only to count the rows
    columns = [*resolve_columns(fmt, names).values(), *target_columns(fmt, names)]
    return list(dict.fromkeys(columns))


def _text(table: pa.Table, column: str) -> pa.ChunkedArray:
    values = table.column(column)
    return pc.fill_null(values, "") if values.null_count else values


def _expand_targets(table: pa.Table, fmt: ExportFormat, names: list[str]) -> tuple[pa.Table, str]:
    """One row per (referring domain, compared site it links to); the site goes into `__target`."""
    parts = []
    for column in target_columns(fmt, names):
        values = pc.utf8_lower(pc.utf8_trim_whitespace(_text(table, column)))
        linked = pc.invert(pc.is_in(values, pa.array(NO_LINK)))
        part = table.filter(linked)
        part = part.append_column("__target", pa.repeat(column, part.num_rows))
        part = part.append_column(ROW, pa.array(np.flatnonzero(bools(linked)), pa.int64()))
        parts.append(part.append_column("__count", part.column(column)))
    if not parts:
        empty = table.slice(0, 0).append_column("__target", pa.array([], pa.string()))
        empty = empty.append_column(ROW, pa.array([], pa.int64()))
        return empty.append_column("__count", pa.array([], pa.string())), "__target"
    return pa.concat_tables(parts), "__target"


ROW = "__row"  # an expanded Link Intersect row's row in the export's table


def _table_rows(table: pa.Table, start: int, local: np.ndarray) -> np.ndarray:
    """The export table's rows of a chunk's rows `local`; the chunk starts at row `start`."""
    if ROW in table.column_names:
        return np.asarray(table.column(ROW).take(pa.array(local)).to_numpy(), dtype=np.int64)
    return local + start


_In = TypeVar("_In")
_Out = TypeVar("_Out")
MAX_KEPT_RUNS = 4096


def _kept_rows(table: pa.Table, keep: np.ndarray) -> pa.Table:
    """The table's rows where `keep` holds. When few rows go, the runs of kept rows are sliced out
    of the table rather than copied: a copy of every text column costs more than the rest of
    the mapping (new memory is dear)."""
    if keep.all():
        return table
    gone = np.flatnonzero(~keep)
    starts, ends = np.concatenate([[0], gone + 1]), np.concatenate([gone, [len(keep)]])
    runs = [(int(a), int(b - a)) for a, b in zip(starts, ends, strict=True) if b > a]
    if len(runs) > MAX_KEPT_RUNS:
        return table.filter(pa.array(keep))
    return pa.concat_tables([table.slice(start, length) for start, length in runs]) if runs else table.slice(0, 0)


def _reasons(masks: list[np.ndarray], reasons: tuple[str, ...]) -> tuple[np.ndarray, Counter[str], dict[str, int]]:
    """Per row the first reason that applies; the rows with none are kept. Also each reason's first row."""
    keep = np.ones(len(masks[0]) if masks else 0, dtype=bool)
    counted: Counter[str] = Counter()
    first: dict[str, int] = {}
    for mask, reason in zip(masks, reasons, strict=True):
        hit = mask & keep
        n = int(hit.sum())
        if n:
            counted[reason], first[reason] = n, int(np.argmax(hit))
            keep &= ~hit
    return keep, counted, first


@dataclass(frozen=True)
class _Sources:
    """A chunk's linking pages (or domains): their keys, hosts, and the hosts' registrable domains
    ("" where a host has none)."""

    keys: pa.Array | pa.ChunkedArray
    hosts: pa.Array | pa.ChunkedArray
    domains: pa.Array | pa.ChunkedArray
    no_domain: np.ndarray


def _source_keys(table: pa.Table, fmt: ExportFormat, resolved: dict[str, str]) -> tuple[pa.Array, pa.Array]:
    """(keys, hosts) of a chunk's linking pages, or of its referring domains."""
    if fmt.level == DOMAIN:
        source = _text(table, resolved["domain"])
        return constant_column("", len(source)), host_keys_of(source)
    keys, hosts = url_keys(_text(table, resolved["source_url"]))  # a required column of the format
    return keys, hosts


def _with_domains(keyed: list[tuple[pa.Array, pa.Array]], fmt: ExportFormat) -> list[_Sources]:
    """The chunks' sources with the registrable domains of their hosts, found for all chunks at
    once: a site's pages fall in several chunks. A domain-level report has one row per host, so
    its distinct hosts are not looked for."""
    pieces = [p for _, hosts in keyed for p in (hosts.chunks if isinstance(hosts, pa.ChunkedArray) else [hosts])]
    domains, no_domain = domains_where_known(pa.chunked_array(pieces, TEXT), distinct=fmt.level == DOMAIN)
    sources, start = [], 0
    for keys, hosts in keyed:
        sources.append(_Sources(keys, hosts, domains.slice(start, len(hosts)), no_domain[start : start + len(hosts)]))
        start += len(hosts)
    return sources


def _on_rows(
    rows: np.ndarray,
    column: pa.Array | pa.ChunkedArray,
    test: Callable[[pa.Array | pa.ChunkedArray], pa.Array | pa.ChunkedArray | np.ndarray],
) -> np.ndarray:
    """`test` of the column's values where `rows` holds; False elsewhere."""
    found = np.zeros(len(rows), dtype=bool)
    if rows.any():
        tested = test(column.filter(pa.array(rows)))
        found[rows] = tested if isinstance(tested, np.ndarray) else bools(tested)
    return found


def _too_long(columns: Iterable[pa.ChunkedArray | pa.Array], limit: int, n: int) -> np.ndarray:
    """Rows where some column holds more than `limit` characters."""
    hit = np.zeros(n, dtype=bool)
    for column in columns:
        # a cell's characters never outnumber its bytes: count characters only when some cell could be over
        if longest(column) > limit:
            hit |= bools(pc.greater(pc.utf8_length(column), limit))
    return hit


# Rows are mapped in chunks, one per core at a time. Fewer, larger chunks repeat less per-host
# work (a host's pages fall in several chunks); the cap bounds the memory a chunk's steps take.
MAX_CHUNK_ROWS = 1 << 19
MIN_CHUNK_ROWS = 1 << 16


@dataclass(frozen=True)
class _Chunk:
    # link-table fields of the kept rows; `target_domain` is "" where unknown, and absent when the
    # export has no target column
    out: pa.Table
    skipped: Counter[str]
    target_domains: Counter[str]  # rows per known target domain
    first_rows: dict[str, int]  # skip reason -> its first row in the export's table
    blanked: dict[str, np.ndarray]  # export column -> its rows in the export's table whose value was unreadable


def to_links(raw: RawTable, fmt: ExportFormat, name: str) -> Mapped:
    table = raw.rows
    resolved = resolve_columns(fmt, raw.header)
    links_count_column = resolved.get("links_count")
    if fmt.per_target:
        table, resolved["target_url"] = _expand_targets(table, fmt, raw.header)
        links_count_column = "__count"
    # month- or day-first is decided by the whole column, not by each chunk of it
    date_columns = {f: c for f, c in resolved.items() if f in DATE_FIELDS}
    readings = map_each(lambda c: slashed_day_first(table.column(c)), list(date_columns.values()))
    day_first = dict(zip(date_columns, readings, strict=True))
    chunks = _chunks(table)
    starts = np.cumsum([0, *(c.num_rows for c in chunks)])[:-1].tolist()
    sources = _with_domains(map_each(lambda t: _source_keys(t, fmt, resolved), chunks), fmt)
    jobs = list(zip(chunks, starts, sources, strict=True))
    mapped = map_each(lambda job: _chunk_links(*job, fmt, resolved, links_count_column, day_first), jobs)
    joined = pa.concat_tables([c.out for c in mapped])  # the chunks' columns side by side: no copy
    out = {f: joined.column(f) for f in joined.column_names}
    skipped = sum((c.skipped for c in mapped), Counter())
    first_rows = {
        reason: raw.skips.row_number(min(c.first_rows[reason] for c in mapped if reason in c.first_rows))
        for reason in skipped
    }
    n = len(out["source_key"])
    site = _fill_target_domains(out, sum((c.target_domains for c in mapped), Counter()), name)
    report = _report_kind(fmt, out.get("target_status"))
    constants = {"level": fmt.level, "export": name, "tool": fmt.tool, "report": report, "export_site": site}
    if "target_domain" not in out:  # an export without target URLs: all of it is about its site
        constants["target_domain"] = site
    texts: dict[str, pa.ChunkedArray] = {}  # one column per text: `export` and `sources` share theirs
    for column, value in {**constants, "sources": name}.items():
        if value not in texts:
            texts[value] = constant_column(value, n)
        out[column] = texts[value]
    return Mapped(link_frame(out, n), skipped, site, report, first_rows, _blanked_notes(raw, mapped))


def _blanked_notes(raw: RawTable, mapped: list[_Chunk]) -> list[str]:
    """Per export column, the values that could not be read: how many, the first and its row."""
    notes = []
    for column in dict.fromkeys(c for chunk in mapped for c in chunk.blanked):
        rows = np.unique(np.concatenate([chunk.blanked[column] for chunk in mapped if column in chunk.blanked]))
        value = raw.rows.column(column)[int(rows[0])].as_py()
        notes.append(
            f"{len(rows)} value(s) in column “{column}” could not be read and were left blank "
            f"(the first: “{value[:60]}” on row {raw.skips.row_number(int(rows[0]))})"
        )
    return notes


def _chunks(table: pa.Table) -> list[pa.Table]:
    """Equal slices of the rows: a multiple of the cores in number, each at most MAX_CHUNK_ROWS."""
    n = table.num_rows
    count = min(cores(), max(1, n // MIN_CHUNK_ROWS))
    count *= -(-n // (MAX_CHUNK_ROWS * count)) or 1
    size = -(-n // count) or 1
    return [table.slice(start, size) for start in range(0, n, size)] or [table]


def _chunk_links(
    table: pa.Table,
    start: int,
    sources: _Sources,
    fmt: ExportFormat,
    resolved: dict[str, str],
    links_count: str | None,
    day_first: dict[str, bool | None],
) -> _Chunk:
    cols = {f: _text(table, c) for f, c in resolved.items()}
    domain_level = fmt.level == DOMAIN
    source = cols["domain" if domain_level else "source_url"]
    keys, hosts, domains, no_domain = sources.keys, sources.hosts, sources.domains, sources.no_domain
    # blank cells, IP literals and hosts without a dot have no registrable domain: they are
    # looked for among the few rows without one
    masks = [
        _on_rows(no_domain, source, lambda s: pc.or_(pc.equal(s, ""), pc.utf8_is_space(s))),  # blank
        _too_long(cols.values(), MAX_CELL_CHARS, len(source)),
        _too_long([source], MAX_URL_CHARS, len(source)),
        _on_rows(no_domain, hosts, ip_literals),
        # a web host has a dot: single words ("n/a", "localhost") and formulas are not URLs
        _on_rows(no_domain, hosts, lambda h: pc.invert(pc.match_substring(h, ".")))
        | (bools(pc.equal(keys, "")) & (not domain_level)),
        no_domain,
    ]
    keep, skipped, first = _reasons(masks, DOMAIN_REASONS if domain_level else PAGE_REASONS)
    if links_count:
        cols["links_count"] = _text(table, links_count)
    # every field is read for every row, and the rows that go are left out of the finished table
    # at once: one slicing instead of one per column
    out: dict[str, pa.Array] = {
        "source_url": keys if domain_level else source,  # "" for domain-level rows, like their keys
        "source_key": keys,
        "source_host": hosts,
        "source_domain": domains,
    }
    if "target_url" in cols:
        out["target_url"] = cols["target_url"]
        # keys and domains of each distinct target together: the hosts between them are not kept
        out["target_key"], out["target_domain"] = url_keys(
            cols["target_url"], lambda keys, hosts: (keys, registrable_domains(hosts))
        )
    for field_name in TEXT_FIELDS:
        if field_name in cols:
            out[field_name] = cols[field_name]
    _context(out, cols)
    _flags(out, cols, fmt)
    unread: dict[str, np.ndarray | None] = {}  # field -> rows without a value (None: none without)
    for field_name in (*FLOAT_FIELDS, "authority_raw"):
        if field_name in cols:
            out[field_name] = numbers(cols[field_name])
            unread[field_name] = _nulls(out[field_name])
    for field_name in INT_FIELDS:
        if field_name in cols:
            values = numbers(cols[field_name])
            in_range = pc.less(pc.abs(values), 1e15)
            out[field_name] = pc.cast(pc.round(pc.if_else(in_range, values, pa.scalar(None, pa.float64()))), pa.int64())
            unread[field_name] = _nulls(out[field_name])
    for field_name in DATE_FIELDS:
        if field_name in cols:
            out[field_name] = dates(cols[field_name], day_first[field_name])
            unread[field_name] = (
                bools(pc.equal(out[field_name], "")) if out[field_name] is not cols[field_name] else None
            )
    if "authority_raw" in out:
        raw_authority = out["authority_raw"]
        known = pc.is_valid(raw_authority)
        in_scale = pc.and_(pc.greater_equal(raw_authority, 0), pc.less_equal(raw_authority, 100))
        out["authority"] = pc.if_else(in_scale, raw_authority, pa.scalar(None, pa.float64()))
        out["authority_metric"] = (
            constant_column(fmt.authority_metric, len(known))
            if pc.all(known).as_py()
            else pc.if_else(known, fmt.authority_metric, pa.scalar(None, pa.string()))
        )
    kept = _kept_rows(pa.table({f: _typed(f, c) for f, c in out.items()}), keep)
    target_domains: Counter[str] = Counter()
    if "target_domain" in out:
        counts = pc.value_counts(kept.column("target_domain"))
        values, tallies = counts.field("values").to_pylist(), counts.field("counts").to_pylist()
        target_domains.update(dict(zip(values, tallies, strict=True)))
        del target_domains[""]
    first_rows = {reason: int(_table_rows(table, start, np.array([row]))[0]) for reason, row in first.items()}
    blanked = {}
    for field_name, missing in unread.items():
        local = np.flatnonzero(_written(cols[field_name], missing & keep)) if missing is not None else None
        if local is not None and len(local):
            blanked[resolved[field_name]] = _table_rows(table, start, local)
    return _Chunk(kept, skipped, target_domains, first_rows, blanked)


def _nulls(values: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Where a parsed column is null; None when it has no null (the usual case: no pass over it)."""
    return bools(pc.is_null(values)) if values.null_count else None


def _written(text: pa.Array | pa.ChunkedArray, rows: np.ndarray) -> np.ndarray:
    """The `rows` whose cell holds a value (not blank, not a tool's "-" or "n/a")."""
    if not rows.any():
        return rows
    return rows & ~bools(pc.is_in(pc.utf8_trim_whitespace(text), pa.array(NO_VALUE, text.type)))


def _typed(field_name: str, column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    dtype = ARROW_TYPES[LINK_COLUMNS[field_name]]
    return column if column.type == dtype else column.cast(dtype)


def _fill_target_domains(out: dict[str, pa.ChunkedArray], counts: Counter[str], name: str) -> str:
    """The site the export describes (majority target domain, else named in the export's name),
    filled in where a row's target has no domain of its own."""
    site = max(counts, key=counts.__getitem__) if counts else domain_in_text(name)
    targets = out.get("target_domain")
    if targets is not None and pc.any(empty := pc.equal(targets, "")).as_py():
        out["target_domain"] = pc.if_else(empty, site, targets)
    return site


def _context(out: dict[str, pa.Array], cols: dict[str, pa.ChunkedArray]) -> None:
    left, right = cols.get("context_left"), cols.get("context_right")
    if left is None and right is None:
        if cols.get("context") is not None:
            out["context"] = cols["context"]
        return
    empty = constant_column("", len(out["source_key"]))
    parts = [p if p is not None else empty for p in (left, cols.get("anchor"), right)]
    joined = join(*parts, separator=" ")
    # collapse runs of whitespace, rewriting only the cells that hold one (few do)
    spaced = pc.match_substring_regex(joined, r"[^ \S]|\s\s")
    if pc.any(spaced).as_py():
        joined = replace_where(joined, spaced, pc.replace_substring_regex(joined.filter(spaced), r"\s+", " "))
    joined = pc.utf8_trim_whitespace(joined)
    around = pc.utf8_trim_whitespace(join(parts[0], parts[2]))
    out["context"] = pc.if_else(pc.equal(around, ""), "", joined)


def _flags(out: dict[str, pa.Array], cols: dict[str, pa.ChunkedArray], fmt: ExportFormat) -> None:
    for field_name in FLAG_FIELDS:
        if cols.get(field_name) is not None:
            out[field_name] = flags(cols[field_name], fmt.empty_flag_is_false)
    if cols.get("dofollow") is not None and "nofollow" not in out:
        out["nofollow"] = pc.invert(flags(cols["dofollow"]))
    if cols.get("rel") is not None:
        for field_name, values in rel_flags(cols["rel"]).items():
            out[field_name] = pc.coalesce(out[field_name], values) if field_name in out else values
    if cols.get("lost_date") is not None:
        lost_date = pc.not_equal(pc.utf8_trim_whitespace(cols["lost_date"]), "")
        out["lost"] = pc.or_(out["lost"], lost_date) if "lost" in out else lost_date


def _report_kind(fmt: ExportFormat, target_status: pa.Array | None) -> str:
    """Backlinks whose targets mostly answer 4xx/5xx are the Broken backlinks report."""
    if fmt.report != "Backlinks" or target_status is None:
        return fmt.report
    known = target_status.drop_null()
    if len(known) and pc.mean(pc.cast(pc.greater_equal(known, 400), pa.int8())).as_py() >= 0.5:
        return "Broken backlinks"
    return fmt.report
