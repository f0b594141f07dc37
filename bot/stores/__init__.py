"""Sheet stores: one schema, many backends, one contract.

The Google Sheet store is `bot.stores.google_sheet.GoogleSheetStore`, imported where it is used:
its client libraries take a noticeable part of a short run's start-up.
"""

from .base import ExportFile, Store
from .grid import CommitNotes
from .memory import MemoryStore
from .ops import AppendRows, EnsureTab, ReplaceTab, SetState, UpsertRows, WriteOp
from .workbook import WorkbookStore

__all__ = [
    "AppendRows",
    "CommitNotes",
    "EnsureTab",
    "ExportFile",
    "MemoryStore",
    "ReplaceTab",
    "SetState",
    "Store",
    "UpsertRows",
    "WorkbookStore",
    "WriteOp",
]
