"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

Every answer comes from `publicsuffixlist`. A host that no rule of the list names, under a parent
with no wildcard rule, has the public suffix of its parent (the list is read label by label from
the end, and only a rule naming the host itself, or a wildcard over its parent, could add the
host's first label). So such a host's registrable domain is the host itself where its parent is
a rule of the list (`com`, `co.uk`, `blogspot.com`: nearly every host a referring-domains report
names), found by one set lookup; otherwise its parent's, and the list is asked once per distinct
parent (a site with subdomains), not once per host. The rest go to `registrable_domain`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from publicsuffixlist import PSLFILE, encode_idn

from bot.columns import Column, bools, by_pieces, on_distinct, per_distinct, replace_where, text_column
from bot.urls import PLAIN_HOST_NAME, PSL, ip_literals, registrable_domain


def _listed_names() -> tuple[pa.Array, pa.Array, pa.Array]:
    """(every name a rule of the bundled list names: a suffix, a wildcard's parent or an exception;
    the parents of wildcard rules; the names that are public suffixes by a plain rule and named by
    no exception), from the file `PSL` was read from, in the forms it matches: lower case, and in
    punycode too."""
    names: set[str] = set()
    wildcards: set[str] = set()
    plain: set[str] = set()
    exceptions: set[str] = set()
    with open(PSLFILE, encoding="utf-8") as source:
        for line in source:
            rule = line.lower().split(" ")[0].rstrip()  # as publicsuffixlist reads a line
            if not rule or rule.startswith("//"):
                continue
            name = rule.removeprefix("!").removeprefix("*.")
            forms = {name, encode_idn(name)}
            names |= forms
            if rule.startswith("*."):
                wildcards |= forms
            elif rule.startswith("!"):
                exceptions |= forms
            else:
                plain |= forms
    return tuple(pa.array(sorted(group), pa.string()) for group in (names, wildcards, plain - exceptions))


LISTED, WILDCARD_PARENTS, SUFFIXES = _listed_names()


def registrable_domains(hosts: Column, distinct: bool = False) -> Column:
    """`registrable_domain` of every host in a column (nulls read as ""). The work is done once
    per distinct host, unless the caller knows the hosts to be `distinct` (a referring-domains
    report): then finding the distinct ones would cost more than it saves."""
    if distinct:
        return by_pieces(text_column(hosts), _domains)
    return on_distinct(hosts, lambda distinct_hosts: (by_pieces(distinct_hosts, _domains),))[0]


def domains_where_known(hosts: Column, distinct: bool = False) -> tuple[Column, np.ndarray]:
    """(`registrable_domain` of every host, which hosts have none)."""
    domains = registrable_domains(hosts, distinct)
    return domains, bools(pc.equal(domains, ""))


def _domains(hosts: Column) -> Column:
    # host names that are their own keys (nearly all: the columns come from `url_keys` or
    # `host_keys_of`), with a parent
    named = pc.and_not(pc.match_substring_regex(hosts, PLAIN_HOST_NAME), pc.starts_with(hosts, "www."))
    named = bools(pc.and_(named, pc.match_substring(hosts, "."))) & ~ip_literals(hosts)
    named_hosts = hosts.filter(pa.array(named))
    parents = pc.list_element(pc.split_pattern(named_hosts, ".", max_splits=1), 1)
    by_parent = ~bools(pc.is_in(named_hosts, LISTED)) & ~bools(pc.is_in(parents, WILDCARD_PARENTS))
    # under a public suffix the host is its own registrable domain; deeper, it is its parent's
    deeper = by_parent & ~bools(pc.is_in(parents, SUFFIXES))
    of_parent = per_distinct(parents.filter(pa.array(deeper)), lambda parent: PSL.privatesuffix(parent) or "")
    own = named_hosts.filter(pa.array(deeper))
    named_domains = replace_where(named_hosts, deeper, pc.if_else(pc.equal(of_parent, ""), own, of_parent))
    done = np.zeros(len(hosts), dtype=bool)
    done[np.flatnonzero(named)[by_parent]] = True
    domains = replace_where(hosts, named, named_domains)
    others = [registrable_domain(h) for h in hosts.filter(pa.array(~done)).to_pylist()]
    return replace_where(domains, ~done, pa.array(others, hosts.type))
