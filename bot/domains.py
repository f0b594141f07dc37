"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

The Public Suffix List is asked once per distinct host: exports repeat a site's host on every
page that links, and `publicsuffixlist` answers a host in a few microseconds.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bot.columns import Column, bools, on_distinct
from bot.urls import PLAIN_HOST_NAME, PSL, ip_literals, registrable_domain


def registrable_domains(hosts: Column) -> Column:
    """`registrable_domain` of every host in a column (nulls read as "")."""
    return on_distinct(hosts, _distinct_domains)[0]


def domains_where_known(hosts: Column) -> tuple[Column, np.ndarray]:
    """(`registrable_domain` of every host, which hosts have none)."""
    domains = registrable_domains(hosts)
    return domains, bools(pc.equal(domains, ""))


def _distinct_domains(hosts: pa.Array) -> tuple[pa.Array]:
    # host names that are their own keys (nearly all: the columns come from `url_keys` or
    # `host_keys_of`) go to the list directly; the others through `registrable_domain`
    named = pc.and_not(pc.match_substring_regex(hosts, PLAIN_HOST_NAME), pc.starts_with(hosts, "www."))
    named = bools(named) & ~ip_literals(hosts)
    domains = [
        (PSL.privatesuffix(host) or "") if name else registrable_domain(host)
        for host, name in zip(hosts.to_pylist(), named.tolist(), strict=True)
    ]
    return (pa.array(domains, hosts.type),)
