"""Cell text -> typed values, for whole columns at once.

Each parser works on a pyarrow string array and does the real work once per distinct value, so a
million-row export with a few thousand distinct numbers or flags costs a few thousand parses.
"""

from __future__ import annotations

import re
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc

from bot.columns import Column, on_distinct, per_distinct, replace_where

TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "+", "✓", "✔", "wahr", "ja", "sí", "si", "oui", "vrai"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "-", "", "falsch", "nein", "non", "faux"})


def _flag(text: str, empty_is_false: bool) -> bool | None:
    word = text.strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return True if empty_is_false else None


def flags(values: Column, empty_is_false: bool = False) -> pa.Array:
    """true/false, Yes/No, 1/0; with `empty_is_false` any other non-empty text is true (Majestic)."""
    return per_distinct(values, lambda t: _flag(t, empty_is_false), pa.bool_())


_GROUPED = re.compile(r"^-?\d{1,3}(?:([,.' \u00a0\u202f])\d{3})(?:\1\d{3})*(?:[.,]\d+)?$")


# what the tools write in a cell that has no value: not a value that could not be read
NO_VALUE = ("", "-", "—", "n/a", "N/A")


def number(text: str) -> float | None:
    """A number as the tools write it: `1,240`, `1.240,5`, `4.7`, `4,7`, `12%`, `1 240`."""
    t = text.strip().rstrip("%").strip()
    if t in NO_VALUE:
        return None
    grouped = _GROUPED.match(t)
    if grouped:
        sep = grouped.group(1)
        t = t.replace(sep, "")
        t = t.replace(",", ".") if sep == "." else t.replace(",", "")
    elif t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")  # decimal comma: "4,7"
    try:
        return float(t)
    except ValueError:
        return None


def numbers(values: Column) -> Column:
    """`number` of every value, read once per distinct text."""
    return per_distinct(values, number, pa.float64())


_ISO_DAY = r"^\d{4}-\d{2}-\d{2}"
# day and month in either order, then the year (2 or 4 digits): `03/14/2025`, `14-03-25`, `14.03.2025`
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)")
_TIME = re.compile(r"(?:[ T,]+\d{1,2}:\d{2}|[ T]\d{1,2}\s*[AaPp][Mm]\b).*$")  # a time of day after the date
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%b %d, %Y",
    "%b %d %Y",
    "%B %d, %Y",
    "%B %d %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%d %b, %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%a, %d %b %Y",
    "%A, %B %d, %Y",
    "%Y%m%d",
)


def _day(year: int, month: int, day: int) -> str | None:
    try:
        return datetime(year, month, day).date().isoformat()
    except ValueError:
        return None


def _date(text: str, day_first: bool) -> str | None:
    t = text.strip()
    if not t:
        return None
    if re.match(_ISO_DAY, t):
        return t[:10]
    numeric = _NUMERIC_DATE.match(t)
    if numeric:
        a, separator, b, year = numeric.groups()
        # dotted dates are day-first wherever they are written (de, fr, ru…); slashes and dashes follow the column
        day, month = (int(a), int(b)) if day_first or separator == "." else (int(b), int(a))
        full_year = int(year) if len(year) == 4 else 2000 + int(year) if int(year) < 70 else 1900 + int(year)
        return _day(full_year, month, day)
    head = _TIME.sub("", t)
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(head, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _iso_days_only(values: Column) -> bool:
    """Whether every value is empty or an ISO day, `YYYY-MM-DD` (ASCII digits)."""
    return pc.all(pc.match_substring_regex(values, r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?$")).as_py() is not False


def slashed_day_first(values: Column) -> bool | None:
    """Whether a column's slashed (or dashed) dates are day-first: some value only makes sense that
    way. None when every value is empty or already an ISO day: there is nothing to decide."""
    if _iso_days_only(values):  # no slashed dates at all (the usual case): one quick pass
        return None
    slashed = (_NUMERIC_DATE.match(t.strip()) for t in pc.unique(values).to_pylist() if t)
    return any(int(m.group(1)) > 12 for m in slashed if m)


def dates(values: Column, day_first: bool | None) -> Column:
    """ISO days (`YYYY-MM-DD`) from the tools' date and date-time formats; "" when unreadable.

    `day_first` is what `slashed_day_first` says of the whole column the values come from (a
    chunk's own values may not decide it); None, a column of ISO days, is given back as it is.
    """
    if day_first is None:  # its own reading: the column itself, no new memory
        return values
    first = day_first

    def days(distinct: Column) -> tuple[Column]:
        iso = pc.match_substring_regex(distinct, _ISO_DAY)
        days = pc.utf8_slice_codeunits(distinct, 0, 10)
        if not pc.all(iso).as_py():
            other = [_date(t, first) or "" for t in distinct.filter(pc.invert(iso)).to_pylist()]
            days = replace_where(days, pc.invert(iso), pa.array(other, days.type))
        return (days,)

    return on_distinct(values, days)[0]


def rel_flags(values: Column) -> dict[str, pa.Array]:
    """nofollow/ugc/sponsored from text holding combined flags ("Nofollow, UGC", "dofollow")."""

    def flags_of(distinct: Column) -> tuple[Column, ...]:
        lowered = pc.utf8_lower(distinct)
        known = pc.match_substring_regex(lowered, "follow|ugc|sponsored")
        return tuple(
            pc.if_else(known, pc.match_substring_regex(lowered, word), pa.scalar(None, pa.bool_()))
            for word in (r"no[\s_-]?follow", "ugc", "sponsored|paid")
        )

    return dict(zip(("nofollow", "ugc", "sponsored"), on_distinct(values, flags_of), strict=True))
