"""A workbook's tabs as gapbot last wrote them, kept between runs: a run on a workbook nobody
saved since does not decompress and parse its largest tabs again.

The cache is one file per workbook under the user's cache directory
(`$XDG_CACHE_HOME/gapbot/cells/`, default `~/.cache/gapbot/cells/`). For each worksheet part of
the file gapbot wrote last it holds the part's fingerprint (see `member_fingerprints`), the part
without its cells (what openpyxl reads) and its cells exactly as a parse of the part gives them
(`xlsx_cells.as_parsed`), with the fingerprints of the parts a parse decodes values with. A run
takes a part from the cache only where all of those fingerprints are the file's own; anything
else (a workbook someone saved since, a tab with dates, a damaged or older cache file) is read
from the workbook. Deleting the file only costs the next run the parse.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from .xlsx_cells import SheetCells

_FORMAT = 1
#: The parts a parse of a worksheet decodes its values with: styles (which numbers are dates),
#: the workbook (its date epoch) and the shared strings. openpyxl, which writes every file gapbot
#: writes, names them so; a file with other names has other fingerprints, so nothing matches.
DECODING_PARTS = ("xl/styles.xml", "xl/workbook.xml", "xl/sharedStrings.xml")

#: A worksheet part's cells as the cache keeps them: the part without its cells, and the cells.
Cached = tuple[bytes, SheetCells]


def cache_path(workbook: Path) -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    name = hashlib.blake2b(str(workbook.resolve()).encode("utf-8"), digest_size=10).hexdigest()
    return Path(base) / "gapbot" / "cells" / f"{name}.bin"


def decoding_key(fingerprints: Mapping[str, str]) -> str:
    return "|".join(fingerprints.get(name, "-") for name in DECODING_PARTS)


class CellsCache:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, fingerprints: Mapping[str, str]) -> dict[str, Cached]:
        """The cached worksheet parts of the file whose members have `fingerprints`, by part name."""
        try:
            stored = marshal.loads(self.path.read_bytes())
            if stored["format"] != _FORMAT or stored["python"] != list(sys.version_info[:2]):
                return {}
            if stored["decoding"] != decoding_key(fingerprints):
                return {}
            found = {}
            for name, (fingerprint, skeleton, grid, styles, errors, rows) in stored["parts"].items():
                if fingerprints.get(name) == fingerprint and isinstance(skeleton, bytes) and isinstance(grid, list):
                    found[name] = (skeleton, SheetCells(grid, styles, set(errors), rows))
            return found
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return {}  # no cache yet, or one this version cannot read: the workbook is parsed

    def save(self, fingerprints: Mapping[str, str], parts: Mapping[str, Cached]) -> None:
        """Keep `parts` (by part name) of the file whose members have `fingerprints`, replacing
        what the cache held; best effort: a cache that cannot be written is no error."""
        stored = {
            "format": _FORMAT,
            "python": list(sys.version_info[:2]),
            "decoding": decoding_key(fingerprints),
            "parts": {
                name: (fingerprints[name], skeleton, cells.grid, cells.styles, sorted(cells.errors), cells.rows)
                for name, (skeleton, cells) in parts.items()
                if name in fingerprints
            },
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            data = marshal.dumps(stored)  # not compressed: a run waits for it, and it is only a cache
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            tmp.unlink(missing_ok=True)
