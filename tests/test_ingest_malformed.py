"""Damaged and odd exports give a stated error or skip rows with a reason; none raises.

Each case is a kind of damage teams really send: wrong encodings, cut-off files, renamed or
missing columns, spreadsheets saved the wrong way, formulas and monster cells.
"""

from __future__ import annotations

import codecs
import io
import random
import zipfile

import pandas as pd
import pytest

from bot.demo.export_writers import SEMRUSH_BACKLINKS, Link
from bot.ingest import ImportReport, read_export_bytes, read_export_frame
from bot.ingest.decode import TOO_FEW_CELLS, TOO_MANY_CELLS
from bot.ingest.mapping import MAX_CELL_CHARS

NAME = "tallybook.io-backlinks.csv"
LINKS = [
    Link(
        "https://www.designerdaily.com/tools", "Tools, apps & more", "TallyBook", "https://tallybook.io/", authority=38
    ),
    Link(
        "https://medium.com/@jane/invoicing", "How I invoice", "invoice app", "https://tallybook.io/app", nofollow=True
    ),
    Link(
        "https://smallbizhub.org/café", "Café finances", "TallyBook", "https://www.tallybook.io/pricing", authority=47
    ),
]


def semrush_text(links: list[Link] = LINKS) -> str:
    return SEMRUSH_BACKLINKS.text(links)


def read(data: bytes, name: str = NAME) -> tuple[pd.DataFrame, ImportReport]:
    return read_export_bytes(name, data)


def assert_problem(data: bytes, *phrases: str, name: str = NAME) -> None:
    links, report = read(data, name)
    assert links.empty and report.rows_read == 0
    assert f"file {name}" in report.problem
    for phrase in phrases:
        assert phrase in report.problem, report.problem


def assert_read(data: bytes, rows: int = 3, skipped: dict[str, int] | None = None) -> pd.DataFrame:
    links, report = read(data)
    assert not report.problem, report.problem
    assert (report.tool, report.report) == ("Semrush", "Backlinks")
    assert report.rows_read == len(links) == rows
    assert dict(report.skipped) == (skipped or {})
    return links


def test_empty_file() -> None:
    assert_problem(b"", "the file is empty")


def test_only_blank_lines() -> None:
    assert_problem(b"\r\n\r\n  \n", "the file is empty")


def test_binary_junk() -> None:
    rng = random.Random(3)
    junk = bytes(rng.randrange(256) for _ in range(5000))
    assert_problem(junk, "binary data")


def test_zip_archive() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("backlinks.csv", semrush_text())
    assert_problem(buffer.getvalue(), "ZIP archive", "unzip")


def test_old_excel_workbook() -> None:
    assert_problem(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls", "save it as .xlsx or CSV")


def test_damaged_xlsx() -> None:
    assert_problem(b"PK\x03\x04" + b"[Content_Types].xml" + b"\x00garbage" * 50, "cannot be opened", name="x.xlsx")


def test_wrong_encoding_windows_1252() -> None:
    links, report = read(semrush_text().encode("cp1252"))
    assert report.notes == ["the file is not UTF-8; read as cp1252"]
    assert "smallbizhub.org/café" in set(links["source_key"])


@pytest.mark.parametrize(
    ("encoding", "page", "title"),
    [
        # short samples that a detector takes for a DOS or Mac code page (Baltic DOS, mac_greek)
        ("latin-1", "https://www.müller.de/seite", "Grüße aus München"),
        ("cp1252", "https://www.españa.es/añadir", "Añadir facturación"),
        ("cp1252", "https://www.example.es/factura", "Añadir facturación electrónica"),
        ("shift_jis", "https://example.jp/ページ", "請求書ソフトのおすすめ"),
        ("cp1253", "https://www.example.gr/σελίδα", "Τα καλύτερα προγράμματα"),
        ("cp1251", "https://www.example.ru/страница", "Лучшие программы для счетов"),
        ("cp1254", "https://www.örnek.com.tr/sayfa", "En iyi fatura yazılımı şirketler için"),
        ("cp1254", "https://www.örnek.com.tr/sayfa", "Ağustos ayında İstanbul’da fatura"),
        # the letters Turkish takes from Windows-1252's Icelandic ones stay Icelandic with Icelandic vowels
        ("cp1252", "https://www.dæmi.is/síða", "Þjónusta á Íslandi fyrir reikninga"),
    ],
)
def test_legacy_windows_code_pages_read_right(encoding: str, page: str, title: str) -> None:
    data = f"Source title,Source url,Target url\n{title},{page},https://rival.com/\n".encode(encoding)
    links, _report = read_export_bytes("export.csv", data)
    assert list(links["title"]) == [title] and list(links["source_url"]) == [page]


def test_utf16_without_bom() -> None:
    _links, report = read(semrush_text().encode("utf-16-le"))
    assert report.rows_read == 3 and "no byte-order mark; read as UTF-16-LE" in report.notes


def test_utf16_big_endian_with_bom() -> None:
    assert_read(codecs.BOM_UTF16_BE + semrush_text().encode("utf-16-be"))


def test_utf8_with_bom() -> None:
    assert_read(codecs.BOM_UTF8 + semrush_text().encode())


def test_truncated_mid_row() -> None:
    text = semrush_text()
    assert_read(text[: text.rindex("https://smallbizhub.org") + 30].encode(), rows=2, skipped={TOO_FEW_CELLS: 1})


def test_truncated_inside_a_quoted_cell() -> None:
    text = semrush_text()
    cut = text[: text.index("Tools, apps") + 6].encode()  # ends inside the quoted title of row 1
    _links, report = read(cut)
    assert not report.problem and report.rows_read == 0 and report.skipped == {TOO_FEW_CELLS: 1}


def test_missing_required_column() -> None:
    frame = pd.read_csv(io.StringIO(semrush_text()), dtype=str).drop(columns=["Source url"])
    assert_problem(
        frame.to_csv(index=False).encode(),
        "unknown export format",
        "headers found: Page ascore, Source title, Target url",
        "Closest known format: Semrush Backlinks, which also needs: Source url",
    )


def test_shuffled_columns_read_the_same() -> None:
    frame = pd.read_csv(io.StringIO(semrush_text()), dtype=str, keep_default_na=False)
    shuffled = frame[list(reversed(frame.columns))]
    original = assert_read(semrush_text().encode())
    moved = assert_read(shuffled.to_csv(index=False).encode())
    columns = ["source_key", "target_key", "anchor", "title", "nofollow", "authority"]
    pd.testing.assert_frame_equal(moved[columns], original[columns])


def test_duplicate_headers_use_the_first() -> None:
    lines = semrush_text().splitlines()
    lines[0] = lines[0].replace("Internal links", "Anchor")
    links, report = read("\n".join(lines).encode())
    assert "column “Anchor” appears 2 times; the first one was read" in report.notes
    assert list(links["anchor"]) == ["TallyBook", "invoice app", "TallyBook"]


def test_preamble_lines_before_the_header() -> None:
    text = "Backlinks report for tallybook.io\nExported 2026-11-20 by jane@example.com\n\n" + semrush_text()
    _links, report = read(text.encode())
    assert report.rows_read == 3 and "3 line(s) before the header row were skipped" in report.notes


def test_header_only() -> None:
    assert_read(SEMRUSH_BACKLINKS.text([]).encode(), rows=0)


def test_no_header_row() -> None:
    body = semrush_text().split("\r\n", 1)[1]
    assert_problem(body.encode(), "unknown export format", "headers found: 38, Tools, apps & more")


def test_unrelated_spreadsheet_names_no_closest_format() -> None:
    data = b"Keyword,Volume,KD\ninvoice template,12000,41\n"
    assert_problem(data, "headers found: Keyword, Volume, KD", "No known format is close")
    assert "Closest" not in read(data)[1].problem  # it shares no column with any format


def test_formula_strings_stay_text_and_bad_urls_are_skipped() -> None:
    links = [
        Link('=HYPERLINK("https://evil.example","x")', "t", "a", "https://tallybook.io/"),
        Link("https://ok.example.com/", "=1+2", "=cmd|' /C calc'!A0", "https://tallybook.io/"),
    ]
    read_links = assert_read(semrush_text(links).encode(), rows=1, skipped={"linking page is not a web URL": 1})
    assert (read_links["title"].iloc[0], read_links["anchor"].iloc[0]) == ("=1+2", "=cmd|' /C calc'!A0")


def test_hundred_thousand_character_cell() -> None:
    links = [*LINKS, Link("https://huge.example.com/", "x" * 100_000, "a", "https://tallybook.io/")]
    assert_read(semrush_text(links).encode(), rows=3, skipped={f"a cell longer than {MAX_CELL_CHARS:,} characters": 1})


def test_mixed_line_endings() -> None:
    lines = semrush_text().split("\r\n")
    text = lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n"
    assert_read(text.encode())


def test_stray_separator_in_a_row() -> None:
    lines = semrush_text().split("\r\n")
    lines[2] = lines[2].replace("invoice app", "invoice, app")  # unquoted comma: one cell too many
    assert_read("\r\n".join(lines).encode(), rows=2, skipped={TOO_MANY_CELLS: 1})


def test_bad_linking_pages_are_counted_by_reason() -> None:
    links = [
        *LINKS,
        Link("", "no url", "a", "https://tallybook.io/"),
        Link("mailto:someone@example.com", "mail", "a", "https://tallybook.io/"),
        Link("http://203.0.113.9/page", "ip", "a", "https://tallybook.io/"),
        Link("https://[2001:db8::1]/page", "ip6", "a", "https://tallybook.io/"),
        Link("https://example.com/" + "p" * 5000, "long", "a", "https://tallybook.io/"),
        Link("https://co.uk/", "public suffix only", "a", "https://tallybook.io/"),
        Link("n/a", "junk", "a", "https://tallybook.io/"),
    ]
    assert_read(
        semrush_text(links).encode(),
        rows=3,
        skipped={
            "no linking page URL": 1,
            "linking page is not a web URL": 2,
            "linking page is an IP address, not a host name": 2,
            "linking page URL longer than 4,096 characters": 1,
            "linking page has no registrable domain": 1,
        },
    )


def test_quoted_line_breaks_with_semicolons() -> None:
    text = 'Linking URL;Anchor text;Target\r\n"https://a.example.com/";"two\r\nlines";"https://tallybook.io/"\r\n'
    links, report = read(text.encode())
    assert report.rows_read == 1 and links["anchor"].iloc[0] == "two\r\nlines"


def test_pasted_tab_with_rows_above_the_header() -> None:
    grid = [["Exported from Semrush", *[""] * 18], list(SEMRUSH_BACKLINKS.header), *SEMRUSH_BACKLINKS.rows(LINKS)]
    frame = pd.DataFrame(grid[1:], columns=grid[0])
    _links, report = read_export_frame("Raw: tallybook.io", frame)
    assert report.rows_read == 3 and "1 row(s) before the header row were skipped" in report.notes


def test_pasted_tab_of_something_else() -> None:
    frame = pd.DataFrame({"Keyword": ["invoice"], "Volume": ["100"]})
    links, report = read_export_frame("Raw: keywords", frame)
    assert links.empty and report.problem.startswith("tab Raw: keywords: unknown export format")


def test_pasted_text_of_something_else_is_not_split() -> None:
    frame = pd.DataFrame({"Keyword,Volume": ["invoice,100"]})
    links, report = read_export_frame("Raw: keywords", frame)
    assert links.empty and report.problem.startswith("tab Raw: keywords: unknown export format")
    assert "Keyword,Volume" in report.problem and not report.notes


@pytest.mark.parametrize("cut", [1, 7, 50, 333, 1000])
def test_any_prefix_of_a_utf16_export_never_raises(cut: int) -> None:
    data = SEMRUSH_BACKLINKS.text(LINKS).encode("utf-16")[:cut]
    links, report = read(data)
    assert report.rows_read == len(links)
    assert report.problem or report.tool == "Semrush"


def test_damaged_bytes_deep_inside_a_utf8_file() -> None:
    many = [Link(f"https://site{i}.example.com/é", "Café", "a", "https://tallybook.io/") for i in range(6000)]
    data = bytearray(semrush_text(many).encode())
    data[-200] = 0xFF  # one byte that is not UTF-8, far past the start of the file
    links, report = read(bytes(data))
    assert report.notes == [
        "1 byte(s) are not UTF-8 and were read as Windows-1252 (the first on line 6000); check those cells"
    ]
    assert report.rows_read == 6000 and links["title"].iloc[0] == "Café"
