"""Reading backlink exports (pasted `Raw: …` tabs or files) into the canonical link table."""

from .reader import ImportReport, read_export_bytes, read_export_frame

__all__ = ["ImportReport", "read_export_bytes", "read_export_frame"]
