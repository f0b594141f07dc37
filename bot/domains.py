"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

Plain lower-case ASCII host names are matched against the Public Suffix List's rules in one
compiled pass (`bot.compiled_text.registrable_domains`), read from their end label by label for
as long as some rule is longer. Other host names, IP literals, and hosts under a wildcard or
exception rule go through the scalar function.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from bot import compiled_text
from bot.urls import PSL, registrable_domain, text_column


def _psl_table() -> compiled_text.SuffixTable:
    """Every suffix the bundled list names (as publicsuffixlist parsed it), and every shorter
    suffix of those, with its flags."""
    flags: dict[str, int] = {}
    for rule in PSL._publicsuffix:
        if rule.startswith(("*.", "!")):  # the suffix a wildcard or an exception starts from
            suffix, flag = rule.removeprefix("*.").removeprefix("!"), _FLAG.SPECIAL
        else:
            suffix, flag = rule, _FLAG.PUBLIC
        flags[suffix] = flags.get(suffix, 0) | flag
        labels = suffix.split(".")
        for k in range(1, len(labels)):
            shorter = ".".join(labels[k:])
            flags[shorter] = flags.get(shorter, 0) | _FLAG.LONGER
    return compiled_text.SuffixTable(flags)


_FLAG = compiled_text.SuffixFlag
PSL_SUFFIXES = _psl_table()


def registrable_domains(hosts: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    """`registrable_domain` of every host in a column (nulls read as "")."""
    return _domains(hosts, exact=True)[0]


def domains_where_known(hosts: pa.ChunkedArray | pa.Array) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray]:
    """(`registrable_domain` of every host that has one, which hosts have none), for callers that
    drop the rows without one: their value in the column is whatever costs least (often the host
    itself, so that a column of hosts that are their own domains is given back with no new memory)."""
    return _domains(hosts, exact=False)


def _domains(hosts: pa.ChunkedArray | pa.Array, exact: bool) -> tuple[pa.Array | pa.ChunkedArray, np.ndarray]:
    hosts = text_column(hosts)
    lengths, own = compiled_text.domain_lengths(hosts, PSL_SUFFIXES)
    other = lengths < 0
    none = lengths == 0
    own = own and not (exact and none.any())
    scalar: list[str] = []
    if other.any():
        other_hosts = hosts.filter(pa.array(other)).to_pylist()
        scalar = [registrable_domain(h) for h in other_hosts]
        none[other] = [not d for d in scalar]
        own = own and all(d == h or (not d and not exact) for d, h in zip(scalar, other_hosts, strict=True))
    if own:  # hosts that are their own domains: the column itself
        return hosts, none
    return compiled_text.registrable_domains(hosts, lengths, pa.array(scalar, pa.large_string())), none
