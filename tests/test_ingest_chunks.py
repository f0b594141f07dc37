"""A large export is mapped in row chunks on several threads: the result must not depend on the cut.

Chunks are made tiny here (a few rows, many threads' worth) and every export fixture, plus a
file whose evidence sits in its last rows, must read exactly as it does in one piece.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bot.ingest import mapping, read_export_bytes

EXPORTS = Path(__file__).parent / "data" / "exports"
SEMRUSH_HEADER = (
    "Page ascore,Source title,Source url,Target url,Anchor,External links,Internal links,Nofollow,Sponsored,Ugc,"
    "Text,Frame,Form,Image,Sitewide,First seen,Last seen,New link,Lost link"
)


def _tiny_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapping, "MIN_CHUNK_ROWS", 1)
    monkeypatch.setattr(mapping, "MAX_CHUNK_ROWS", 2)


def _read_both(monkeypatch: pytest.MonkeyPatch, name: str, data: bytes) -> tuple[tuple, tuple]:
    whole = read_export_bytes(name, data)
    with monkeypatch.context() as patched:
        _tiny_chunks(patched)
        chunked = read_export_bytes(name, data)
    return whole, chunked


@pytest.mark.parametrize("path", sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx")), ids=str)
def test_every_fixture_reads_the_same_in_chunks(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    (links, report), (chunked_links, chunked_report) = _read_both(monkeypatch, path.name, path.read_bytes())
    pd.testing.assert_frame_equal(chunked_links, links)
    assert chunked_report == report


def _semrush_rows(rows: list[tuple[str, str, str]]) -> bytes:
    lines = [SEMRUSH_HEADER]
    for source, target, first_seen in rows:
        lines.append(f"12,Title,{source},{target},anchor,3,1,false,false,false,,false,false,false,false,{first_seen},"
                     f"2026-11-01,false,false")  # fmt: skip
    return ("\r\n".join(lines) + "\r\n").encode()


def test_evidence_in_the_last_chunk_decides_for_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # month-first would read 03/04/2024 as 4 March; only the last row shows the dates are day-first
    rows = [(f"https://blog{i}.example.org/post", "https://tallybook.io/pricing", "03/04/2024") for i in range(9)]
    rows.append(("https://late.example.net/p", "https://tallybook.io/", "25/04/2024"))
    rows.append(("not a url", "https://other.example/", "01/01/2024"))
    (links, report), (chunked_links, chunked_report) = _read_both(monkeypatch, "export.csv", _semrush_rows(rows))
    pd.testing.assert_frame_equal(chunked_links, links)
    assert chunked_report == report
    assert chunked_links["first_seen"].tolist() == ["2024-04-03"] * 9 + ["2024-04-25"]
    assert set(chunked_links["export_site"]) == {"tallybook.io"}
    assert chunked_report.skipped == {"linking page is not a web URL": 1}


@pytest.mark.parametrize("path", sorted(p for p in EXPORTS.iterdir() if p.suffix in (".csv", ".xlsx")), ids=str)
def test_dropped_rows_leave_the_same_table_sliced_or_copied(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    # a few dropped rows: the kept runs are sliced out; many: the columns are filtered (copied)
    sliced, _ = read_export_bytes(path.name, path.read_bytes())
    monkeypatch.setattr(mapping, "MAX_KEPT_RUNS", 0)
    copied, _ = read_export_bytes(path.name, path.read_bytes())
    pd.testing.assert_frame_equal(sliced, copied)


def test_rows_dropped_at_the_start_middle_and_end(monkeypatch: pytest.MonkeyPatch) -> None:
    good = [(f"https://blog{i}.example.org/p", "https://tallybook.io/", "2024-01-02") for i in range(6)]
    bad = ("not a url", "https://tallybook.io/", "2024-01-02")
    data = _semrush_rows([bad, *good[:2], bad, bad, *good[2:5], bad, good[5]])
    sliced, report = read_export_bytes("export.csv", data)
    monkeypatch.setattr(mapping, "MAX_KEPT_RUNS", 0)
    copied, _ = read_export_bytes("export.csv", data)
    pd.testing.assert_frame_equal(sliced, copied)
    assert sliced["source_url"].tolist() == [source for source, _, _ in good]
    assert report.skipped == {"linking page is not a web URL": 4}
