"""The team's `Settings` tab, parsed into typed values with defaults.

Unknown keys and unparseable values are reported (tab, row, what to do) rather than raising:
a typo in one setting must not stop the whole run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from bot.languages import language_code
from sheets_schema import header_key
from sheets_schema.settings_keys import DATA_SOURCES, SETTING_KEYS, SETTINGS_BY_NAME
from sheets_schema.tabs import SETTINGS

from .urls import domain_of


@dataclass(frozen=True)
class Settings:
    values: dict[str, str]
    problems: tuple[str, ...] = field(default=())

    def raw(self, name: str) -> str:
        return self.values[name.casefold()]

    @property
    def our_domains(self) -> frozenset[str]:
        parts = [p.strip() for p in self.raw("Our domains").replace(";", ",").split(",")]
        return frozenset(d for d in (domain_of(p) for p in parts if p) if d)

    @property
    def market_languages(self) -> frozenset[str]:
        codes = (language_code(p) for p in re.split(r"[,;/]", self.raw("Market languages")) if p.strip())
        return frozenset(c for c in codes if c)

    @property
    def review_level(self) -> str:
        return "page" if self.raw("Review level").strip().lower().startswith("page") else "domain"

    @property
    def minimum_overlap(self) -> int:
        return self._int("Minimum overlap")

    @property
    def batch_size(self) -> int:
        return self._int("Batch size")

    @property
    def rerun_days(self) -> int:
        return self._int("Rerun every (days)")

    @property
    def pages_per_run(self) -> int:
        return max(0, self._int("Pages read per run"))

    @property
    def page_cache_days(self) -> int:
        return max(0, self._int("Page cache days"))

    @property
    def exports_folder(self) -> str:
        return self.raw("Exports folder").strip()

    @property
    def data_source(self) -> str:
        return self.raw("Data source").strip() or "exports"

    @property
    def api_budget(self) -> float | None:
        """The ceiling of a run's vendor pulls in the vendor's units; None when blank (nothing is pulled)."""
        text = self.raw("API budget per run").strip()
        return _number(text, 0.0) if text else None

    @property
    def refresh_days(self) -> int:
        return self._int("Refresh every (days)")

    @property
    def slack_channel(self) -> str:
        return self.raw("Slack channel").strip()

    @property
    def timezone(self) -> str:
        return self.raw("Timezone").strip() or "UTC"

    @property
    def allow_private_addresses(self) -> bool:
        return self.raw("Allow private addresses").strip().lower() in ("yes", "true", "1")

    def weight(self, name: str) -> float:
        return _number(self.raw(f"Weight: {name}"), float(SETTINGS_BY_NAME[f"weight: {name}"].default))

    def _int(self, name: str) -> int:
        return int(_number(self.raw(name), float(SETTINGS_BY_NAME[name.casefold()].default)))


def _number(text: str, default: float) -> float:
    cleaned = text.strip().rstrip("%").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return default
    return value / 100 if text.strip().endswith("%") else value


#: The smallest value a number setting may take (weights, counts and days are never negative).
_AT_LEAST: dict[str, float] = {
    "minimum overlap": 1,
    "batch size": 1,
    "rerun every (days)": 1,
    "refresh every (days)": 1,
    "api budget per run": 0,
    "pages read per run": 0,
    "page cache days": 0,
    "response-rate alert below": 0,
    "weight: relevance": 0,
    "weight: feasibility": 0,
    "weight: value": 0,
}


def _problem(name: str, value: str) -> str:
    """What is wrong with a setting's value ("" when nothing): numbers must be numbers within
    their range, the timezone must be one the tz database knows; the rest is free text."""
    if name == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return f"should be a timezone such as Europe/Berlin or UTC, not {value!r}"
        return ""
    if name == "data source":
        if value.casefold() not in {s.casefold() for s in DATA_SOURCES}:
            return f"should be one of {', '.join(DATA_SOURCES)}, not {value!r}"
        return ""
    if math.isnan(_number(SETTINGS_BY_NAME[name].default, math.nan)) and name not in _AT_LEAST:
        return ""
    number = _number(value, math.nan)
    if math.isnan(number):
        return f"should be a number, not {value!r}"
    if number < _AT_LEAST.get(name, -math.inf):
        return f"should be at least {_AT_LEAST[name]:g}, not {value!r}"
    return ""


def parse_settings(frame: pd.DataFrame | None) -> Settings:
    values = {k.name.casefold(): k.default for k in SETTING_KEYS}
    problems: list[str] = []
    if frame is None or frame.empty:
        return Settings(values, ())
    columns = {header_key(c): c for c in frame.columns}
    name_col = columns.get(header_key(SETTINGS.key or "Setting"))
    value_col = columns.get(header_key("Value"))
    if name_col is None or value_col is None:
        problems.append("Settings: the header must have `Setting` and `Value` columns; using defaults")
        return Settings(values, tuple(problems))
    for row_number, (name, value) in enumerate(zip(frame[name_col], frame[value_col], strict=True), start=2):
        name, value = str(name).strip(), str(value).strip()
        if not name:
            continue
        key = name.casefold()
        if key not in SETTINGS_BY_NAME:
            problems.append(f"Settings row {row_number}: unknown setting {name!r} is ignored — check its spelling")
        elif value and _problem(key, value):
            problems.append(
                f"Settings row {row_number}: {name!r} {_problem(key, value)}; using the default "
                f"{SETTINGS_BY_NAME[key].default!r}"
            )
        elif value:
            values[key] = value
        if key == "market languages":
            unknown = [p.strip() for p in re.split(r"[,;/]", value) if p.strip() and language_code(p) is None]
            if unknown:
                problems.append(
                    f"Settings row {row_number}: Market languages {', '.join(map(repr, unknown))} not understood "
                    "and left out — write ISO codes such as `en, de` (or names such as English, Deutsch)"
                )
    return Settings(values, tuple(problems))
