from __future__ import annotations

from pathlib import Path

import pytest

from tests.backends import BACKENDS, Backend

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each store backend in turn: the contract tests run against all of them."""
    return BACKENDS[request.param](tmp_path)
