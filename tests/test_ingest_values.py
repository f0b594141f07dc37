"""Cell text as the tools write it -> typed values; and no input ever makes the reader raise."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.ingest import read_export_bytes, read_export_frame
from bot.ingest.values import _date, dates, flags, number, numbers, rel_flags, slashed_day_first


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1,240", 1240.0),
        ("1.240", 1240.0),  # German thousands
        ("1.240,5", 1240.5),
        ("12 400", 12400.0),
        ("4.7", 4.7),
        ("4,7", 4.7),  # decimal comma
        ("12%", 12.0),
        ("-3", -3.0),
        ("", None),
        ("-", None),
        ("n/a", None),
        ("twelve", None),
    ],
)
def test_numbers(text: str, value: float | None) -> None:
    assert number(text) == value


def test_flags() -> None:
    values = pa.array(["true", "FALSE", "Yes", "no", "1", "0", "", "+", "maybe", None])
    assert flags(values).to_pylist() == [True, False, True, False, True, False, False, True, None, False]
    # Majestic: anything written means true, empty means false
    assert flags(values, empty_is_false=True).to_pylist()[-2:] == [True, False]


def test_combined_link_type_flags() -> None:
    got = rel_flags(pa.array(["Nofollow, UGC", "Dofollow, Content", "sponsored", "text", ""]))
    assert got["nofollow"].to_pylist() == [True, False, False, None, None]
    assert got["ugc"].to_pylist() == [True, False, False, None, None]
    assert got["sponsored"].to_pylist() == [False, False, True, None, None]


def _dates(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """The column's dates, in the day order the whole column decides, as ingest reads them."""
    return dates(values, slashed_day_first(values))


def test_dates() -> None:
    iso = pa.array(["2021-09-11 11:40:43", "2020-04-18T04:49:48Z", "2025-07-08", ""])
    assert _dates(iso).to_pylist() == ["2021-09-11", "2020-04-18", "2025-07-08", ""]
    us = pa.array(["06/30/2020", "07/01/2020", "Jun 30, 2020", "30 Jun 2020", "garbage"])
    assert _dates(us).to_pylist() == ["2020-06-30", "2020-07-01", "2020-06-30", "2020-06-30", ""]
    day_first = pa.array(["30/06/2020", "01/07/2020", "30.06.2020"])  # 30 cannot be a month
    assert _dates(day_first).to_pylist() == ["2020-06-30", "2020-07-01", "2020-06-30"]


NUMBER_CELLS = st.lists(
    st.text("0123456789,.-%", max_size=12)
    | st.from_regex(r"-?[0-9]{1,3}([,.][0-9]{3}){0,3}([,.][0-9]{1,4})?%?", fullmatch=True)
    | st.sampled_from(["", "-", "—", "n/a", " 12 ", "1e5", "1 240", "١٢", "12,5 %", "-0", "0.1", "9" * 16]),
    max_size=20,
)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(NUMBER_CELLS)
def test_numbers_equal_reading_each_cell(cells: list[str]) -> None:
    got = numbers(pa.array(cells, pa.large_string())).to_pylist()
    expected = [number(c) for c in cells]
    assert [g if g == g else "nan" for g in got] == [e if e == e else "nan" for e in expected]


DATE_CELLS = st.lists(
    st.one_of(st.dates().map(str), st.text("0123456789-/ .T:", max_size=12), st.just(""), st.just("2020-06-30 ")),
    max_size=20,
)


@settings(max_examples=100, deadline=None)
@given(DATE_CELLS)
def test_dates_equal_reading_each_cell(cells: list[str]) -> None:
    day_first = bool(slashed_day_first(pa.array(cells, pa.large_string())))
    assert _dates(pa.array(cells, pa.large_string())).to_pylist() == [_date(c, day_first) or "" for c in cells]


def test_a_column_of_iso_days_is_its_own_reading() -> None:
    iso = pa.chunked_array(
        [pa.array(["2020-06-30", ""], pa.large_string()), pa.array(["1999-01-01"], pa.large_string())]
    )
    assert slashed_day_first(iso) is None and _dates(iso) is iso
    for other in ("2020-6-30", "2020-06-30 ", "2020/06/30", "２０２０-06-30"):
        assert _dates(pa.array(["2020-06-30", other], pa.large_string())).to_pylist()[0] == "2020-06-30"
        assert _dates(pa.array([other], pa.large_string())).to_pylist() == [_date(other, False) or ""]


@settings(max_examples=25, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_no_bytes_make_the_file_reader_raise(data: bytes) -> None:
    links, report = read_export_bytes("fuzz.csv", b"Source URL,Target URL,Anchor\n" + data)
    assert report.rows_read == len(links)
    links, report = read_export_bytes("fuzz.csv", data)
    assert report.rows_read == len(links)


@settings(max_examples=20, deadline=None)
@given(st.lists(st.lists(st.text(max_size=20), min_size=3, max_size=3), max_size=6))
def test_no_pasted_grid_makes_the_tab_reader_raise(rows: list[list[str]]) -> None:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=["Linking page", "Target URL", "Anchor"])
    links, report = read_export_frame("Raw: fuzz", frame)
    assert report.rows_read == len(links) and report.problem == ""
