"""numpy views of Arrow buffers: bit-packed booleans, and the offsets and bytes of text columns.

Arrow hands a boolean array to numpy value by value; unpacking its bits is one pass. Text is read
in place: where each value starts and ends in one byte buffer, so per-byte questions ("which
values hold a character outside this set") cost a few comparisons per byte instead of a regex.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa


def bits(buffer: pa.Buffer | None, offset: int, n: int, default: bool) -> np.ndarray:
    """`n` bits of an Arrow bitmap from bit `offset` (an absent bitmap is all `default`)."""
    if buffer is None:
        return np.full(n, default)
    return np.unpackbits(np.frombuffer(buffer, np.uint8), bitorder="little")[offset : offset + n].astype(bool)


def bools(mask: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, nulls read as False."""
    array = mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask
    validity, data = array.buffers()[:2]
    values = bits(data, array.offset, len(array), False)
    if validity is not None:
        values &= bits(validity, array.offset, len(array), True)
    return values


class ByteSet:
    """A set of bytes, tested on a whole buffer with one wrapping subtraction per run of bytes."""

    def __init__(self, chars: bytes) -> None:
        self.runs: list[tuple[int, int]] = []  # (first byte, length - 1)
        for byte in sorted(set(chars)):
            if self.runs and sum(self.runs[-1]) + 1 == byte:
                self.runs[-1] = (self.runs[-1][0], self.runs[-1][1] + 1)
            else:
                self.runs.append((byte, 0))

    def holds(self, data: np.ndarray) -> np.ndarray:
        # three buffers for every run: new memory costs more than the comparisons
        found, hit, shifted = np.zeros(len(data), dtype=bool), np.empty(len(data), bool), np.empty_like(data)
        for first, span in self.runs:
            np.subtract(data, np.uint8(first), out=shifted)  # uint8 wraps below `first`
            np.less_equal(shifted, np.uint8(span), out=hit)
            found |= hit
        return found


class TextBuffer:
    """Where each value of a text column lies in its byte buffer."""

    def __init__(self, text: pa.Array) -> None:
        self.text = text
        n = len(text)
        offset_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
        offsets = np.frombuffer(text.buffers()[1], offset_type)[text.offset : text.offset + n + 1].astype(np.int64)
        data = text.buffers()[2]
        self.data = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
        self.starts, self.ends = offsets[:-1], offsets[1:]
        self.body = self.data[offsets[0] : offsets[-1]]  # the bytes of these values
        self.base = int(offsets[0])

    def rows_of(self, positions: np.ndarray) -> np.ndarray:
        """Mask of the values holding any of these buffer positions."""
        rows = np.zeros(len(self.starts), dtype=bool)
        rows[np.searchsorted(self.ends, positions, side="right")] = True
        return rows

    def rows_with_other_than(self, allowed: ByteSet) -> np.ndarray:
        """Mask of the values holding a byte outside `allowed`."""
        outside = allowed.holds(self.body)
        np.logical_not(outside, out=outside)
        return self.rows_of(np.flatnonzero(outside) + self.base)

    def cut(self, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
        """The byte ranges [start, end) of the buffer as a new text array."""
        lengths = ends - starts
        offsets = np.zeros(len(starts) + 1, np.int64)
        np.cumsum(lengths, out=offsets[1:])
        index = np.int32 if len(self.data) < 2**31 else np.int64  # half the memory traffic where it fits
        positions = np.arange(offsets[-1], dtype=index) + np.repeat((starts - offsets[:-1]).astype(index), lengths)
        return pa.Array.from_buffers(
            pa.large_string(), len(starts), [None, pa.py_buffer(offsets), pa.py_buffer(self.data[positions])]
        )
