"""Settings are understood or refused the same way by every command, with the row and what is allowed."""

from __future__ import annotations

import pandas as pd
import pytest

from bot.settings import parse_settings


@pytest.mark.parametrize(
    ("name", "typed", "said", "default"),
    [
        ("Timezone", "Mars/Olympus", "should be a timezone such as Europe/Berlin or UTC", "UTC"),
        ("Batch size", "0", "should be at least 1", 15),
        ("Weight: value", "-1", "should be at least 0", 0.25),
        ("Minimum overlap", "two", "should be a number", 1),
        ("Pages read per run", "-5", "should be at least 0", 2000),
    ],
)
def test_a_value_out_of_range_is_refused_with_its_row(name: str, typed: str, said: str, default: object) -> None:
    settings = parse_settings(pd.DataFrame({"Setting": ["Our domains", name], "Value": ["ours.io", typed]}))
    assert settings.problems == (f"Settings row 3: {name!r} {said}, not {typed!r}; using the default {str(default)!r}",)
    value = {
        "Timezone": settings.timezone,
        "Batch size": settings.batch_size,
        "Weight: value": settings.weight("value"),
        "Minimum overlap": settings.minimum_overlap,
        "Pages read per run": settings.pages_per_run,
    }[name]
    assert value == default


def test_good_values_pass() -> None:
    settings = parse_settings(
        pd.DataFrame({"Setting": ["Timezone", "Batch size", "Weight: value"], "Value": ["Europe/Berlin", "20", "0"]})
    )
    assert settings.problems == ()
    assert (settings.timezone, settings.batch_size, settings.weight("value")) == ("Europe/Berlin", 20, 0.0)
