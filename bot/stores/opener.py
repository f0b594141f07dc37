"""Which sheet to work on: a local workbook or a Google Sheet, from options or environment."""

from __future__ import annotations

import os
import re
from pathlib import Path

from bot.errors import ConfigError
from sheets_schema import TABS_BY_NAME

from .base import Store
from .workbook import WorkbookStore

SHEET_URL = re.compile(r"/spreadsheets/d/(?P<id>[A-Za-z0-9_-]+)")
SHEET_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")
WORKBOOK_ENV = "GAPBOT_WORKBOOK"
SHEET_ENV = "GAPBOT_SHEET_ID"


def open_store(workbook: str | None, sheet: str | None, *, create: bool = False) -> Store:
    """The store the options or environment name; a workbook must exist and be gapbot's unless
    `create` (`gapbot init` makes or extends one)."""
    workbook = workbook or os.environ.get(WORKBOOK_ENV) or None
    sheet = sheet or os.environ.get(SHEET_ENV) or None
    if workbook and sheet:
        raise ConfigError(
            "both a workbook and a Google Sheet were given",
            where="--workbook/--sheet",
            fix=f"choose one (check {WORKBOOK_ENV} and {SHEET_ENV} in the environment and .env)",
        )
    if sheet:
        # here, not at the top: a run on a workbook never loads the Google client libraries
        from .google_sheet import GoogleSheetStore

        google = GoogleSheetStore(sheet_id(sheet))
        google.version_file = version_file(google.spreadsheet_id)
        return google
    if not workbook:
        raise ConfigError(
            "no sheet to work on",
            fix=f"pass --workbook PATH (or set {WORKBOOK_ENV}); `gapbot demo` makes one to try",
        )
    path = Path(workbook)
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"{workbook!r} is not an .xlsx file", where="--workbook", fix="give a path ending in .xlsx")
    store = WorkbookStore(path)
    if create:
        return store
    if not path.is_file():
        raise ConfigError(
            f"the workbook {str(path)!r} does not exist",
            where="--workbook",
            fix=f"check the path; `gapbot init --workbook {path}` creates a new one, `gapbot demo` makes one to try",
        )
    if not set(TABS_BY_NAME) & set(store.tab_names()):
        raise ConfigError(
            f"{str(path)!r} has none of gapbot's tabs, so it is left alone",
            where="--workbook",
            fix=f"to use this workbook, run `gapbot init --workbook {path}` first (it adds gapbot's tabs)",
        )
    return store


def sheet_id(text: str) -> str:
    """The spreadsheet ID from an ID or a sheet URL (people often paste the whole link)."""
    text = text.strip()
    m = SHEET_URL.search(text)
    if m:
        return m["id"]
    if SHEET_ID.match(text):
        return text
    raise ConfigError(
        f"{text!r} is not a Google Sheet ID",
        where=f"--sheet / {SHEET_ENV}",
        fix="give the ID from the sheet's URL (the part between /d/ and /edit) or paste the whole URL",
    )


def version_file(spreadsheet_id: str) -> Path:
    """Where a Google Sheet's last known version is kept between processes on this machine."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "gapbot" / f"{spreadsheet_id}-version"
