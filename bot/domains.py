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

from bot.buffers import ByteSet, TextBuffer, bools
from bot.urls import PSL, drop_www, registrable_domain, replace_where

_LABEL_BYTES = ByteSet(b"abcdefghijklmnopqrstuvwxyz0123456789_-.")
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


class _Labels(TextBuffer):
    """Where each host's labels are: the positions of its dots."""

    def __init__(self, hosts: pa.Array) -> None:
        super().__init__(hosts)
        dots = np.flatnonzero(self.body == _DOT) + self.base
        self.last_dot = np.searchsorted(dots, self.ends)  # one past the host's last dot
        self.dot_count = self.last_dot - np.searchsorted(dots, self.starts)
        self._dots = dots if len(dots) else np.zeros(1, np.int64)
        # plain: lower-case ASCII labels, none empty, not ending in a digit (IP literals)
        odd = self.rows_with_other_than(_LABEL_BYTES) | self.rows_of(dots[1:][np.diff(dots) == 1])  # ".."
        filled = self.ends > self.starts
        first, last = (
            self.data[np.where(filled, at, 0)] if len(self.data) else np.zeros(len(filled), np.uint8)
            for at in (self.starts, self.ends - 1)
        )
        self.plain = filled & ~odd & (first != _DOT) & (last != _DOT) & ~((last >= _ZERO) & (last <= _NINE))

    def suffixes(self, labels: np.ndarray | int, rows: np.ndarray) -> pa.Array:
        """The last `labels` labels of the hosts at `rows`, each of which has more labels than that."""
        return self.cut(self._dots[self.last_dot[rows] - labels] + 1, self.ends[rows])


def registrable_domains(hosts: pa.ChunkedArray | pa.Array) -> pa.Array:
    """`registrable_domain` of every host in a column. Every value is worked on: give it the
    distinct hosts of a column where they repeat."""
    if isinstance(hosts, pa.ChunkedArray):
        hosts = hosts.combine_chunks()
    hosts = pc.fill_null(hosts, "")
    # host_key again, as registrable_domain does; a host with upper-case letters is not plain and
    # goes through registrable_domain itself
    keys = drop_www(hosts).cast(pa.large_string())
    labels = _Labels(keys)
    n = len(keys)
    # the last k labels of a host of k labels are the host itself: those are matched once
    host_exact, host_special = bools(pc.is_in(keys, _RULES.exact)), bools(pc.is_in(keys, _RULES.special))
    depth = np.ones(n, np.int64)  # unknown TLDs count as one-label suffixes
    special = np.zeros(n, dtype=bool)
    for k in range(1, _RULES.max_labels + 1):
        whole = np.flatnonzero(labels.plain & (labels.dot_count == k - 1))
        special[whole] |= host_special[whole]
        depth[whole] = np.where(host_exact[whole], k, depth[whole])
        longer = np.flatnonzero(labels.plain & (labels.dot_count >= k))
        if not len(longer):
            break
        suffix = labels.suffixes(k, longer)
        special[longer] |= bools(pc.is_in(suffix, _RULES.special))
        depth[longer] = np.where(bools(pc.is_in(suffix, _RULES.exact)), k, depth[longer])
    # the registrable domain is one label more than the public suffix; a host that is a public
    # suffix itself has none
    rows = np.flatnonzero(labels.plain & ~special & (labels.dot_count >= depth))
    cut_rows = rows[labels.dot_count[rows] > depth[rows]]
    picks = np.full(n, n + len(cut_rows), np.int64)  # "" unless a domain is found below
    picks[rows] = rows  # the whole host
    picks[cut_rows] = n + np.arange(len(cut_rows))
    cut = labels.suffixes(depth[cut_rows] + 1, cut_rows)
    result = pa.concat_arrays([keys, cut, pa.array([""], pa.large_string())]).take(pa.array(picks))
    odd = ~labels.plain | special
    if odd.any():
        scalar = [registrable_domain(h) for h in hosts.filter(pa.array(odd)).to_pylist()]
        result = replace_where(result, pa.array(odd), pa.array(scalar, pa.large_string()))
    return result
