"""Reading mistakes: every row counted, every byte accounted for, every blanked value
noted, and an export whose links go unused says so (fixtures written here in the tools' formats)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyarrow as pa
import pytest

from bot.demo import write_demo
from bot.demo.export_writers import GSC_LATEST_LINKS, SEMRUSH_BACKLINKS, Link
from bot.errors import InputError
from bot.ingest import ImportReport, read_export_bytes
from bot.ingest.decode import TOO_MANY_CELLS, UNMATCHED_QUOTE
from bot.ingest.values import _date, dates, slashed_day_first
from bot.stores import WorkbookStore
from jobs.analyze import imports_frame
from jobs.context import JobContext
from jobs.table import JOBS
from sheets_schema.tabs import IMPORTS

NAME = "tallybook.io-backlinks.csv"
QUOTE = '"'
LINKS = [
    Link(f"https://site{i}.example.com/café", "Café €", "TallyBook", "https://tallybook.io/", authority=30 + i)
    for i in range(6)
]


def lines() -> list[str]:
    return SEMRUSH_BACKLINKS.text(LINKS).split("\r\n")  # line 1 is the header, line i + 2 is LINKS[i]


def read(data: bytes, name: str = NAME) -> ImportReport:
    links, report = read_export_bytes(name, data)
    assert not report.problem, report.problem
    assert report.rows_read == len(links)
    return report


def test_a_file_mixing_utf8_and_windows_1252_reads_every_row_right() -> None:
    text = lines()
    # rows 2-4 pasted in from a Windows program, the rest UTF-8: one file, two encodings
    data = "\r\n".join(text[:3]).encode() + b"\r\n" + "\r\n".join(text[3:6]).encode("cp1252") + b"\r\n"
    data += "\r\n".join(text[6:]).encode()
    links, report = read_export_bytes(NAME, data)
    assert list(links["title"]) == ["Café €"] * 6  # not "CafÃ© â‚¬", not "CafŽ"
    assert "site3.example.com/café" in set(links["source_key"])
    assert report.notes == [
        "9 byte(s) are not UTF-8 and were read as Windows-1252 (the first on line 4); check those cells"
    ]


def test_a_file_all_in_windows_1252_is_still_read_as_such() -> None:
    links, report = read_export_bytes(NAME, SEMRUSH_BACKLINKS.text(LINKS).encode("cp1252"))
    assert list(links["title"]) == ["Café €"] * 6 and report.notes == ["the file is not UTF-8; read as cp1252"]


def test_rows_swallowed_by_an_unmatched_quote_are_counted_with_their_row() -> None:
    text = lines()
    text[3] = text[3].replace("Café €", '"Café €', 1)  # row 3 opens a quote nothing closes
    report = read("\r\n".join(text).encode())
    assert report.rows_read == 2
    assert report.skipped == {UNMATCHED_QUOTE: 4}  # its own row and the three after it
    assert report.first_rows == {UNMATCHED_QUOTE: 4}
    assert report.rows_read + report.rows_skipped == len(LINKS)


def test_a_quote_left_open_in_the_last_column_is_caught_though_the_row_has_its_width() -> None:
    text = "Source url,Target url\r\n" + "".join(
        f"https://s{i}.example.com/,{QUOTE if i == 1 else ''}https://tallybook.io/\r\n" for i in range(4)
    )
    report = read(text.encode())
    assert (report.rows_read, report.skipped, report.first_rows) == (1, {UNMATCHED_QUOTE: 3}, {UNMATCHED_QUOTE: 3})


def test_a_nul_byte_is_removed_with_a_note_not_a_refusal() -> None:
    text = lines()
    text[4] = text[4].replace("Café", "Caf\x00é")
    links, report = read_export_bytes(NAME, "\r\n".join(text).encode())
    assert not report.problem and report.rows_read == 6
    assert links["title"].iloc[3] == "Café €"
    assert report.notes == ["1 NUL byte(s) removed (the first on line 5)"]


def test_a_file_that_is_mostly_nul_bytes_is_still_binary() -> None:
    _links, report = read_export_bytes(NAME, b"\x00" * 4000 + b"Source url\nhttps://a.example.com/\n")
    assert "binary data" in report.problem


def test_a_row_with_a_hundred_thousand_columns_is_too_many_cells_on_its_row() -> None:
    text = lines()
    text[5] += ",x" * 100_000
    report = read("\r\n".join(text).encode())
    assert (report.rows_read, report.skipped, report.first_rows) == (5, {TOO_MANY_CELLS: 1}, {TOO_MANY_CELLS: 6})


@pytest.mark.parametrize(
    "written",
    [
        "03/14/2025",
        "3/14/25",
        "03-14-2025",
        "14.03.2025",
        "Mar 14, 2025",
        "March 14 2025",
        "14-Mar-2025",
        "14 Mar 2025 10:22:01",
        "03/14/2025 10:22 PM",
        "Mar 14, 2025 10:22 AM",
        "Friday, March 14, 2025",
        "2025.03.14",
    ],
)
def test_us_and_other_common_date_forms(written: str) -> None:
    assert _date(written, day_first=False) == "2025-03-14"


def test_a_column_of_us_dates_is_read_month_first_and_of_european_dates_day_first() -> None:
    for written in (["03/14/2025", "04/01/2025"], ["14-03-2025", "01-04-2025"]):
        column = pa.array(written)
        assert dates(column, slashed_day_first(column)).to_pylist() == ["2025-03-14", "2025-04-01"]


def test_values_left_blank_are_noted_with_column_count_and_first_row() -> None:
    seen = ["03/14/2025", "banana", "", "-", "12/45/2025", "12/01/2024"]
    links = [
        Link(f"https://s{i}.example.com/", "t", "a", "https://tallybook.io/", first_seen=d) for i, d in enumerate(seen)
    ]
    text = SEMRUSH_BACKLINKS.text(links).split("\r\n")
    text[3] = "high" + text[3][text[3].index(",") :]  # "Page ascore" of row 4 is no number
    read_links, report = read_export_bytes(NAME, "\r\n".join(text).encode())
    assert list(read_links["first_seen"]) == ["2025-03-14", "", "", "", "", "2024-12-01"]
    assert read_links["authority"].isna().sum() == 1
    assert report.notes == [
        "1 value(s) in column “Page ascore” could not be read and were left blank (the first: “high” on row 4)",
        "2 value(s) in column “First seen” could not be read and were left blank (the first: “banana” on row 3)",
    ]


def test_the_first_row_of_each_skip_reason_is_in_imports() -> None:
    report = ImportReport("x.csv", skipped=Counter({TOO_MANY_CELLS: 2}), first_rows={TOO_MANY_CELLS: 7})
    frame = imports_frame([report], "2026-01-01 10:00")
    assert frame["Skipped because"].iloc[0] == f"{TOO_MANY_CELLS}: 2 (first on row 7)"


def test_an_export_of_an_unknown_site_or_of_no_competitor_says_so(tmp_path: Path) -> None:
    workbook = tmp_path / "market.xlsx"
    exports = write_demo(workbook)
    outsider = [Link("https://blog.example.org/", "t", "a", "https://nobody-we-know.com/")]
    (exports / "Latest links.csv").write_text(GSC_LATEST_LINKS.text(outsider))  # no target column, no site in name
    (exports / "nobody-we-know.com-backlinks.csv").write_text(SEMRUSH_BACKLINKS.text(outsider))
    store = WorkbookStore(workbook)
    result = JOBS["analyze"](JobContext(store=store))
    imports = store.read_tab(IMPORTS.name)
    assert imports is not None
    notes = dict(zip(imports["Export"], imports["Notes"], strict=True))
    assert notes["Latest links.csv"].startswith("NOT USED: the site this export describes is unknown")
    assert "rename the file or tab to include the domain" in notes["Latest links.csv"]
    assert notes["nobody-we-know.com-backlinks.csv"].startswith(
        "NOT USED: nobody-we-know.com is neither in Competitors nor in Our domains; add it to Competitors"
    )
    assert sum("NOT USED" in n for n in notes.values()) == 2  # the demo's own exports are all used
    assert sum("NOT USED" in n for n in result.notes) == 2


def test_an_exports_folder_that_is_a_file_is_not_called_missing(tmp_path: Path) -> None:
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/bash\n")
    with pytest.raises(InputError) as raised:
        WorkbookStore(tmp_path / "w.xlsx").export_files(str(passwd))
    assert "is a file, not a folder" in raised.value.message and "does not exist" not in raised.value.message
