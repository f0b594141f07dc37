"""Registrable domains of whole host columns, equal to `bot.urls.registrable_domain` host by host.

Every answer comes from `publicsuffixlist`. A host that no rule of the list names, under a parent
with no wildcard rule, has the public suffix of its parent (the list is read label by label from
the end, and only a rule naming the host itself, or a wildcard over its parent, could add the
host's first label). So such a host's registrable domain is its parent's, or the host itself
where the parent is a public suffix: the list is asked once per distinct parent (`com`, `co.uk`,
`blogspot.com`, a site with subdomains), not once per host. The rest go to `registrable_domain`.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from publicsuffixlist import PSLFILE, encode_idn

from bot.columns import Column, bools, on_distinct, per_distinct, replace_where, text_column
from bot.urls import PLAIN_HOST_NAME, PSL, ip_literals, registrable_domain


def _listed_names() -> tuple[pa.Array, pa.Array]:
    """(every name a rule of the bundled list names: a suffix, a wildcard's parent or an exception;
    the parents of wildcard rules), from the file `PSL` was read from, in the forms it matches:
    lower case, and in punycode too."""
    names: set[str] = set()
    wildcards: set[str] = set()
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
    return pa.array(sorted(names), pa.string()), pa.array(sorted(wildcards), pa.string())


LISTED, WILDCARD_PARENTS = _listed_names()


def registrable_domains(hosts: Column, distinct: bool = False) -> Column:
    """`registrable_domain` of every host in a column (nulls read as ""). The work is done once
    per distinct host, unless the caller knows the hosts to be `distinct` (a referring-domains
    report): then finding the distinct ones would cost more than it saves."""
    return _domains(text_column(hosts))[0] if distinct else on_distinct(hosts, _domains)[0]


def domains_where_known(hosts: Column, distinct: bool = False) -> tuple[Column, np.ndarray]:
    """(`registrable_domain` of every host, which hosts have none)."""
    domains = registrable_domains(hosts, distinct)
    return domains, bools(pc.equal(domains, ""))


def _domains(hosts: Column) -> tuple[Column]:
    # host names that are their own keys (nearly all: the columns come from `url_keys` or
    # `host_keys_of`), with a parent
    named = pc.and_not(pc.match_substring_regex(hosts, PLAIN_HOST_NAME), pc.starts_with(hosts, "www."))
    named = bools(pc.and_(named, pc.match_substring(hosts, "."))) & ~ip_literals(hosts)
    parents = pc.replace_substring_regex(hosts, r"^[^.]*\.", "", max_replacements=1)
    by_parent = named & ~bools(pc.is_in(hosts, LISTED)) & ~bools(pc.is_in(parents, WILDCARD_PARENTS))
    own = hosts.filter(pa.array(by_parent))
    # "" where the parent is itself a public suffix: then the host is its own registrable domain
    of_parent = per_distinct(parents.filter(pa.array(by_parent)), lambda parent: PSL.privatesuffix(parent) or "")
    domains = replace_where(hosts, by_parent, pc.if_else(pc.equal(of_parent, ""), own, of_parent))
    others = [registrable_domain(h) for h in hosts.filter(pa.array(~by_parent)).to_pylist()]
    return (replace_where(domains, ~by_parent, pa.array(others, hosts.type)),)
