"""The link table handed from Arrow to pandas: strings stay in Arrow, flags and numbers become
pandas masked arrays of one numpy copy each."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from bot.linktable import LINK_COLUMNS, STRING

from .decode import TEXT

ARROW_TYPES = {STRING: TEXT, "boolean": pa.bool_(), "Float64": pa.float64(), "Int64": pa.int64()}
_MASKED = {"boolean": pd.arrays.BooleanArray, "Float64": pd.arrays.FloatingArray, "Int64": pd.arrays.IntegerArray}
_NUMPY_TYPES = {"boolean": np.bool_, "Float64": np.float64, "Int64": np.int64}


# A column with one value in every row (the export's name, its tool, a column it lacks) is one
# block of rows that every chunk of the column shares: a million rows cost a block, not a
# million values. The chunks are immutable like any Arrow data, so sharing them is safe.
BLOCK_ROWS = 1 << 16


def constant_column(value: str | None, n: int) -> pa.ChunkedArray:
    """`n` rows of `value` (None: null) as Arrow text."""
    rows = min(n, BLOCK_ROWS)
    block = pa.nulls(rows, TEXT) if value is None else pa.repeat(pa.scalar(value, TEXT), rows)
    full, rest = divmod(n, BLOCK_ROWS)
    return pa.chunked_array([block] * full + ([block.slice(0, rest)] if rest else []), TEXT)


def _masked(column: pa.Array | pa.ChunkedArray | None, dtype: str, n: int) -> pd.api.extensions.ExtensionArray:
    if column is None:  # zeros the system hands out without touching memory
        return _MASKED[dtype](np.zeros(n, _NUMPY_TYPES[dtype]), np.ones(n, bool))
    # one array (the kept rows come as thousands of slices), in a copy pandas may write to
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    array = array if array.type == ARROW_TYPES[dtype] else array.cast(ARROW_TYPES[dtype])
    values = array.fill_null(False if dtype == "boolean" else 0).to_numpy(zero_copy_only=False)
    missing = array.is_null().to_numpy(zero_copy_only=False)
    return _MASKED[dtype](np.array(values, _NUMPY_TYPES[dtype]), missing)


def link_frame(columns: dict[str, pa.Array | pa.ChunkedArray], n: int) -> pd.DataFrame:
    """The canonical link table of `n` rows from Arrow columns; absent columns are all NA."""
    out = {}
    absent = constant_column(None, n)
    for name, dtype in LINK_COLUMNS.items():
        column = columns.get(name)
        if dtype == STRING:
            text = absent if column is None else column.cast(TEXT)
            out[name] = pd.StringDtype("pyarrow").__from_arrow__(text)
        else:
            out[name] = _masked(column, dtype, n)
    return pd.DataFrame(out, copy=False)
