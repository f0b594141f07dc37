"""Sheet stores: one schema, many backends, one contract."""

from .base import ExportFile, Store
from .google_sheet import GoogleSheetStore
from .grid import CommitNotes
from .memory import MemoryStore
from .ops import AppendRows, EnsureTab, ReplaceTab, SetState, UpsertRows, WriteOp
from .workbook import WorkbookStore

__all__ = [
    "AppendRows",
    "CommitNotes",
    "EnsureTab",
    "ExportFile",
    "GoogleSheetStore",
    "MemoryStore",
    "ReplaceTab",
    "SetState",
    "Store",
    "UpsertRows",
    "WorkbookStore",
    "WriteOp",
]
