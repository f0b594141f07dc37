"""Hand-built inputs for the analysis tests: link-table rows, competitors, targets, settings."""

from __future__ import annotations

from typing import Any

import pandas as pd

from bot.linktable import conform
from bot.settings import Settings, parse_settings
from bot.urls import domain_of, host_display, host_key, registrable_domain, split_host, url_key


def link(source: str, target: str, **fields: Any) -> dict[str, Any]:
    """One link row with its keys filled the way ingest fills them."""
    host = host_key(split_host(source))
    return {
        "source_url": source,
        "source_key": url_key(source),
        "source_host": host,
        "source_domain": registrable_domain(host),
        "target_url": target,
        "target_key": url_key(target),
        "target_domain": domain_of(target),
        "level": "page",
        **fields,
    }


def table(*rows: dict[str, Any]) -> pd.DataFrame:
    return conform(pd.DataFrame(list(rows)))


def competitors(*specs: tuple[str, ...]) -> pd.DataFrame:
    """(domain[, group[, topic[, active]]]) -> the frame `bot.inputs.parse_competitors` returns."""
    defaults = ("", "Direct SERP competitor", "", "Yes")
    rows = []
    for spec in specs:
        domain, group, topic, active = (*spec, *defaults[len(spec) :])
        key = domain_of(domain)
        rows.append(
            {"domain": key, "display": host_display(key), "group": group, "topic": topic, "active": active == "Yes"}
        )
    return pd.DataFrame(rows, columns=["domain", "display", "group", "topic", "active"])


def targets(*specs: tuple[str, str, str, str]) -> pd.DataFrame:
    """(url, topic, keywords, asset type) -> the frame `bot.inputs.parse_targets` returns."""
    return pd.DataFrame(
        [
            {"url": u, "domain": domain_of(u), "topic": t, "keywords": k, "asset_type": a, "active": True}
            for u, t, k, a in specs
        ],
        columns=["url", "domain", "topic", "keywords", "asset_type", "active"],
    )


def settings(**values: str) -> Settings:
    names = {k.replace("_", " ").capitalize(): v for k, v in values.items()}
    return parse_settings(pd.DataFrame({"Setting": list(names), "Value": list(names.values())}))


def rules(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """(Match, Pattern, Effect, Link type) rows of a Rules tab."""
    return pd.DataFrame(rows, columns=["Match", "Pattern", "Effect", "Link type"]).assign(Note="")
