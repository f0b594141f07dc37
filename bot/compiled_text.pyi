from enum import IntEnum

import numpy as np
import pyarrow as pa

Text = pa.Array | pa.ChunkedArray

class UrlStatus(IntEnum):
    DONE = 0
    WIDE = 1
    IDN_HOST = 2
    GENERAL = 3

class NumberStatus(IntEnum):
    NUMBER = 0
    NO_NUMBER = 1
    UNSETTLED = 2

class SuffixFlag(IntEnum):
    PUBLIC = 1
    SPECIAL = 2
    LONGER = 4

class SuffixTable:
    def __init__(self, flags: dict[str, int]) -> None: ...
    def __getitem__(self, suffix: str) -> int: ...

class QueryRules:
    def __init__(self, names: list[str], prefixes: list[str]) -> None: ...

class UrlSpans:
    fields: np.ndarray
    source: tuple[tuple[int, int, int], ...]

def url_statuses(urls: Text, rules: QueryRules) -> tuple[np.ndarray, UrlSpans]: ...
def url_keys(
    urls: Text,
    rules: QueryRules,
    statuses: np.ndarray,
    url_spans: UrlSpans,
    fixed_keys: pa.Array,
    fixed_hosts: pa.Array,
) -> tuple[pa.Array, pa.Array]: ...
def host_statuses(values: Text) -> tuple[np.ndarray, bool]: ...
def host_keys(values: Text, unsettled_rows: np.ndarray, fixed: pa.Array) -> pa.Array: ...
def domain_lengths(hosts: Text, suffixes: SuffixTable) -> tuple[np.ndarray, bool]: ...
def registrable_domains(hosts: Text, lengths_of: np.ndarray, fixed: pa.Array) -> pa.Array: ...
def longest(values: Text) -> int: ...
def replace_rows(base: Text, rows: np.ndarray, replacements: pa.Array) -> pa.Array: ...
def constant_text(value: str, n: int) -> pa.Array: ...
def iso_days_only(values: Text) -> bool: ...
def plain_numbers(values: Text) -> tuple[np.ndarray, np.ndarray]: ...
