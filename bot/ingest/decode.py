"""Bytes of an export file -> header and rows of strings (encoding and delimiter detected)."""

from __future__ import annotations

import codecs
import csv
import io

from bot.errors import InputError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, where: str) -> str:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if len(data) >= 4 and data[1] == 0 and data[3] == 0:  # UTF-16LE without BOM
        return data.decode("utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in ("\t", ",", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_rows(text: str, where: str) -> list[list[str]]:
    if "\x00" in text:
        raise InputError("the file holds binary data, not text", where=where, fix="export it again as CSV")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first_line))
    return [row for row in reader if any(cell.strip() for cell in row)]
