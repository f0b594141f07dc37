"""Small vectorised helpers shared by the analysis steps.

Exports repeat the same page, title and host many times, so text checks run once per unique
value and are mapped back. Regular expressions run through pyarrow (RE2, in C++) to find
which values match, and Python's `re` only extracts the matched words for the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A text column with "" for missing values (and for a missing column), storage unchanged.

    Heavy string work should run on distinct values (`unique_values`) or through `arrow`.
    """
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=object)
    values = frame[column]
    return (
        values.fillna("") if isinstance(values.dtype, pd.StringDtype) else values.where(values.notna(), "").astype(str)
    )


def flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column with missing values read as False."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].astype("boolean").fillna(False).astype(bool)


def number(frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column as floats, NaN where unknown."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def unique_rows(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The distinct rows of `columns` and, for each input row, the position of its distinct row."""
    keys = frame[list(columns)]
    codes = keys.groupby(list(columns), sort=False, dropna=False).ngroup().to_numpy()
    uniques = keys.drop_duplicates().reset_index(drop=True)
    return uniques, codes


def unique_values(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The distinct values of one text column ("" for missing) and each row's position among them.

    Hash-based on the column as it is: no per-row conversion, so string work can then run on
    the (far fewer) distinct values.
    """
    codes, uniques = pd.factorize(values)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if (codes < 0).any():
        codes = np.where(codes < 0, len(distinct), codes)
        distinct = pd.concat([distinct, pd.Series([""], dtype=object)], ignore_index=True)
    return distinct.astype(str), codes


def combined_values(
    first: tuple[pd.Series, np.ndarray], second: tuple[pd.Series, np.ndarray], separator: str = " "
) -> tuple[pd.Series, np.ndarray]:
    """Distinct "first + separator + second" strings of two `unique_values` results, built per distinct pair."""
    (left, left_codes), (right, right_codes) = first, second
    width = max(1, len(right))
    codes, combos = pd.factorize(left_codes.astype(np.int64) * width + right_codes)
    joined = left.to_numpy(dtype=object)[combos // width] + separator + right.to_numpy(dtype=object)[combos % width]
    return pd.Series(joined, dtype=object).str.strip(), codes


def arrow(values: pd.Series) -> pd.Series:
    """Strings in pyarrow storage so that regex matching runs in C++."""
    return values.astype("string[pyarrow]")


def matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Case-insensitive regex search over pyarrow strings (see `arrow`), as a numpy bool array."""
    if values.empty:
        return np.zeros(0, dtype=bool)
    found = pc.match_substring_regex(pa.array(values.array), pattern, ignore_case=True)
    return found.fill_null(False).to_numpy(zero_copy_only=False)


WHOLE_VALUE_FIELDS = frozenset({"title", "anchor", "anchors", "page type", "author", "platform"})


@dataclass(frozen=True)
class Pattern:
    """One named text signal: `regex` searched in `field`; `label` says what it means to a person."""

    field: str
    regex: str
    label: str = ""

    @property
    def compiled(self) -> re.Pattern[str]:
        return _compile(self.regex)

    def evidence(self, values: pd.Series) -> pd.Series:
        """Evidence text for values known to match, e.g. "title 'Useful links'" or "URL '/resources/'".

        Text a person reads whole (titles, anchors, page types) is quoted whole; for URLs and
        hosts the matching part is what explains the decision. `values` are the whole values:
        shortened first, a match past the cut would show as ''.
        """
        whole = self.field in WHOLE_VALUE_FIELDS
        found = quoted(values if whole else values.map(lambda v: _first(self.compiled, v)))
        return f"{self.field} '" + found + "'" + (f" ({self.label})" if self.label else "")


def _first(pattern: re.Pattern[str], value: str) -> str:
    hit = pattern.search(value)
    return hit.group(0).strip() if hit else ""


_COMPILED: dict[str, re.Pattern[str]] = {}


def _compile(regex: str) -> re.Pattern[str]:
    if regex not in _COMPILED:
        _COMPILED[regex] = re.compile(regex, re.IGNORECASE)
    return _COMPILED[regex]


def quoted(values: pd.Series, limit: int = 60) -> pd.Series:
    """Text shortened for evidence cells."""
    return values.map(lambda v: v if len(v) <= limit else v[: limit - 1] + "…")


def url_path(urls: pd.Series) -> pd.Series:
    """Path and query of each URL, lower-case, with `_` as `-` so that word boundaries work (in C++)."""
    values = pa.array(urls.astype(str).to_numpy(dtype=object), type=pa.string())
    rest = pc.replace_substring_regex(values, r"^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*", "")
    cleaned = pc.replace_substring(pc.utf8_lower(rest), "_", "-")
    return pd.Series(cleaned.to_pylist(), index=urls.index, dtype=object)


def joined_labels(codes: np.ndarray, groups: int, labels: pd.Series, separator: str = ", ") -> np.ndarray:
    """For each group, the distinct non-empty labels of its rows, sorted and joined.

    Meant for columns with few distinct values (competitors, topics, exports): the work is one
    pass per distinct label, never one Python call per group.
    """
    out = np.full(groups, "", dtype=object)
    values = labels.astype(str).to_numpy(dtype=object)
    for label in sorted(set(values) - {""}):
        present = np.unique(codes[values == label])
        current = out[present]
        out[present] = np.where(current == "", label, current + separator + label)
    return out


def distinct_per_group(groups: pd.Series, values: pd.Series) -> np.ndarray:
    """For each row, how many distinct `values` its group has (integer codes, no per-group Python)."""
    group, group_keys = pd.factorize(groups)
    value, _ = pd.factorize(values)
    width = int(value.max()) + 1 if len(value) else 1
    distinct = np.unique(group.astype(np.int64) * width + value)
    return np.bincount(distinct // width, minlength=len(group_keys))[group]
