"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

The Public Suffix List is asked once per distinct host: exports repeat a site's host on every
page that links, and `publicsuffixlist` answers a host in microseconds.
"""

from __future__ import annotations

import numpy as np
import pyarrow.compute as pc

from bot.columns import Column, bools, per_distinct
from bot.urls import registrable_domain


def registrable_domains(hosts: Column) -> Column:
    """`registrable_domain` of every host in a column (nulls read as "")."""
    return per_distinct(hosts, registrable_domain)


def domains_where_known(hosts: Column) -> tuple[Column, np.ndarray]:
    """(`registrable_domain` of every host, which hosts have none)."""
    domains = registrable_domains(hosts)
    return domains, bools(pc.equal(domains, ""))
