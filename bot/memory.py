"""Arrow's memory pool for gapbot's column work.

A run is a fresh process that reads exports once: nearly every buffer it makes is memory touched
for the first time. Arrow's default pool on Linux (mimalloc) hands freed memory back and takes
new pages for the next step, which doubles the time of a million-row ingest; jemalloc keeps
reusing them (`bench/bench_ingest.py`: 2.1 s -> 1.3 s for a 1M-row Semrush export).
"""

from __future__ import annotations

import contextlib
import os

import pyarrow as pa

POOL_ENV = "ARROW_DEFAULT_MEMORY_POOL"  # Arrow's own variable: a pool chosen there is kept


def use_reusing_pool() -> None:
    """Make jemalloc Arrow's pool, unless the environment chose one or this build has none (Windows)."""
    if os.environ.get(POOL_ENV):
        return
    with contextlib.suppress(NotImplementedError):
        pa.set_memory_pool(pa.jemalloc_memory_pool())
