"""An `.xlsx` file as its zip members, and a worksheet part split at its cell data.

A workbook's size is in its worksheets' `<sheetData>`; everything else (styles, notes, dropdowns,
widths, conditional formats) is small. Splitting the two lets the workbook store load the small
part with openpyxl and the cells with a fast pass of its own, and rewrite one tab's cells (the
state tab's) without re-serialising the rest.
"""

from __future__ import annotations

import io
import re
import zipfile
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


def read_members(data: bytes) -> dict[str, bytes]:
    """Every member of the zip `data`, by name, in the archive's order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_members(members: dict[str, bytes]) -> bytes:
    """A zip (deflated, as Excel writes) of `members` in their order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()
