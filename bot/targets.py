"""Which sheet to work on: a local workbook or a Google Sheet, from options or environment."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ConfigError
from .stores import Store, WorkbookStore

WORKBOOK_ENV = "GAPBOT_WORKBOOK"
SHEET_ENV = "GAPBOT_SHEET_ID"


def open_store(workbook: str | None, sheet: str | None) -> Store:
    workbook = workbook or os.environ.get(WORKBOOK_ENV) or None
    sheet = sheet or os.environ.get(SHEET_ENV) or None
    if workbook and sheet:
        raise ConfigError(
            "both a workbook and a Google Sheet were given",
            where="--workbook/--sheet",
            fix=f"choose one (check {WORKBOOK_ENV} and {SHEET_ENV} in the environment and .env)",
        )
    if sheet:
        raise ConfigError(
            "Google Sheets are not available in this version",
            where="--sheet",
            fix="use --workbook PATH for a local .xlsx workbook",
        )
    if not workbook:
        raise ConfigError(
            "no sheet to work on",
            fix=f"pass --workbook PATH (or set {WORKBOOK_ENV}); `gapbot demo` makes one to try",
        )
    path = Path(workbook)
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"{workbook!r} is not an .xlsx file", where="--workbook", fix="give a path ending in .xlsx")
    return WorkbookStore(path)
