"""numpy views of Arrow buffers agree with Arrow's own reading of the same arrays."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.buffers import ByteSet, TextBuffer, bools


@settings(max_examples=80, deadline=None)
@given(st.lists(st.none() | st.booleans(), max_size=40), st.integers(0, 10), st.integers(0, 40))
def test_bools_of_sliced_arrays_read_nulls_as_false(values: list[bool | None], start: int, length: int) -> None:
    array = pa.array(values, pa.bool_()).slice(start, length)
    assert bools(array).tolist() == [bool(v) for v in array.to_pylist()]
    assert bools(pa.chunked_array([array, array], pa.bool_())).tolist() == [bool(v) for v in array.to_pylist()] * 2


def test_byte_set_holds_exactly_its_bytes() -> None:
    allowed = ByteSet(b"abcxyz019_-.")
    every = np.arange(256, dtype=np.uint8)
    assert bytes(every[allowed.holds(every)]) == b"-.019_abcxyz"


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=8), max_size=20), st.integers(0, 5), st.sampled_from([pa.string(), pa.large_string()]))
def test_text_buffer_finds_values_and_cuts_suffixes(values: list[str], start: int, kind: pa.DataType) -> None:
    array = pa.array(values, kind).slice(start)
    text = TextBuffer(array)
    kept = array.to_pylist()
    odd = text.rows_with_other_than(ByteSet(b"abcdefghijklmnopqrstuvwxyz"))
    assert odd.tolist() == [any(not ("a" <= c <= "z") for c in v) for v in kept]
    # the last byte of every non-empty ASCII value
    rows = np.flatnonzero([v != "" and v.isascii() for v in kept])
    cut = text.cut(text.ends[rows] - 1, text.ends[rows])
    assert cut.to_pylist() == [kept[i][-1] for i in rows]
