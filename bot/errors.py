"""One exception base for everything a user can act on.

Every error says what was wrong, where (tab, row, column, file) and what to do.
"""

from __future__ import annotations


class GapbotError(Exception):
    """An error a user can fix. `str()` is the one line the CLI prints."""

    def __init__(self, what: str, *, where: str = "", fix: str = "") -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [f"{self.where}: {self.what}" if self.where else self.what]
        if self.fix:
            parts.append(self.fix)
        return " — ".join(parts)


class ConfigError(GapbotError):
    """Settings, environment or command-line options are wrong."""


class InputError(GapbotError):
    """A tab or export the team provided cannot be used as it is."""


class StoreError(GapbotError):
    """The sheet or workbook could not be read or written."""


class LimitError(StoreError):
    """A write would break a hard limit of the sheet (cells, characters)."""
