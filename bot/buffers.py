"""numpy views of Arrow's bit-packed booleans: Arrow hands a boolean array to numpy value by
value; unpacking its bits is one pass."""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def bits(buffer: pa.Buffer | None, offset: int, n: int, default: bool) -> np.ndarray:
    """`n` bits of an Arrow bitmap from bit `offset` (an absent bitmap is all `default`)."""
    if buffer is None:
        return np.full(n, default)
    first, last = offset // 8, (offset + n + 7) // 8  # only the bytes that hold them
    unpacked = np.unpackbits(np.frombuffer(buffer, np.uint8, count=last - first, offset=first), bitorder="little")
    return unpacked[offset % 8 : offset % 8 + n].view(bool)


def bools(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, nulls read as False."""
    array = mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask
    validity, data = array.buffers()[:2]
    values = bits(data, array.offset, len(array), False)
    if validity is not None:
        values &= bits(validity, array.offset, len(array), True)
    return values
