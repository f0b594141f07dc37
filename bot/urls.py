"""URL and domain normalisation: the keys prospects are matched by.

Display forms keep Unicode hosts; keys use punycode (IDNA by UTS 46, as browsers write it), drop
`www.`, default ports, fragments and tracking parameters. Registrable domains come from the Public
Suffix List bundled with the `publicsuffixlist` package, so nothing is fetched at run time.

The scalar functions are the definition. The column functions (`url_keys`, `host_keys_of`,
`ip_literals`) give the same values for a whole column: the common plain form by Arrow's regular
expressions over every row at once, anything else by the scalar functions once per distinct value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

import idna
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from publicsuffixlist import PublicSuffixList

from bot.columns import Column, bools, on_distinct, per_distinct, replace_where, text_column

PSL = PublicSuffixList()  # the private section too: a.blogspot.com and b.blogspot.com are two sites

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
    if not host.isascii():
        # UTS 46 without transitional mapping: straße.de is xn--strae-oqa.de, as browsers key it
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError:
            return ""
    return host.removeprefix("www.")


@lru_cache(maxsize=262_144)
def host_display(host_or_key: str) -> str:
    """Unicode form of a punycode host, for people to read."""
    if "xn--" not in host_or_key:
        return host_or_key
    try:
        return idna.decode(host_or_key)
    except idna.IDNAError:
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


@lru_cache(maxsize=262_144)
def registrable_domain(host: str) -> str:
    """Registrable domain key (punycode) of a host, or "" when there is none.

    The private PSL section is honoured, so `a.blogspot.com` and `b.blogspot.com` differ.
    """
    key = host_key(host)
    if not key or is_ip_literal(key):
        return ""
    return PSL.privatesuffix(key) or ""


def _split(url: str) -> SplitResult | None:
    """The parts of a URL (scheme optional: read as http); None for other schemes and for text
    `urlsplit` refuses."""
    text = url.strip()
    if not _SCHEME_RE.match(text):
        if _OTHER_SCHEME_RE.match(text):
            return None
        text = "http://" + text.lstrip("/")
    try:
        return urlsplit(text)
    except ValueError:
        return None


def split_host(url: str) -> str:
    """The host of a URL (scheme optional), lower-cased, without port or credentials."""
    parts = _split(url)
    return (parts.hostname or "").lower() if parts else ""


def url_key(url: str) -> str:
    """A key that is equal for the same page however a tool wrote its URL.

    Scheme is dropped (http and https are the same page for our purpose), host is keyed,
    default ports, fragments and tracking parameters are removed, and an empty path is `/`.
    Returns "" for text that is not a web URL.
    """
    return _key(_split(url))


def _key_and_host(url: str) -> tuple[str, str]:
    """(`url_key`, host key of `split_host`) of a URL, parsed once."""
    parts = _split(url)
    return _key(parts), host_key((parts.hostname or "").lower()) if parts else ""


def _key(parts: SplitResult | None) -> str:
    if parts is None:
        return ""
    try:
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


# -- whole columns ----------------------------------------------------------------------------------

# The plain form, nearly every URL a tool writes: http(s), a lower-case ASCII host name with no
# empty label, port or credentials, nothing `str.strip` or `urlsplit` would remove, and no query
# that could hold a tracking parameter or be empty. Its key is its text less the scheme, a leading
# `www.` and the fragment, with "/" for an empty path: what `url_key` gives, cut by RE2.
_SCHEME = r"^[hH][tT][tT][pP][sS]?://"
_ASCII_HOST = r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)*"
# white space `str.strip` removes beyond ASCII, as an RE2 class body
_UNICODE_SPACES = r"\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_PLAIN_URL = rf"{_SCHEME}{_ASCII_HOST}(?:[/?#][^\x00-\x20\x7f{_UNICODE_SPACES}]*)?$"
# most plain URLs have a path and no query or fragment: their key is their text less the prefix
_PATH_ONLY = rf"{_SCHEME}{_ASCII_HOST}/[^?#\x00-\x20\x7f{_UNICODE_SPACES}]*$"
_TRACKING = "|".join(map(re.escape, (*TRACKING_PREFIXES, *sorted(TRACKING_PARAMS))))
# an empty query, or one with escapes, "+" or a tracking name (in any case): left to `url_key`
_ODD_QUERY = rf"(?i)^[^?#]*\?(?:#|$|[^#]*(?:%|\+|{_TRACKING}))"
_PREFIX = rf"{_SCHEME}(?:www\.)?"
_HOST = r"^(?P<host>[^/?#]*)"
# a lower-case ASCII host name, as a whole value
PLAIN_HOST_NAME = rf"^{_ASCII_HOST}$"


def url_keys(
    urls: Column, then: Callable[[Column, Column], tuple[Column, ...]] = lambda keys, hosts: (keys, hosts)
) -> tuple[Column, ...]:
    """(`url_key`, host key of `split_host`) of every URL in a column, equal to the scalar functions;
    or what `then` makes of those two, keyed the same way (once per distinct URL when they repeat)."""
    urls = text_column(urls)
    # Target columns repeat a few pages many times: key those once each. Linking pages are nearly
    # all distinct, and encoding a million of them costs more than it saves (judged on a sample).
    sample = urls.slice(0, 20_000)
    if len(urls) > 1000 and pc.count_distinct(sample).as_py() > len(sample) // 2:
        return then(*_url_keys(urls))
    return on_distinct(urls, lambda distinct: then(*_url_keys(distinct)))


def _url_keys(urls: Column) -> tuple[Column, Column]:
    done = bools(pc.match_substring_regex(urls, _PATH_ONLY))
    keys, hosts = _path_only_keys(urls)
    if done.all():
        return keys, hosts
    rest_keys, rest_hosts = _other_url_keys(urls.filter(pa.array(~done)))
    return replace_where(keys, ~done, rest_keys), replace_where(hosts, ~done, rest_hosts)


def _path_only_keys(urls: Column) -> tuple[Column, Column]:
    """(keys, hosts) that hold for the rows in the `_PATH_ONLY` form (the others' are not used):
    their scheme is `http://` or `https://` in some case, and a "/" ends the host. Cut by position
    and by a literal, which costs a third of the same cut by a regular expression."""
    keys = pc.utf8_ltrim(pc.utf8_slice_codeunits(urls, 7), "/")
    www = pc.starts_with(keys, "www.")
    if pc.any(www).as_py():
        keys = pc.if_else(www, pc.utf8_slice_codeunits(keys, 4), keys)
    return keys, pc.list_element(pc.split_pattern(keys, "/", max_splits=1), 0)


def _other_url_keys(urls: Column) -> tuple[Column, Column]:
    """Keys of the rows the first pass leaves: plain URLs with a query, a fragment or no path by
    two more regex passes, the others by `url_key` once per distinct URL."""
    plain = bools(pc.match_substring_regex(urls, _PLAIN_URL)) & ~bools(pc.match_substring_regex(urls, _ODD_QUERY))
    keys = pc.replace_substring_regex(urls, rf"{_PREFIX}|#.*", "")
    keys = pc.replace_substring_regex(keys, r"^([^/?]*)(\?|$)", r"\1/\2", max_replacements=1)  # "/" for no path
    hosts = pc.struct_field(pc.extract_regex(keys, _HOST), "host")
    if plain.all():
        return keys, hosts
    odd_keys, odd_hosts = on_distinct(urls.filter(pa.array(~plain)), _keys_and_hosts)
    return replace_where(keys, ~plain, odd_keys), replace_where(hosts, ~plain, odd_hosts)


def _keys_and_hosts(urls: Column) -> tuple[pa.Array, pa.Array]:
    keys, hosts = zip(*map(_key_and_host, urls.to_pylist()), strict=True) if len(urls) else ((), ())
    return pa.array(keys, urls.type), pa.array(hosts, urls.type)


def host_keys_of(values: Column) -> Column:
    """Host key of `split_host` of every value: URLs or bare host names (referring-domain columns)."""
    values = text_column(values)
    # a lower-case ASCII host name (nearly every referring-domain cell) is its own key, less "www."
    plain = bools(pc.match_substring_regex(values, PLAIN_HOST_NAME))
    keys = values
    if pc.any(pc.starts_with(values, "www.")).as_py():
        keys = pc.replace_substring_regex(values, r"^www\.", "")
    if plain.all():
        return keys
    return replace_where(keys, ~plain, per_distinct(values.filter(pa.array(~plain)), lambda v: host_key(split_host(v))))


_IPV4_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"^{_IPV4_OCTET}(?:\.{_IPV4_OCTET}){{3}}$"  # dotted quads as `ipaddress` reads them (no leading zeros)


def ip_literals(hosts: Column) -> np.ndarray:
    """`is_ip_literal` of every host in a column: IPv4 by one regex pass, the rest that could be
    IPv6 one by one."""
    found = bools(pc.match_substring_regex(hosts, _IPV4))
    maybe_v6 = bools(pc.match_substring_regex(hosts, r"[:\]]")) & ~found
    if maybe_v6.any():
        found[maybe_v6] = [is_ip_literal(h) for h in hosts.filter(pa.array(maybe_v6)).to_pylist()]
    return found
