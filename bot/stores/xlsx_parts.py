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
from concurrent.futures import Future, ThreadPoolExecutor
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


@dataclass(frozen=True)
class Deflated:
    """A member's new bytes as a zip stores them: raw deflate, with the CRC and size of the plain bytes."""

    stored: bytes
    crc: int
    size: int


def deflated(plain: bytes) -> Deflated:
    """`plain` deflated at level 3, which writes a large tab in half the time of the default 6
    for a file about a sixth larger."""
    packer = zlib.compressobj(3, zlib.DEFLATED, -15)
    return Deflated(packer.compress(plain) + packer.flush(), zlib.crc32(plain), len(plain))


class BackgroundDeflater:
    """Members deflated in a thread of their own as they are made: zlib lets go of the interpreter
    while it works, so one tab compresses while the next is written."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1)
        self._members: dict[str, Future[Deflated]] = {}

    def __enter__(self) -> BackgroundDeflater:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(cancel_futures=True)

    def add(self, name: str, plain: bytes) -> None:
        self._members[name] = self._pool.submit(deflated, plain)

    def members(self) -> dict[str, Deflated]:
        """Every member added, once deflated."""
        return {name: member.result() for name, member in self._members.items()}


def replaced(data: bytes, parts: Mapping[str, bytes | Deflated]) -> bytes:
    """The zip `data` with each member named in `parts` holding its new bytes (deflated, as Excel
    writes, where not given deflated already); every other member is copied as the archive stores
    it, never decompressed and compressed again (a large workbook's other tabs are most of its
    bytes). Members keep their order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    packed = {name: part if isinstance(part, Deflated) else deflated(part) for name, part in parts.items()}
    if len(infos) >= 0xFFFF or len(data) + sum(p.size for p in packed.values()) >= 0xFFFFFFFF:
        return _rewritten(data, packed)  # past the plain zip format's limits: zipfile writes Zip64
    out = io.BytesIO()
    central = []
    for info in infos:
        name = info.filename.encode("utf-8")
        flags = 0x800 if not info.filename.isascii() else 0  # bit 11: the name is UTF-8
        if info.filename in packed:
            member = packed[info.filename]
            stored, method, crc, size, when = member.stored, zipfile.ZIP_DEFLATED, member.crc, member.size, _dos_time()
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


def _rewritten(data: bytes, parts: Mapping[str, Deflated]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename in parts:
                plain = zlib.decompress(parts[info.filename].stored, -15)  # the rare archive past the limits
                archive.writestr(info.filename, plain)
            else:
                archive.writestr(info.filename, source.read(info))
    return out.getvalue()
