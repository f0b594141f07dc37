from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.crawl.resolver import ResolveError, SystemResolver, ip_literal
from tests.backends import BACKENDS, Backend

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests run offline: the system resolver knows no name (a test that crawls passes its own
    resolver for its local server), and the page cache lives in the test's own folder."""

    system = SystemResolver.resolve

    async def no_names(self: SystemResolver, host: str, port: int) -> list[str]:
        literal = ip_literal(host)
        if literal:
            return [literal]
        if host.lower().rstrip(".") == "localhost":
            return await system(self, host, port)
        try:  # numeric spellings (2130706433, 0x7f.1) still resolve, as they do without a network
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
        except socket.gaierror:
            raise ResolveError(f"{host!r} does not resolve (tests run offline)") from None
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    monkeypatch.setattr(SystemResolver, "resolve", no_names)
    monkeypatch.setenv("GAPBOT_PAGE_CACHE", str(tmp_path / "pages.sqlite"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the workbook cells cache, version files


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """Each store backend in turn: the contract tests run against all of them."""
    return BACKENDS[request.param](tmp_path)
