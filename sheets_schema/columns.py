"""The building blocks of a tab declaration: columns, owners, types and formats."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Owner(enum.Enum):
    """Who may write a column. gapbot never overwrites a TEAM cell of an existing row."""

    BOT = "gapbot"
    TEAM = "team"


class ColumnType(enum.Enum):
    TEXT = "text"
    URL = "url"
    INTEGER = "integer"
    NUMBER = "number"
    PERCENT = "percent"
    DATE = "date"
    DATETIME = "datetime"
    CHOICE = "choice"


# Number formats understood by both Excel/openpyxl and the Sheets API ("pattern").
NUMBER_FORMATS: dict[ColumnType, str] = {
    ColumnType.INTEGER: "0",
    ColumnType.NUMBER: "0.0",
    ColumnType.PERCENT: "0%",
    ColumnType.DATE: "yyyy-mm-dd",
    ColumnType.DATETIME: "yyyy-mm-dd hh:mm",
}

NUMERIC_TYPES = frozenset({ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.PERCENT})


@dataclass(frozen=True)
class Column:
    name: str
    note: str
    owner: Owner = Owner.BOT
    type: ColumnType = ColumnType.TEXT
    width: int = 120  # pixels, as the Sheets API counts them
    choices: tuple[str, ...] = ()
    #: Long text shown on several lines inside the column's width instead of running over its neighbours.
    wrap: bool = False

    @property
    def number_format(self) -> str | None:
        return NUMBER_FORMATS.get(self.type)

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES


@dataclass(frozen=True)
class ColourRule:
    """A conditional background colour: cells of `column` equal to / at least `value`."""

    column: str
    kind: str  # "equals" or "at_least"
    value: str | float
    colour: str  # hex RGB, e.g. "B7E1CD"


@dataclass(frozen=True)
class RowColour:
    """A conditional colour on whole data rows: those whose `column` equals `value` (e.g. Status = Gone)."""

    column: str
    value: str
    background: str  # hex RGB
    text: str  # hex RGB of the text


@dataclass(frozen=True)
class TabSchema:
    name: str
    purpose: str
    columns: tuple[Column, ...]
    key: str | None = None
    team_input: bool = False  # an input tab the team fills (gapbot only creates its header)
    hidden: bool = False
    colour_rules: tuple[ColourRule, ...] = ()
    row_colours: tuple[RowColour, ...] = ()
    #: The key column stays in view when scrolling sideways (frozen with the header row).
    freeze_key: bool = False
    #: A filter (Google's basic filter, Excel's auto-filter) on the header row.
    header_filter: bool = False
    example_rows: tuple[tuple[str, ...], ...] = field(default=())

    def column(self, name: str) -> Column:
        wanted = header_key(name)
        for col in self.columns:
            if header_key(col.name) == wanted:
                return col
        raise KeyError(f"tab {self.name!r} declares no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def bot_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.owner is Owner.BOT]

    @property
    def team_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.owner is Owner.TEAM]

    @property
    def protect_bot_columns(self) -> bool:
        """Output tabs where the team also types get warning-only protection on gapbot's columns."""
        return not self.team_input and not self.hidden


def header_key(text: object) -> str:
    """How headers are compared: case- and space-insensitively ("Next  action" == "next action")."""
    return " ".join(str(text).split()).casefold()
