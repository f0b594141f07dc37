"""gapbot's Arrow memory pool: jemalloc where the build has it, the environment's choice kept."""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest

PROBE = (
    "from bot.memory import use_reusing_pool; use_reusing_pool(); "
    "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
)


def _pool_after_start(**environment: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"} | environment
    child = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    return child.stdout.strip()


def test_jemalloc_where_the_build_has_it() -> None:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:
        pytest.skip("this pyarrow build has no jemalloc: the default pool is kept")
    assert _pool_after_start() == "jemalloc"


def test_a_pool_chosen_in_the_environment_is_kept() -> None:
    assert _pool_after_start(ARROW_DEFAULT_MEMORY_POOL="system") == "system"
