"""The whole-column helpers and the column keys on chunked, sliced and repeated input: the same
values as one plain array, and columns that are their own keys given back as they are. (That the
column keys equal the scalar `url_key`, `host_key` and `registrable_domain` is tested in
test_urls.py, and the scalar functions against outside references in test_urls_reference.py.)"""

from __future__ import annotations

import itertools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import columns
from bot.columns import bools, longest, replace_where
from bot.domains import domains_where_known, registrable_domains
from bot.ingest.frame import BLOCK_ROWS, constant_column
from bot.urls import host_keys_of, url_key, url_keys

TEXTS = st.lists(st.text(max_size=12), max_size=30)


@settings(max_examples=100, deadline=None)
@given(TEXTS, st.data())
def test_replace_where_takes_replacements_in_order(values: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(values)))
    base = pa.array(values, pa.large_string()).slice(start)
    rows = np.array(data.draw(st.lists(st.booleans(), min_size=len(base), max_size=len(base))), dtype=bool)
    replacements = data.draw(st.lists(st.text(max_size=5), min_size=int(rows.sum()), max_size=int(rows.sum())))
    out = replace_where(base, rows, pa.array(replacements, pa.string()))
    given_values = iter(replacements)
    assert out.to_pylist() == [next(given_values) if r else v for v, r in zip(base.to_pylist(), rows, strict=True)]
    assert out.type == pa.large_string()
    out.validate(full=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.none() | st.booleans(), max_size=40), st.integers(0, 10), st.integers(0, 40))
def test_bools_of_sliced_arrays_read_nulls_as_false(values: list[bool | None], start: int, length: int) -> None:
    array = pa.array(values, pa.bool_()).slice(start, length)
    assert bools(array).tolist() == [bool(v) for v in array.to_pylist()]
    assert bools(pa.chunked_array([array, array], pa.bool_())).tolist() == [bool(v) for v in array.to_pylist()] * 2


def test_columns_that_are_their_own_keys_are_given_back_as_they_are() -> None:
    own = pa.array(["example.com", "bbc.co.uk", "a.blogspot.com"], pa.large_string())
    assert host_keys_of(own) is own and registrable_domains(own) is own
    chunked = pa.chunked_array([own, own.slice(1)])
    assert host_keys_of(chunked) is chunked and registrable_domains(chunked) is chunked
    with_none = pa.array(["example.com", "203.0.113.9", "co.uk", ""], pa.large_string())
    domains, none = domains_where_known(with_none)
    assert domains.to_pylist() == ["example.com", "", "", ""] and none.tolist() == [False, True, True, True]
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
def test_chunked_columns_give_what_one_array_gives(hosts: list[str], urls: list[str], cuts: list[int]) -> None:
    whole_hosts, chunked_hosts = pa.array(hosts, pa.large_string()), _chunked(hosts, cuts)
    assert host_keys_of(chunked_hosts).to_pylist() == host_keys_of(whole_hosts).to_pylist()
    assert registrable_domains(chunked_hosts).to_pylist() == registrable_domains(whole_hosts).to_pylist()
    assert longest(chunked_hosts) == max((len(h.encode()) for h in hosts), default=0)
    keys, url_hosts = url_keys(_chunked(urls, cuts))
    assert keys.to_pylist() == [url_key(u) for u in urls]
    assert url_hosts.to_pylist() == url_keys(pa.array(urls, pa.large_string()))[1].to_pylist()
    rows = np.array([i % 3 == 0 for i in range(len(hosts))], bool)
    replaced = replace_where(chunked_hosts, rows, pa.array(["r"] * int(rows.sum()), pa.large_string()))
    assert replaced.to_pylist() == ["r" if r else h for h, r in zip(hosts, rows, strict=True)]


@pytest.mark.parametrize("n", [0, 3, BLOCK_ROWS, 2 * BLOCK_ROWS + 5])
def test_a_constant_column_is_one_shared_block(n: int) -> None:
    column = constant_column("export.csv", n)
    assert column.type == pa.large_string() and len(column) == n
    assert column.to_pylist() == ["export.csv"] * n
    assert len({chunk.buffers()[2].address for chunk in column.chunks}) <= 1
    assert constant_column(None, n).null_count == n


def test_a_long_column_keyed_in_pieces_equals_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    hosts = ["a.example.com", "bbc.co.uk", "x.blogspot.com", "203.0.113.9", "münz.de", "", "www.ck", "com"] * 5
    whole = registrable_domains(pa.array(hosts), distinct=True).to_pylist()
    monkeypatch.setattr(columns, "MIN_PIECE_ROWS", 4)
    monkeypatch.setattr(columns, "cores", lambda: 3)
    assert registrable_domains(pa.array(hosts), distinct=True).to_pylist() == whole
    assert registrable_domains(pa.array(hosts)).to_pylist() == whole
    assert columns.by_pieces(pa.array(hosts), lambda piece: pc.utf8_upper(piece)).to_pylist() == [
        h.upper() for h in hosts
    ]
