"""Exports that arrive packed: a Search Console download is a ZIP of CSVs, a tool may send
`.csv.gz`. Each export inside becomes its own entry, named `archive.zip › member.csv` (pure)."""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from dataclasses import dataclass

#: Unpacked bytes one archive may hold: far above any real export, and a bound on a ZIP bomb.
MAX_UNPACKED = 2 * 1024**3


@dataclass(frozen=True)
class Unpacked:
    name: str
    data: bytes
    problem: str = ""


def unpacked(name: str, data: bytes) -> list[Unpacked]:
    """The exports a file holds: itself, or the members of a ZIP, or the content of a gzip file."""
    if data[:2] == b"\x1f\x8b":
        inner = name[:-3] if name.lower().endswith(".gz") else name
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as packed:
                content = packed.read(MAX_UNPACKED + 1)
        except (OSError, EOFError, zlib.error) as exc:
            return [Unpacked(name, b"", f"the gzip file is damaged ({exc}); download it again")]
        if len(content) > MAX_UNPACKED:
            return [Unpacked(name, b"", "the gzip file unpacks to more than 2 GB; unpack it yourself")]
        return [Unpacked(f"{name} › {inner.rsplit('/', 1)[-1]}", content)]
    if data[:4] != b"PK\x03\x04" or _is_workbook(data):
        return [Unpacked(name, data)]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        return [Unpacked(name, b"", f"the ZIP archive is damaged ({exc}); download it again")]
    members = [
        m for m in archive.infolist() if not m.is_dir() and not m.filename.rsplit("/", 1)[-1].startswith((".", "__"))
    ]
    if sum(m.file_size for m in members) > MAX_UNPACKED:
        return [Unpacked(name, b"", "the ZIP archive unpacks to more than 2 GB; unpack it yourself")]
    if not members:
        return [Unpacked(name, b"", "the ZIP archive holds no files")]
    out = []
    for member in members:
        label = f"{name} › {member.filename}"
        try:
            out.append(Unpacked(label, archive.read(member)))
        except (zipfile.BadZipFile, zlib.error, OSError, NotImplementedError) as exc:
            out.append(Unpacked(label, b"", f"this file of the ZIP archive cannot be unpacked ({exc})"))
    return out


def _is_workbook(data: bytes) -> bool:
    """An .xlsx file is a ZIP too; it is read as a workbook, not unpacked."""
    head = data[:65536]
    return b"[Content_Types].xml" in head or b"xl/" in head
