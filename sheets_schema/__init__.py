"""Declarative definition of every tab gapbot reads or writes."""

from .columns import ColourRule, Column, ColumnType, Owner, RowColour, TabSchema, header_key
from .tabs import (
    ALL_TABS,
    INPUT_TABS,
    OUTPUT_TABS,
    RAW_TAB_PREFIX,
    STATE_TAB,
    TABS_BY_NAME,
    is_raw_tab,
)
from .version import SCHEMA_VERSION

__all__ = [
    "ALL_TABS",
    "INPUT_TABS",
    "OUTPUT_TABS",
    "RAW_TAB_PREFIX",
    "SCHEMA_VERSION",
    "STATE_TAB",
    "TABS_BY_NAME",
    "ColourRule",
    "Column",
    "ColumnType",
    "Owner",
    "RowColour",
    "TabSchema",
    "header_key",
    "is_raw_tab",
]
