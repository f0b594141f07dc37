"""An `.xlsx` file as its zip members, and a worksheet part split at its cell data.

A workbook's size is in its worksheets' `<sheetData>`; everything else (styles, notes, dropdowns,
widths, conditional formats) is small. Splitting the two lets the workbook store load the small
part with openpyxl and the cells with a fast pass of its own, and rewrite one tab's cells (the
state tab's) without re-serialising the rest: a rewrite copies every other member's compressed
bytes as they are.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

# The opening tag of <sheetData> (any namespace prefix; self-closing when the tab is empty) and its end.
_SHEET_DATA_OPEN = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)dimension\b[^>]*?/>")


@dataclass(frozen=True)
class SheetSplit:
    """A worksheet part as three byte strings: what precedes the cells, the cells, what follows."""

    head: bytes
    cells: bytes  # the <sheetData> element itself, b"" when the part has none
    tail: bytes
    prefix: bytes  # the namespace prefix the part gives its elements (usually none)

    def skeleton(self) -> bytes:
        """The part with no cells: what openpyxl needs for everything but the cells."""
        return self.head + b"<" + self.prefix + b"sheetData/>" + self.tail if self.cells else self.head + self.tail

    def with_cells(self, sheet_data: bytes, dimension: str) -> bytes:
        """The part with `sheet_data` (a whole <sheetData> element) in place of its cells, and its
        <dimension> (the used range, which readers may trust) set to `dimension`."""
        head = _DIMENSION.sub(
            lambda m: b"<" + m[1] + b'dimension ref="' + dimension.encode("ascii") + b'"/>', self.head, count=1
        )
        return head + sheet_data + self.tail


def split_sheet(part: bytes) -> SheetSplit | None:
    """`part` split at its <sheetData>, or None when it is not a worksheet."""
    opening = _SHEET_DATA_OPEN.search(part)
    if opening is None:
        return None
    prefix = opening[1]
    if opening[2]:  # <sheetData/>
        return SheetSplit(part[: opening.start()], b"", part[opening.end() :], prefix)
    end_tag = b"</" + prefix + b"sheetData>"
    end = part.find(end_tag, opening.end())
    if end < 0:
        return None
    end += len(end_tag)
    return SheetSplit(part[: opening.start()], part[opening.start() : end], part[end:], prefix)


def read_members(data: bytes, skip: Collection[str] = ()) -> dict[str, bytes]:
    """Every member of the zip `data` but those named in `skip`, by name, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if info.filename not in skip}


def member_fingerprints(data: bytes) -> dict[str, str]:
    """Each member of the zip `data` by name: its checksum and sizes, and a hash of its stored
    (compressed) bytes, so that a member whose text changed in any way has another one."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    out = {}
    for info in infos:
        try:
            digest = hashlib.blake2b(_stored(data, info), digest_size=16).hexdigest()
        except zipfile.BadZipFile:
            continue  # a member that cannot be copied has no fingerprint: nothing matches it
        out[info.filename] = f"{info.CRC:08x}:{info.compress_size}:{info.file_size}:{digest}"
    return out


def replaced(data: bytes, parts: Mapping[str, bytes]) -> bytes:
    """The zip `data` with each member named in `parts` holding its new bytes (deflated, as Excel
    writes); every other member is copied as the archive stores it, never decompressed and
    compressed again (a large workbook's other tabs are most of its bytes). Members keep their order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    if len(infos) >= 0xFFFF or len(data) + sum(map(len, parts.values())) >= 0xFFFFFFFF:
        return _rewritten(data, parts)  # past the plain zip format's limits: zipfile writes Zip64
    out = io.BytesIO()
    central = []
    for info in infos:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0  # bit 11: the name is UTF-8
        if info.filename in parts:
            plain = parts[info.filename]
            # raw deflate, as zip members hold it; level 3 writes a large tab in half the time of
            # the default 6 for a file about a sixth larger
            packer = zlib.compressobj(3, zlib.DEFLATED, -15)
            stored = packer.compress(plain) + packer.flush()
            method, crc, size, when = zipfile.ZIP_DEFLATED, zlib.crc32(plain), len(plain), _dos_time()
        else:
            stored = _stored(data, info)
            method, crc, size, when = info.compress_type, info.CRC, info.file_size, _dos_time(info.date_time)
        offset = out.tell()
        fields = (flags, method, *when, crc, len(stored), size, len(name))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *fields, 0) + name + stored)
        made_by = (info.create_system << 8) | 20
        central.append(
            struct.pack("<4s6H3L5H2L", b"PK\x01\x02", made_by, 20, *fields, 0, 0, 0, 0, info.external_attr, offset)
            + name
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(infos), len(infos), len(directory), start, 0))
    return out.getvalue()


def _stored(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes as the archive `data` stores them (compressed), from its local header."""
    start = info.header_offset
    signature, name_length, extra_length = struct.unpack("<4s22xHH", data[start : start + 30])
    if signature != b"PK\x03\x04" or info.flag_bits & 0x1:  # not a member's header, or encrypted
        raise zipfile.BadZipFile(f"member {info.filename!r} cannot be copied")
    begin = start + 30 + name_length + extra_length
    return data[begin : begin + info.compress_size]


def _dos_time(when: tuple[int, ...] | None = None) -> tuple[int, int]:
    """(time, date) in the zip format's MS-DOS form; now when `when` is None."""
    year, month, day, hour, minute, second = when or time.localtime()[:6]
    return (hour << 11) | (minute << 5) | (second // 2), (max(year, 1980) - 1980) << 9 | (month << 5) | day


def _rewritten(data: bytes, parts: Mapping[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, parts[info.filename] if info.filename in parts else source.read(info))
    return out.getvalue()
