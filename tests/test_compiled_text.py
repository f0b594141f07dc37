"""The compiled column loops: against Python's own reading of the same values, on sliced and
empty arrays, and refusing input they were not written for. (That their keys equal the scalar
`url_key`, `host_key` and `registrable_domain` is tested through `bot.urls` and `bot.domains` in
test_urls.py.)"""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import compiled_text
from bot.domains import PSL_SUFFIXES, domains_where_known, registrable_domains
from bot.ingest.frame import BLOCK_ROWS, constant_column
from bot.urls import PSL, TRACKING_PARAMS, TRACKING_PREFIXES, host_keys_of, registrable_domain, url_key, url_keys

TEXTS = st.lists(st.text(max_size=12), max_size=30)
RULES = compiled_text.QueryRules(sorted(TRACKING_PARAMS), list(TRACKING_PREFIXES))


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.data())
def test_replace_rows_takes_replacements_in_order(values: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(values)))
    base = pa.array(values, pa.large_string()).slice(start)
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=len(base), max_size=len(base))), dtype=bool)
    replacements = data.draw(st.lists(st.text(max_size=5), min_size=int(rows.sum()), max_size=int(rows.sum())))
    out = compiled_text.replace_rows(base, rows, pa.array(replacements, pa.large_string()))
    given_values = iter(replacements)
    assert out.to_pylist() == [next(given_values) if r else v for v, r in zip(base.to_pylist(), rows, strict=True)]
    out.validate(full=True)


def test_replace_rows_refuses_a_count_that_does_not_match() -> None:
    base = pa.array(["a", "b", "c"], pa.large_string())
    with pytest.raises(ValueError, match="1 values for 2 of 3 rows"):
        compiled_text.replace_rows(base, np.array([True, False, True]), pa.array(["x"], pa.large_string()))


@pytest.mark.parametrize("value", ["", "export.csv", "münzkasse.com"])
@pytest.mark.parametrize("n", [0, 1, 1000])
def test_constant_text(value: str, n: int) -> None:
    array = compiled_text.constant_text(value, n)
    array.validate(full=True)
    assert array.type == pa.large_string() and array.to_pylist() == [value] * n


def test_loops_read_sliced_arrays_and_refuse_other_input() -> None:
    urls = pa.array(["junk", "https://www.A.com/x", "http://b.org", "ftp://c"], pa.large_string())
    status, spans = compiled_text.url_statuses(urls.slice(1, 2), RULES)
    none = pa.array([], pa.large_string())
    keys, hosts = compiled_text.url_keys(urls.slice(1, 2), RULES, status, spans, none, none)
    assert keys.to_pylist() == ["a.com/x", "b.org/"] and hosts.to_pylist() == ["a.com", "b.org"]
    with pytest.raises(TypeError, match="large_string"):
        compiled_text.url_statuses(pa.array(["http://a.com/"], pa.string()), RULES)
    with pytest.raises(ValueError, match="nulls"):
        compiled_text.host_statuses(pa.array(["a.com", None], pa.large_string()))
    with pytest.raises(TypeError, match="ChunkedArray"):  # the values given for unsettled rows: one array
        compiled_text.host_keys(urls, np.zeros(4, bool), pa.chunked_array([], pa.large_string()))


def test_values_for_unsettled_rows_must_match_them() -> None:
    hosts = pa.array(["a.com", "1.2.3.4", ""], pa.large_string())
    unsettled, own = compiled_text.host_statuses(hosts)
    assert unsettled.tolist() == [False, False, True] and not own
    with pytest.raises(ValueError, match="0 values for 1 of 3 rows"):
        compiled_text.host_keys(hosts, unsettled, pa.array([], pa.large_string()))
    lengths, own = compiled_text.domain_lengths(hosts, PSL_SUFFIXES)
    assert lengths.tolist() == [5, -1, -1] and own  # every settled host is its own domain
    with pytest.raises(ValueError, match="1 values for 2 of 3 rows"):
        compiled_text.registrable_domains(hosts, lengths, pa.array(["x"], pa.large_string()))
    domains = compiled_text.registrable_domains(hosts, lengths, pa.array(["x", "y"], pa.large_string()))
    assert domains.to_pylist() == ["a.com", "x", "y"]


def test_url_keys_refuse_a_row_the_caller_settled() -> None:
    urls = pa.array(["https://user@a.com/", "https://b.com/x"], pa.large_string())
    status, spans = compiled_text.url_statuses(urls, RULES)
    assert status.tolist() == [compiled_text.UrlStatus.GENERAL, compiled_text.UrlStatus.DONE]
    none, one = pa.array([], pa.large_string()), pa.array(["a.com/"], pa.large_string())
    with pytest.raises(ValueError, match="0 fixed keys"):
        compiled_text.url_keys(urls, RULES, status, spans, none, none)
    lowered = np.array([compiled_text.UrlStatus.DONE] * 2, np.uint8)
    with pytest.raises(ValueError, match="row 0 is not a URL keyed here"):
        compiled_text.url_keys(urls, RULES, lowered, spans, none, none)
    # spans belong to the values they were read from, not to equal ones elsewhere
    with pytest.raises(ValueError, match="another column"):
        compiled_text.url_keys(pa.array(urls.to_pylist(), pa.large_string()), RULES, status, spans, one, one)
    with pytest.raises(ValueError, match="another column"):
        compiled_text.url_keys(urls.slice(1), RULES, status[1:], spans, none, none)


def test_url_keys_take_the_fixed_values_of_unsettled_rows() -> None:
    urls = [
        "https://u@a.com:8080/p",
        "https://b.com/q?x=1&utm_id=2#top",
        "https://münz.de/",
        "http://c.com:80/?gclid=1",
    ]
    column = pa.array(urls, pa.large_string())
    status, spans = compiled_text.url_statuses(column, RULES)
    kinds = compiled_text.UrlStatus
    assert status.tolist() == [kinds.GENERAL, kinds.DONE, kinds.IDN_HOST, kinds.DONE]
    fixed = [url_key(u) for u, s in zip(urls, status, strict=True) if s >= kinds.IDN_HOST]
    keys, _ = compiled_text.url_keys(
        column,
        RULES,
        status,
        spans,
        pa.array(fixed, pa.large_string()),
        pa.array(["h"] * len(fixed), pa.large_string()),
    )
    assert keys.to_pylist() == ["a.com:8080/p", "b.com/q?x=1", "xn--mnz-hoa.de/", "c.com/"]
    assert compiled_text.url_statuses(pa.array(["http://a.com:8o/"], pa.large_string()), RULES)[0].tolist() == [
        kinds.GENERAL
    ]


def test_suffix_table_holds_exactly_its_suffixes() -> None:
    rules = sorted(PSL._publicsuffix)
    table = compiled_text.SuffixTable({rule: 1 + i % 7 for i, rule in enumerate(rules)})
    assert [table[rule] for rule in rules] == [1 + i % 7 for i in range(len(rules))]
    near = {r[:-1] for r in rules} | {r + "x" for r in rules} | {"x." + r for r in rules}
    assert not any(table[s] for s in near - set(rules))
    assert compiled_text.SuffixTable({})["com"] == 0


def test_registrable_domains_under_every_rule_of_the_list() -> None:
    """Two labels under each rule of the bundled list (Unicode rules, wildcards and exceptions
    included), and each rule on its own: the compiled loop and the scalar function agree."""
    rules = sorted(r.lstrip("!").removeprefix("*.") for r in PSL._publicsuffix)
    hosts = [f"www.a.b.{r}" for r in rules] + rules + [f"b.{r}" for r in rules]
    assert registrable_domains(pa.array(hosts)).to_pylist() == [registrable_domain(h) for h in hosts]


def test_columns_that_are_their_own_keys_are_given_back_as_they_are() -> None:
    domains = pa.array(["example.com", "news.bbc.co.uk", "a.blogspot.com", ""], pa.large_string())
    unsettled, own_keys = compiled_text.host_statuses(domains.slice(0, 3))
    assert not unsettled.any() and own_keys
    own = pa.array(["example.com", "bbc.co.uk", "a.blogspot.com"], pa.large_string())
    assert host_keys_of(own) is own and registrable_domains(own) is own
    chunked = pa.chunked_array([own, own.slice(1)])
    assert host_keys_of(chunked) is chunked and registrable_domains(chunked) is chunked
    # hosts without a domain (an IP literal, a public suffix): their own, where rows are dropped
    with_none = pa.array(["example.com", "203.0.113.9", "co.uk", ""], pa.large_string())
    domains, none = domains_where_known(with_none)
    assert domains is with_none and none.tolist() == [False, True, True, True]
    assert registrable_domains(with_none).to_pylist() == ["example.com", "", "", ""]
    # one value that is not: every value is keyed
    mixed = pa.array(["example.com", "WWW.Example.com", "news.bbc.co.uk"], pa.large_string())
    assert host_keys_of(mixed).to_pylist() == ["example.com", "example.com", "news.bbc.co.uk"]
    assert registrable_domains(mixed).to_pylist() == ["example.com", "example.com", "bbc.co.uk"]


HOSTS = st.lists(
    st.sampled_from(["a.com", "WWW.B.co.uk", "c.blogspot.com", "", "1.2.3.4", "münz.de", "x.y.kawasaki.jp", "d.org."]),
    max_size=25,
)
URLS = st.lists(
    st.sampled_from(
        ["https://a.com/x?utm_source=1", "http://www.B.org", "junk", "", "https://münz.de/p", "http://u@c.net:81/"]
    ),
    max_size=25,
)


def _chunked(values: list[str], cuts: list[int]) -> pa.ChunkedArray:
    """The values in chunks split at `cuts`, the first chunk sliced out of a longer array."""
    bounds = [0, *sorted(c % (len(values) + 1) for c in cuts), len(values)]
    chunks = [pa.array(values[a:b], pa.large_string()) for a, b in itertools.pairwise(bounds)]
    chunks[0] = pa.array(["pad", *values[: bounds[1]]], pa.large_string()).slice(1)
    return pa.chunked_array(chunks, pa.large_string())


@settings(max_examples=60, deadline=None)
@given(HOSTS, URLS, st.lists(st.integers(0, 30), max_size=4))
def test_chunked_columns_are_read_where_they_are(hosts: list[str], urls: list[str], cuts: list[int]) -> None:
    """Every loop gives the same values for a column in chunks (read in place) as for one array."""
    whole_hosts, chunked_hosts = pa.array(hosts, pa.large_string()), _chunked(hosts, cuts)
    assert host_keys_of(chunked_hosts).to_pylist() == host_keys_of(whole_hosts).to_pylist()
    assert registrable_domains(chunked_hosts).to_pylist() == registrable_domains(whole_hosts).to_pylist()
    assert compiled_text.longest(chunked_hosts) == max((len(h.encode()) for h in hosts), default=0)
    keys, url_hosts = url_keys(_chunked(urls, cuts))
    assert keys.to_pylist() == [url_key(u) for u in urls]
    assert url_hosts.to_pylist() == url_keys(pa.array(urls, pa.large_string()))[1].to_pylist()
    rows = np.array([i % 3 == 0 for i in range(len(hosts))], bool)
    replaced = compiled_text.replace_rows(chunked_hosts, rows, pa.array(["r"] * int(rows.sum()), pa.large_string()))
    assert replaced.to_pylist() == ["r" if r else h for h, r in zip(hosts, rows, strict=True)]


@pytest.mark.parametrize("n", [0, 3, BLOCK_ROWS, 2 * BLOCK_ROWS + 5])
def test_a_constant_column_is_one_shared_block(n: int) -> None:
    column = constant_column("export.csv", n)
    assert column.type == pa.large_string() and len(column) == n
    assert column.to_pylist() == ["export.csv"] * n
    assert len({chunk.buffers()[2].address for chunk in column.chunks}) <= 1
    assert constant_column(None, n).null_count == n
