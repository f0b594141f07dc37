"""numpy views of Arrow's booleans agree with Arrow's own reading of the same arrays."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.buffers import bools


@settings(max_examples=80, deadline=None)
@given(st.lists(st.none() | st.booleans(), max_size=40), st.integers(0, 10), st.integers(0, 40))
def test_bools_of_sliced_arrays_read_nulls_as_false(values: list[bool | None], start: int, length: int) -> None:
    array = pa.array(values, pa.bool_()).slice(start, length)
    assert bools(array).tolist() == [bool(v) for v in array.to_pylist()]
    assert bools(pa.chunked_array([array, array], pa.bool_())).tolist() == [bool(v) for v in array.to_pylist()] * 2
