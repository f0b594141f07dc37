"""URL and domain normalisation: the keys prospects are matched by.

Display forms keep Unicode hosts; keys use punycode, drop `www.`, default ports, fragments and
tracking parameters. Registrable domains come from the Public Suffix List bundled with the
`publicsuffixlist` package, so nothing is fetched at run time. Results are cached per host
because exports repeat the same hosts many times.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from publicsuffixlist import PublicSuffixList

_PSL = PublicSuffixList()

TRACKING_PARAMS = frozenset(
    {"gclid", "fbclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid", "_ga", "igshid", "ref_src"}
)
_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_OTHER_SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!//|\d)")  # mailto:, javascript:, tel:


@lru_cache(maxsize=262_144)
def host_key(host: str) -> str:
    """Lower-case punycode host without `www.` and trailing dot; "" when it is not a hostname."""
    host = host.strip().rstrip(".").lower()
    if not host or any(c in host for c in " /\\@"):
        return ""
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
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
    return _PSL.privatesuffix(key) or ""


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
    kept = [(k, v) for k, v in pairs if not k.lower().startswith("utm_") and k.lower() not in TRACKING_PARAMS]
    return urlencode(kept, doseq=True) if len(kept) != len(pairs) else query


def domain_of(url_or_host: str) -> str:
    """Registrable domain key of a URL or a bare host."""
    return registrable_domain(split_host(url_or_host))
