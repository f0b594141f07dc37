"""Reading backlink exports (pasted `Raw: …` tabs or files) into the canonical link table."""

from .formats import FORMATS, ExportFormat
from .merge import merge_link_tables
from .reader import ImportReport, read_export_bytes, read_export_entries, read_export_frame

__all__ = [
    "FORMATS",
    "ExportFormat",
    "ImportReport",
    "merge_link_tables",
    "read_export_bytes",
    "read_export_entries",
    "read_export_frame",
]
