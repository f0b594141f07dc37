"""URL and domain normalisation: the keys prospects are matched by.

Display forms keep Unicode hosts; keys use punycode, drop `www.`, default ports, fragments and
tracking parameters. Registrable domains come from the Public Suffix List bundled with the
`publicsuffixlist` package, so nothing is fetched at run time. Results are cached per host
because exports repeat the same hosts many times.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from publicsuffixlist import PublicSuffixList

from bot import compiled_text
from bot.buffers import bools
from bot.idna2003 import to_ascii

PSL = PublicSuffixList()

TRACKING_PARAMS = frozenset(
    {
        "gclid", "gbraid", "wbraid", "gad_source", "fbclid", "dclid", "msclkid", "yclid", "ttclid", "twclid",
        "li_fat_id", "mc_cid", "mc_eid", "_ga", "_gl", "igshid", "ref_src", "srsltid", "mkt_tok", "_hsenc",
        "_hsmi", "oly_enc_id", "oly_anon_id", "vero_id", "wickedid", "s_cid",
    }
)  # fmt: skip
TRACKING_PREFIXES = ("utm_",)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_OTHER_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!//|\d)")  # mailto:, javascript:, tel:


# letters (any script), digits, "-", "_" and dots; ":" and brackets only occur in IPv6 literals
_HOST_CHARS = re.compile(r"[\w.:\[\]-]+")


@lru_cache(maxsize=262_144)
def host_key(host: str) -> str:
    """Lower-case punycode host without `www.` and trailing dot; "" when it is not a hostname."""
    host = host.strip().rstrip(".").lower()
    if not _HOST_CHARS.fullmatch(host):
        return ""
    try:
        ascii_host = to_ascii(host) if not host.isascii() else host
    except UnicodeError:
        return ""
    if ascii_host.startswith("www."):
        ascii_host = ascii_host[4:]
    return ascii_host


@lru_cache(maxsize=262_144)
def host_display(host_or_key: str) -> str:
    """Unicode form of a punycode host, for people to read."""
    try:
        return host_or_key.encode("ascii").decode("idna")
    except UnicodeError:
        return host_or_key


def is_ip_literal(host: str) -> bool:
    # Host names end in a letter (TLDs are alphabetic): only digits or IPv6 colons need the slow check.
    if not host or not (host[-1].isdigit() or ":" in host or host.endswith("]")):
        return False
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


_IPV4_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"^{_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}$"  # dotted quads as `ipaddress` reads them (no leading zeros)


def ip_literals(hosts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """`is_ip_literal` of every host in a column: IPv4 by one regex pass, the rest that could be
    IPv6 one by one."""
    found = bools(pc.match_substring_regex(hosts, _IPV4))
    maybe_v6 = bools(pc.match_substring_regex(hosts, r"[:\]]")) & ~found
    if maybe_v6.any():  # a filter, not a take: Arrow joins a chunked column's chunks to take from it
        found[maybe_v6] = [is_ip_literal(h) for h in hosts.filter(pa.array(maybe_v6)).to_pylist()]
    return found


@lru_cache(maxsize=262_144)
def registrable_domain(host: str) -> str:
    """Registrable domain key (punycode) of a host, or "" when there is none.

    The private PSL section is honoured, so `a.blogspot.com` and `b.blogspot.com` differ.
    """
    key = host_key(host)
    if not key or is_ip_literal(key):
        return ""
    return PSL.privatesuffix(key) or ""


def split_host(url: str) -> str:
    """The host of a URL (scheme optional), lower-cased, without port or credentials."""
    text = url.strip()
    if not _SCHEME_RE.match(text):
        if _OTHER_SCHEME_RE.match(text):
            return ""
        text = "http://" + text.lstrip("/")
    try:
        return (urlsplit(text).hostname or "").lower()
    except ValueError:
        return ""


def url_key(url: str) -> str:
    """A key that is equal for the same page however a tool wrote its URL.

    Scheme is dropped (http and https are the same page for our purpose), host is keyed,
    default ports, fragments and tracking parameters are removed, and an empty path is `/`.
    Returns "" for text that is not a web URL.
    """
    text = url.strip()
    if not text:
        return ""
    if not _SCHEME_RE.match(text):
        if _OTHER_SCHEME_RE.match(text):
            return ""
        text = "http://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    host = host_key(parts.hostname or "")
    if not host:
        return ""
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    query = _strip_tracking(parts.query)
    return urlunsplit(("", netloc, parts.path or "/", query, "")).lstrip("/")


def _strip_tracking(query: str) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [
        (k, v) for k, v in pairs if not k.lower().startswith(TRACKING_PREFIXES) and k.lower() not in TRACKING_PARAMS
    ]
    return urlencode(kept, doseq=True) if len(kept) != len(pairs) else query


def domain_of(url_or_host: str) -> str:
    """Registrable domain key of a URL or a bare host."""
    return registrable_domain(split_host(url_or_host))


# Vectorised keys for whole export columns (see `_url_keys` for the common case). The general
# path: plain `http(s)://host/path?query` URLs are split by one RE2 pass and their hosts keyed
# once per distinct host; anything unusual (ports, credentials, spaces, non-ASCII hosts, possible
# tracking parameters) goes through `url_key` itself, once per distinct value, so all paths agree.
# the white space `str.strip` removes beyond ASCII, as an RE2 class body
_UNICODE_SPACES = r"\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_NOT_SPACE = rf"[^\x00-\x20\x7f{_UNICODE_SPACES}"
_PLAIN_URL = (
    r"^[hH][tT][tT][pP][sS]?://[A-Za-z0-9._-]+"
    rf"(?:/{_NOT_SPACE}?#]*)?(?:\?{_NOT_SPACE}#]*)?(?:#{_NOT_SPACE}]*)?$"
)
# The parts of a URL known to be plain. Matching the strict pattern without captures and then
# extracting with this loose, unanchored one is several times faster than one capturing pass.
_PLAIN_URL_PARTS = r"^[hH][tT][tT][pP][sS]?://(?P<host>[A-Za-z0-9._-]+)(?P<path>/[^?#]*)?(?:\?(?P<query>[^#]*))?"
_UNICODE_SPACE = f"[{_UNICODE_SPACES}]"
# a host name and maybe a path, without scheme, port, user or white space (which `split_host` strips)
_BARE_HOST = rf"^[^\s\x1c-\x1f{_UNICODE_SPACES}/:@\[\]?#\\]+(?:/|$)"
_URL = compiled_text.UrlStatus
_QUERY_RULES = compiled_text.QueryRules(sorted(TRACKING_PARAMS), list(TRACKING_PREFIXES))
_MAYBE_TRACKING = "(?i)%|\\+|" + "|".join(re.escape(p) for p in (*TRACKING_PREFIXES, *sorted(TRACKING_PARAMS)))


def join(*parts: pa.Array | pa.ChunkedArray | str, separator: str = "") -> pa.Array | pa.ChunkedArray:
    """Element-wise concatenation of string columns and constants, in the widest string type among them."""
    arrays = [p for p in parts if not isinstance(p, str)]
    text = pa.large_string() if any(a.type == pa.large_string() for a in arrays) else pa.string()
    typed = [pa.scalar(p, text) if isinstance(p, str) else p.cast(text) for p in parts]
    return pc.binary_join_element_wise(*typed, pa.scalar(separator, text))


def on_distinct(
    values: pa.ChunkedArray | pa.Array, func: Callable[[pa.Array], tuple[pa.Array, ...]]
) -> tuple[pa.Array | pa.ChunkedArray, ...]:
    """The arrays `func` makes of a column's distinct values (nulls read as ""), spread over its rows."""
    if values.null_count:
        values = pc.fill_null(values, "")
    encoded = pc.dictionary_encode(values)
    if isinstance(encoded, pa.ChunkedArray):  # one dictionary for all chunks, which stay where they are
        encoded = encoded.unify_dictionaries()
        distinct = encoded.chunk(0).dictionary if encoded.num_chunks else pa.array([], values.type)
        indices = pa.chunked_array([c.indices for c in encoded.chunks], pa.int32())
    else:
        distinct, indices = encoded.dictionary, encoded.indices
    # a result equal to the distinct values is the column itself (dates already ISO): no new memory
    return tuple(values if result.equals(distinct) else result.take(indices) for result in func(distinct))


def per_distinct(
    values: pa.ChunkedArray | pa.Array, func: Callable[[str], object], dtype: pa.DataType | None = None
) -> pa.Array:
    """`func` of every value of a column, computed once per distinct value (nulls are read as "")."""
    return on_distinct(
        values, lambda distinct: (pa.array([func(v) for v in distinct.to_pylist()], dtype or pa.string()),)
    )[0]


def replace_where(
    values: pa.Array | pa.ChunkedArray, mask: pa.Array | np.ndarray, replacements: pa.Array | pa.ChunkedArray
) -> pa.Array | pa.ChunkedArray:
    """`values` with the masked positions taken from `replacements` in order (`pc.replace_with_mask`).

    Text is copied once by a compiled loop; other types with one `take` from both arrays (Arrow's
    replace_with_mask copies strings one by one).
    """
    masked = mask if isinstance(mask, np.ndarray) else bools(mask)
    if not masked.any():
        return values
    replacements = _one_array(replacements)
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return compiled_text.replace_rows(text_column(values), masked, text_column(replacements))
    indices = np.arange(len(values), dtype=np.int64)
    indices[masked] = len(values) + np.arange(int(masked.sum()), dtype=np.int64)
    return pa.concat_arrays([_one_array(values), replacements.cast(values.type)]).take(pa.array(indices))


def _one_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def text_column(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """`large_string` text, nulls read as "": what the compiled loops read. A chunked column keeps
    its chunks (the loops read them where they are; joining them would be a copy)."""
    if values.null_count:
        values = pc.fill_null(values, "")
    return values if values.type == pa.large_string() else values.cast(pa.large_string())


def url_keys(
    urls: pa.ChunkedArray | pa.Array,
    then: Callable[[pa.Array, pa.Array], tuple[pa.Array, ...]] = lambda keys, hosts: (keys, hosts),
) -> tuple[pa.Array | pa.ChunkedArray, ...]:
    """(`url_key`, host key of `split_host`) of every URL in a column, equal to the scalar functions;
    or what `then` makes of those two, keyed the same way (once per distinct URL when they repeat)."""
    urls = text_column(urls)
    # Target columns repeat a few pages many times: key those once each. Linking pages are nearly
    # all distinct, and encoding a million of them costs more than it saves (judged on a sample).
    sample = urls.slice(0, 20_000)
    if len(urls) > 1000 and pc.count_distinct(sample).as_py() > len(sample) // 2:
        return then(*_url_keys(urls))
    return on_distinct(urls, lambda distinct: then(*_url_keys(distinct)))


def host_keys_of(values: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    """Host key of `split_host` of every value: URLs or bare host names (referring-domain columns)."""

    def others(rest: pa.Array | pa.ChunkedArray) -> pa.Array:
        # a host name with no scheme (Unicode, or with a path): read as http://, as `split_host` does
        bare = pc.match_substring_regex(rest, _BARE_HOST)
        return _one_array(url_keys(pc.if_else(bare, join("http://", rest), rest))[1])

    return _host_keys(values, others)


def _plain_host_keys(hosts: pa.Array) -> pa.Array | pa.ChunkedArray:
    """Host keys of hosts made of ASCII host-name bytes (those of `_PLAIN_URL`), or empty: the
    only unsettled ones, whose key is ""."""
    return _host_keys(hosts, lambda empty: compiled_text.constant_text("", len(empty)))


def _host_keys(
    values: pa.ChunkedArray | pa.Array, others: Callable[[pa.Array | pa.ChunkedArray], pa.Array]
) -> pa.Array | pa.ChunkedArray:
    """Host keys of a column: a bare ASCII host name (nearly every referring-domain cell) by the
    compiled loop, the values it leaves by `others`."""
    values = text_column(values)
    other, own = compiled_text.host_statuses(values)
    if own:
        return values
    rest_keys = others(values.filter(pa.array(other))) if other.any() else pa.array([], pa.large_string())
    return compiled_text.host_keys(values, other, text_column(rest_keys))


def _url_keys(urls: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Keys of a `large_string` column without nulls."""
    # The common case, `http(s)://host/path?query#fragment` with an ASCII host name, printable
    # throughout, is keyed by a compiled loop; URLs with a Unicode host name and only a path are
    # keyed once per distinct netloc, and everything else takes the general path. The loop
    # writes the keys of those in place too, so the column is written once.
    status, spans = compiled_text.url_statuses(urls, _QUERY_RULES)
    # `url_key` strips Unicode white space at the ends: leave URLs that may hold some to it
    wide = (status == _URL.WIDE) | (status == _URL.IDN_HOST)
    if wide.any():  # a filter, not a take: Arrow joins a chunked column's chunks to take from it
        spaced = bools(pc.match_substring_regex(urls.filter(pa.array(wide)), _UNICODE_SPACE))
        status[np.flatnonzero(wide)[spaced]] = _URL.GENERAL
    fixed = status >= _URL.IDN_HOST
    kinds = status[fixed]
    keys = hosts = compiled_text.constant_text("", len(kinds))
    if len(kinds):
        unusual = _one_array(urls.filter(pa.array(fixed)))
        for kind, keyed in ((_URL.IDN_HOST, _idn_url_keys), (_URL.GENERAL, _general_url_keys)):
            rows = kinds == kind
            if rows.any():
                kind_keys, kind_hosts = keyed(unusual.filter(pa.array(rows)))
                keys, hosts = replace_where(keys, rows, kind_keys), replace_where(hosts, rows, kind_hosts)
    return compiled_text.url_keys(urls, _QUERY_RULES, status, spans, keys, hosts)


def _idn_url_keys(urls: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Keys of `http(s)://netloc/…` URLs whose netloc has no port, user or brackets: there the
    netloc is the host `urlsplit` would find, less its case."""
    # scheme, "", netloc, the rest: padded with nulls where a URL has fewer parts
    parts = pc.list_slice(pc.split_pattern(urls, "/", max_splits=3), 2, 4, return_fixed_size_list=True)
    netlocs = pc.dictionary_encode(pc.fill_null(pc.list_element(parts, 0), ""))
    host = pa.array([host_key(n) for n in netlocs.dictionary.to_pylist()], pa.large_string()).take(netlocs.indices)
    key = join(host, "/", pc.fill_null(pc.list_element(parts, 1), ""))
    return pc.if_else(pc.equal(host, ""), "", key), host


def _general_url_keys(urls: pa.Array) -> tuple[pa.Array, pa.Array]:
    plain = pc.match_substring_regex(urls, _PLAIN_URL)
    parts = pc.extract_regex(urls, _PLAIN_URL_PARTS)  # other rows' parts are replaced below
    # host_key of an ASCII host: lower-case, no trailing dots, no leading "www."
    # hosts repeat: key each distinct one once
    raw_hosts = pc.dictionary_encode(pc.fill_null(pc.struct_field(parts, "host"), ""))
    host = _plain_host_keys(raw_hosts.dictionary).take(raw_hosts.indices)
    path = pc.fill_null(pc.struct_field(parts, "path"), "")
    no_path = pc.equal(path, "")
    if pc.any(no_path).as_py():
        path = pc.if_else(no_path, "/", path)
    query = pc.fill_null(pc.struct_field(parts, "query"), "")
    tracking = pc.match_substring_regex(query, _MAYBE_TRACKING)
    if pc.any(tracking).as_py():
        query = replace_where(query, tracking, per_distinct(query.filter(tracking), _strip_tracking))
    with_query = pc.not_equal(query, "")
    key = join(host, path, pc.if_else(with_query, "?", ""), query) if pc.any(with_query).as_py() else join(host, path)
    no_host = pc.equal(host, "")
    if pc.any(no_host).as_py():
        key = pc.if_else(no_host, "", key)
    if pc.all(plain).as_py():
        return key, host
    odd = pc.invert(plain)
    odd_urls = urls.filter(odd)
    odd_keys = per_distinct(odd_urls, url_key)
    odd_hosts = per_distinct(odd_urls, lambda u: host_key(split_host(u)))
    return replace_where(key, odd, odd_keys), replace_where(host, odd, odd_hosts)


def domain_in_text(text: str) -> str:
    """The first registrable domain with a known public suffix named in free text (a file or tab name).

    File names glue words to domains with `-` and `_` (`www.site.com-backlinks-subdomains.csv`),
    so every run of hyphen-joined words is tried, longest first.
    """
    for token in re.split(r"[^\w.-]+|_", text.casefold()):
        words = token.strip(".-").split("-")
        for start in range(len(words)):
            for end in range(len(words), start, -1):
                candidate = "-".join(words[start:end]).strip(".")
                host = host_key(candidate) if "." in candidate else ""
                domain = PSL.privatesuffix(host, accept_unknown=False) if host else None
                if domain:
                    return domain
    return ""
