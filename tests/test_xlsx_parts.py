"""A workbook's zip with some members replaced: the rest copied as stored, the whole readable by zipfile."""

from __future__ import annotations

import io
import zipfile

from bot.stores.xlsx_parts import BackgroundDeflater, deflated, replaced


def _zip(members: dict[str, tuple[bytes, int]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, (data, method) in members.items():
            archive.writestr(name, data, compress_type=method)
    return out.getvalue()


def _stored_bytes(data: bytes) -> dict[str, tuple[int, int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in archive.infolist()}


def test_replaced_members_hold_their_new_bytes_and_the_others_are_copied_as_stored() -> None:
    big = b"<row>" * 50_000
    source = _zip(
        {
            "[Content_Types].xml": (b"<Types/>", zipfile.ZIP_DEFLATED),
            "xl/worksheets/sheet1.xml": (big, zipfile.ZIP_DEFLATED),
            "xl/worksheets/sheet2.xml": (b"old", zipfile.ZIP_DEFLATED),
            "xl/média/ünïcode.txt": (b"stored, not deflated", zipfile.ZIP_STORED),
        }
    )
    out = replaced(source, {"xl/worksheets/sheet2.xml": b"new " * 1000})
    with zipfile.ZipFile(io.BytesIO(out)) as archive:
        assert archive.testzip() is None  # every member's checksum holds
        assert archive.namelist() == zipfile.ZipFile(io.BytesIO(source)).namelist()
        assert archive.read("xl/worksheets/sheet2.xml") == b"new " * 1000
        assert archive.read("xl/worksheets/sheet1.xml") == big
        assert archive.read("xl/média/ünïcode.txt") == b"stored, not deflated"
        assert archive.getinfo("xl/worksheets/sheet2.xml").compress_type == zipfile.ZIP_DEFLATED
    before, after = _stored_bytes(source), _stored_bytes(out)
    assert {n: v for n, v in after.items() if n != "xl/worksheets/sheet2.xml"} == {
        n: v for n, v in before.items() if n != "xl/worksheets/sheet2.xml"
    }


def test_nothing_replaced_is_the_same_archive_contents() -> None:
    source = _zip({"a.xml": (b"<a/>" * 100, zipfile.ZIP_DEFLATED)})
    with zipfile.ZipFile(io.BytesIO(replaced(source, {}))) as archive:
        assert archive.read("a.xml") == b"<a/>" * 100


def test_members_deflated_in_the_background_are_written_as_given() -> None:
    source = _zip({"a.xml": (b"old", zipfile.ZIP_DEFLATED), "b.xml": (b"keep", zipfile.ZIP_DEFLATED)})
    new = bytes(range(256)) * 4000  # more than one deflate block
    with BackgroundDeflater() as members:
        members.add("a.xml", new)
        ready = members.members()
    assert ready["a.xml"] == deflated(new)
    with zipfile.ZipFile(io.BytesIO(replaced(source, ready))) as archive:
        assert archive.testzip() is None
        assert archive.read("a.xml") == new
        assert archive.read("b.xml") == b"keep"
