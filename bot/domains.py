"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

A host's labels are found once, from the positions of its dots in the Arrow text buffer; each
candidate suffix (the last k labels) is cut out with numpy and matched against the Public Suffix
List's rules with one `is_in` per depth. Host names that are not plain lower-case ASCII labels, IP
literals, and hosts under a wildcard or exception rule go through the scalar function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bot.urls import PSL, drop_www, registrable_domain, replace_where

_LABEL_BYTES = np.zeros(256, dtype=bool)
_LABEL_BYTES[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789_-.", np.uint8)] = True
_DOT, _ZERO, _NINE = ord("."), ord("0"), ord("9")


@dataclass(frozen=True)
class _Rules:
    exact: pa.Array  # suffixes that are public
    special: pa.Array  # suffixes a wildcard or exception rule starts from: left to publicsuffixlist
    max_labels: int


def _psl_rules() -> _Rules:
    rules = PSL._publicsuffix  # the bundled list, as publicsuffixlist parsed it
    exact = sorted(r for r in rules if not r.startswith(("!", "*.")))
    special = sorted({r[2:] for r in rules if r.startswith("*.")} | {r[1:] for r in rules if r.startswith("!")})
    return _Rules(pa.array(exact, pa.large_string()), pa.array(special, pa.large_string()), PSL._maxlabel)


_RULES = _psl_rules()


class _Labels:
    """Where each host's labels are in the text buffer of a large_string array."""

    def __init__(self, hosts: pa.Array) -> None:
        self.hosts = hosts
        n = len(hosts)
        offsets = np.frombuffer(hosts.buffers()[1], np.int64)[hosts.offset : hosts.offset + n + 1]
        data = hosts.buffers()[2]
        self.data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
        self.starts, self.ends = offsets[:-1], offsets[1:]
        body = self.data[offsets[0] : offsets[-1]]
        dots = np.flatnonzero(body == _DOT) + offsets[0]
        self.dot_count = np.searchsorted(dots, self.ends) - np.searchsorted(dots, self.starts)
        self._last_dot = np.searchsorted(dots, self.ends)  # one past the host's last dot
        self._dots = dots if len(dots) else np.zeros(1, np.int64)
        # plain: lower-case ASCII labels, none empty, not ending in a digit (IP literals)
        odd = self.rows_of(np.flatnonzero(~_LABEL_BYTES[body]) + offsets[0])
        odd |= self.rows_of(dots[1:][np.diff(dots) == 1])  # ".."
        filled = self.ends > self.starts
        first = self.data[np.where(filled, self.starts, 0)] if len(self.data) else np.zeros(n, np.uint8)
        last = self.data[np.where(filled, self.ends - 1, 0)] if len(self.data) else np.zeros(n, np.uint8)
        self.plain = filled & ~odd & (first != _DOT) & (last != _DOT) & ~((last >= _ZERO) & (last <= _NINE))

    def rows_of(self, positions: np.ndarray) -> np.ndarray:
        """Mask of the hosts holding any of these buffer positions."""
        rows = np.zeros(len(self.starts), dtype=bool)
        rows[np.searchsorted(self.ends, positions, side="right")] = True
        return rows

    def suffixes(self, labels: np.ndarray, rows: np.ndarray) -> pa.Array:
        """The last `labels` labels (at most the host's count) of the hosts at `rows`."""
        # a suffix that is the whole host is taken as it is; only shorter ones are cut out
        proper = self.dot_count[rows] >= labels
        cut_rows = rows[proper]
        dots = self._dots[self._last_dot[cut_rows] - labels[proper]]
        cut = _cut(self.data, dots + 1, self.ends[cut_rows])
        picks = rows.copy()
        picks[proper] = len(self.hosts) + np.arange(len(cut_rows))
        return pa.concat_arrays([self.hosts, cut]).take(pa.array(picks))


def _cut(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The byte ranges [start, end) of `data` as an Arrow text array."""
    lengths = ends - starts
    offsets = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    index = np.int32 if len(data) < 2**31 else np.int64  # half the memory traffic where it fits
    positions = np.arange(offsets[-1], dtype=index) + np.repeat((starts - offsets[:-1]).astype(index), lengths)
    return pa.Array.from_buffers(
        pa.large_string(), len(starts), [None, pa.py_buffer(offsets), pa.py_buffer(data[positions])]
    )


def _in(values: pa.Array, rules: pa.Array) -> np.ndarray:
    return pc.is_in(values, rules).to_numpy(zero_copy_only=False)


def registrable_domains(hosts: pa.ChunkedArray | pa.Array) -> pa.Array:
    """`registrable_domain` of every host in a column. Every value is worked on: give it the
    distinct hosts of a column where they repeat."""
    if isinstance(hosts, pa.ChunkedArray):
        hosts = hosts.combine_chunks()
    hosts = pc.fill_null(hosts, "")
    # host_key again (as registrable_domain does), then the PSL's own lower-casing of labels
    keys = drop_www(pc.utf8_lower(hosts)).cast(pa.large_string())
    labels = _Labels(keys)
    n = len(keys)
    depth = np.ones(n, np.int64)  # unknown TLDs count as one-label suffixes
    special = np.zeros(n, dtype=bool)
    for k in range(1, _RULES.max_labels + 1):
        rows = np.flatnonzero(labels.plain & (labels.dot_count >= k - 1))
        if not len(rows):
            break
        suffix = labels.suffixes(np.full(len(rows), k), rows)
        special[rows] |= _in(suffix, _RULES.special)
        depth[rows] = np.where(_in(suffix, _RULES.exact), k, depth[rows])
    # the registrable domain is one label more than the public suffix; a host that is a public
    # suffix itself has none
    rows = np.flatnonzero(labels.plain & ~special & (labels.dot_count >= depth))
    positions = np.full(n, len(rows), np.int64)  # "" unless a domain is cut out below
    positions[rows] = np.arange(len(rows))
    cut = labels.suffixes(depth[rows] + 1, rows)
    result = pa.concat_arrays([cut, pa.array([""], pa.large_string())]).take(pa.array(positions))
    odd = ~labels.plain | special
    if odd.any():
        scalar = [registrable_domain(h) for h in hosts.filter(pa.array(odd)).to_pylist()]
        result = replace_where(result, pa.array(odd), pa.array(scalar, pa.large_string()))
    return result
