from enum import IntEnum

import numpy as np
import pyarrow as pa

class UrlStatus(IntEnum):
    DONE = 0
    WIDE = 1
    IDN_HOST = 2
    GENERAL = 3

class SuffixFlag(IntEnum):
    PUBLIC = 1
    SPECIAL = 2
    LONGER = 4

class SuffixTable:
    def __init__(self, flags: dict[str, int]) -> None: ...
    def __getitem__(self, suffix: str) -> int: ...

class QueryRules:
    def __init__(self, names: list[str], prefixes: list[str]) -> None: ...

def url_statuses(urls: pa.Array, rules: QueryRules) -> np.ndarray: ...
def url_keys(
    urls: pa.Array, rules: QueryRules, statuses: np.ndarray, fixed_keys: pa.Array, fixed_hosts: pa.Array
) -> tuple[pa.Array, pa.Array]: ...
def host_keys(values: pa.Array) -> tuple[pa.Array, np.ndarray]: ...
def registrable_domains(hosts: pa.Array, suffixes: SuffixTable) -> tuple[pa.Array, np.ndarray]: ...
def replace_rows(base: pa.Array, rows: np.ndarray, replacements: pa.Array) -> pa.Array: ...
def constant_text(value: str, n: int) -> pa.Array: ...
