"""The page cache: linking pages already read, kept in one SQLite file so a rerun does not fetch
them again.

One table, documented in the README so other tools and tests may fill it:

    pages(url TEXT PRIMARY KEY, fetched_at TEXT, status INTEGER, final_url TEXT,
          content_type TEXT, body BLOB)

`url` is the linking page exactly as the export wrote it, `fetched_at` ISO 8601 UTC, `body` the
bytes received (at most `MAX_BODY` bytes). Only answers are kept: a page that could not be
fetched (no network, DNS, timeout, 5xx) is unknown and is tried again on the next run.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .fetcher import decode_body
from .result import FetchResult

ENV_VAR = "GAPBOT_PAGE_CACHE"
MAX_BODY = 2_000_000
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pages (url TEXT PRIMARY KEY, fetched_at TEXT, status INTEGER, "
    "final_url TEXT, content_type TEXT, body BLOB)"
)
_SHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class CachedPage:
    url: str
    fetched_at: datetime
    status: int
    final_url: str
    content_type: str
    body: bytes

    @property
    def is_html(self) -> bool:
        kind = self.content_type.split(";", 1)[0].strip().lower()
        return kind in ("text/html", "application/xhtml+xml") or (
            not kind and self.body.lstrip()[:200].lower().startswith((b"<!doctype html", b"<html"))
        )

    @property
    def html(self) -> str:
        return decode_body(self.body, self.content_type)


def default_cache_path(location: str) -> Path | None:
    """`$GAPBOT_PAGE_CACHE`; else `<workbook name>-pages.sqlite` beside a workbook; else, for a
    Google Sheet, `<sheet ID>-pages.sqlite` under the user's cache directory; None (a cache that
    lasts one run) for a sheet kept in memory."""
    return beside_sheet(location, "-pages.sqlite", ENV_VAR)


def beside_sheet(location: str, suffix: str, env_var: str) -> Path | None:
    """Where a sheet's own cache lives: `$env_var`; else beside a workbook, named after it; else
    under the user's cache directory for a Google Sheet; None for a sheet kept in memory."""
    chosen = os.environ.get(env_var, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    sheet = _SHEET_ID.search(location)
    if sheet:
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
        return Path(base) / "gapbot" / f"{sheet.group(1)}{suffix}"
    if location in ("", "memory"):
        return None
    workbook = Path(location)
    return workbook.with_name(f"{workbook.stem}{suffix}")


class PageCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path if path is not None else ":memory:")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def fresh(self, urls: Iterable[str], max_age_days: int, now: datetime) -> dict[str, CachedPage]:
        """The cached answers for `urls` fetched less than `max_age_days` before `now`."""
        wanted = list(dict.fromkeys(urls))
        oldest = now.astimezone(UTC) - timedelta(days=max_age_days)
        found: dict[str, CachedPage] = {}
        for start in range(0, len(wanted), 500):  # SQLite caps the number of bound parameters
            chunk = wanted[start : start + 500]
            rows = self._db.execute(
                f"SELECT url, fetched_at, status, final_url, content_type, body FROM pages "
                f"WHERE url IN ({','.join('?' * len(chunk))})",
                chunk,
            )
            for url, fetched_at, status, final_url, content_type, body in rows:
                when = _parsed_time(fetched_at)
                if when is not None and when > oldest and status is not None:
                    found[url] = CachedPage(
                        url, when, int(status), final_url or url, content_type or "", bytes(body or b"")
                    )
        return found

    def keep(self, results: Mapping[str, FetchResult], now: datetime) -> int:
        """Store every answer below 500 under the URL it was asked for; how many were stored."""
        rows = [
            (
                url,
                now.astimezone(UTC).isoformat(timespec="seconds"),
                result.status,
                result.final_url,
                result.headers.get("content-type", ""),
                result.body[:MAX_BODY],
            )
            for url, result in results.items()
            if result.fetched and result.status is not None and result.status < 500
        ]
        self._db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._db.commit()
        return len(rows)

    def close(self) -> None:
        self._db.close()


def _parsed_time(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
