"""Whole Arrow text columns: work done once per distinct value, masks as numpy, joins.

Exports repeat the same host, page, number or flag many times, so a scalar function is mapped
over a column's distinct values and the results spread back over its rows; what Arrow can do to
a whole column at once (lower-casing, regular expressions, joins) it does in C++.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeAlias, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Column: TypeAlias = pa.Array | pa.ChunkedArray
_In = TypeVar("_In")
_Out = TypeVar("_Out")
#: Below this many rows a column is not split for threads: the split would cost more than it saves.
MIN_PIECE_ROWS = 1 << 16


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def map_each(func: Callable[[_In], _Out], pieces: Sequence[_In]) -> list[_Out]:
    """`func` of every piece, on as many threads as there are cores: Arrow's kernels release the GIL."""
    workers = min(len(pieces), cores())
    if workers <= 1:
        return [func(p) for p in pieces]
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(func, pieces))


def by_pieces(values: Column, func: Callable[[Column], Column]) -> Column:
    """`func` (row by row: each result row depends on its own row only) of a long column, one
    slice per core at once."""
    count = min(cores(), len(values) // MIN_PIECE_ROWS)
    if count <= 1:
        return func(values)
    size = -(-len(values) // count)
    results = map_each(func, [values.slice(start, size) for start in range(0, len(values), size)])
    return pa.concat_arrays([c for r in results for c in (r.chunks if isinstance(r, pa.ChunkedArray) else [r])])


def text_column(values: Column) -> Column:
    """A text column with nulls read as ""."""
    return pc.fill_null(values, "") if values.null_count else values


def bools(mask: Column) -> np.ndarray:
    """A boolean column as numpy, nulls read as False."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def longest(values: Column) -> int:
    """The most bytes a value of a text column holds (0 for none)."""
    most = pc.max(pc.binary_length(values)).as_py() if len(values) else None
    return most or 0


def join(*parts: Column | str, separator: str = "") -> Column:
    """Element-wise concatenation of string columns and constants, in the widest string type among them."""
    arrays = [p for p in parts if not isinstance(p, str)]
    text = pa.large_string() if any(a.type == pa.large_string() for a in arrays) else pa.string()
    typed = [pa.scalar(p, text) if isinstance(p, str) else p.cast(text) for p in parts]
    return pc.binary_join_element_wise(*typed, pa.scalar(separator, text))


def on_distinct(values: Column, func: Callable[[Column], tuple[Column, ...]]) -> tuple[Column, ...]:
    """The arrays `func` makes of a column's distinct values (nulls read as ""), spread over its rows."""
    values = text_column(values)
    # not dictionary_encode: a column read in blocks has a dictionary per chunk, slow to unify
    distinct = pc.unique(values)
    indices = pc.index_in(values, distinct)
    # a result equal to the distinct values is the column itself (dates already ISO): no new memory
    return tuple(values if result.equals(distinct) else result.take(indices) for result in func(distinct))


def per_distinct(values: Column, func: Callable[[str], object], dtype: pa.DataType | None = None) -> Column:
    """`func` of every value of a column, computed once per distinct value (nulls are read as "")."""
    return on_distinct(
        values, lambda distinct: (pa.array([func(v) for v in distinct.to_pylist()], dtype or distinct.type),)
    )[0]


def replace_where(values: Column, mask: Column | np.ndarray, replacements: Column) -> Column:
    """`values` with the masked positions taken from `replacements`, in order."""
    masked = mask if isinstance(mask, np.ndarray) else bools(mask)
    if not masked.any():
        return values
    if masked.all():
        return replacements.cast(values.type)
    if isinstance(replacements, pa.ChunkedArray):
        replacements = replacements.combine_chunks()  # the few replaced rows
    replacements = replacements.cast(values.type)
    if isinstance(values, pa.Array):
        return pc.replace_with_mask(values, pa.array(masked), replacements)
    # chunk by chunk: a chunk without a replaced row stays where it is (new memory is dear)
    chunks, start, used = [], 0, 0
    for chunk in values.chunks:
        rows = masked[start : start + len(chunk)]
        count = int(rows.sum())
        chunks.append(pc.replace_with_mask(chunk, pa.array(rows), replacements.slice(used, count)) if count else chunk)
        start, used = start + len(chunk), used + count
    return pa.chunked_array(chunks, values.type)
