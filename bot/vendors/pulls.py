"""Pull each site's reports from the sheet's vendor, within the run's budget, and keep every pull
beside the sheet like an export file, so nothing is paid twice between refreshes.

A pulled report is kept as `<vendor>/<site> <call>.csv` (the vendor's export headers) with a
`.json` beside it (when, units, rows, unknown fields, what was left unread). A pull younger than
`Refresh every (days)` is read from there; an older one is pulled again. When a pull fails, the
last kept pull of that report is used and the run says so: what it held is still the best known.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd

from bot.crawl.page_cache import beside_sheet
from bot.errors import ConfigError, GapbotError
from sheets_schema.settings_keys import DATA_SOURCES

from . import ahrefs, dataforseo, majestic, moz, semrush
from .base import Budget, Connector, Joint, Pulled, VendorError, VendorHttp, amount

ENV_VAR = "GAPBOT_PULL_CACHE"
EXPORTS = "exports"
CONNECTORS: dict[str, Connector] = {
    c.vendor.name.casefold(): c
    for c in (dataforseo.CONNECTOR, semrush.CONNECTOR, ahrefs.CONNECTOR, moz.CONNECTOR, majestic.CONNECTOR)
}


@dataclass
class PulledExport:
    """One report for `analyze`: its rows under export headers, and its Imports notes."""

    name: str
    frame: pd.DataFrame
    notes: list[str]
    problem: str = ""


@dataclass
class PullRun:
    vendor: str
    unit: str
    exports: list[PulledExport] = field(default_factory=list)
    units: float = 0.0
    pulled: int = 0  # reports pulled fresh (not from the kept pulls)
    notes: list[str] = field(default_factory=list)

    def spent(self) -> str:
        """What the run paid, as the run's notes, the digest and Imports say it."""
        return f"{amount(self.units)} {self.unit} spent on {self.pulled} report(s) pulled from {self.vendor}"


def connector_for(source: str) -> Connector | None:
    """The connector Settings › Data source names; None for exports. Unknown names are a setting problem."""
    key = source.strip().casefold()
    if key in ("", EXPORTS):
        return None
    if key not in CONNECTORS:
        raise ConfigError(
            f"Settings › Data source {source!r} is not one gapbot knows",
            fix=f"write one of: {', '.join(DATA_SOURCES)}",
        )
    return CONNECTORS[key]


def default_pull_dir(location: str) -> Path | None:
    return beside_sheet(location, "-pulls", ENV_VAR)


def pull_sites(
    connector: Connector,
    sites: list[str],
    budget: float | None,
    refresh_days: int,
    folder: Path | None,
    now: datetime,
    env: Mapping[str, str] | None = None,
    *,
    ours: Collection[str] = (),
) -> PullRun:
    """Every call of the vendor for every site (`ours` among them): kept pulls when fresh, else
    pulled within the budget; a report the vendor can pull for several competitors in one call
    (`Connector.joint`) is pulled so when enough of them are due."""
    vendor = connector.vendor
    run = PullRun(vendor.name, vendor.unit)
    wallet = Budget(budget if budget is not None else 0.0)
    if budget is None:
        run.notes.append(
            f"Settings › API budget per run is blank, so nothing was pulled from {vendor.name}: "
            f"write a ceiling in {vendor.unit}"
        )
    kept = {(site, call): _Kept(folder, vendor.name, site, call) for site in sites for call in connector.calls}
    due = {key for key, k in kept.items() if budget is not None and not _fresh(k, now, refresh_days)}
    joint = connector.joint
    together = [s for s in sites if s not in ours and (s, joint.replaces) in due] if joint else []
    pulled_together: dict[str, Pulled | VendorError] | None = None
    http = VendorHttp(vendor, os.environ if env is None else env)
    try:
        for site in sites:
            for call, pull in connector.calls.items():
                report = kept[(site, call)]
                if (site, call) not in due:
                    if report.exists():
                        run.exports.append(report.export(pulled_now=False))
                    continue
                if joint and call == joint.replaces and site in together and len(together) >= joint.fewest:
                    if pulled_together is None:  # asked when the first of them is due, in the sites' order
                        pulled_together = _pull_together(joint, http, together, [s for s in sites if s in ours],
                                                         wallet, run)  # fmt: skip
                    outcome = pulled_together[site]
                else:
                    try:
                        outcome = pull(http, site, wallet)
                    except VendorError as exc:
                        outcome = exc
                    else:
                        run.units += outcome.units
                if isinstance(outcome, VendorError):
                    run.exports.append(_failed(report, outcome))
                elif outcome.stopped_by_budget and report.exists():
                    # a refresh the budget cut short would lose the rows it did not read: the last
                    # whole pull stands in, so no prospect turns Gone for what went unread
                    run.exports.append(report.export(pulled_now=False, why=f"refresh cut short: {outcome.unread}"))
                elif outcome.requests:
                    run.pulled += 1
                    report.save(outcome, now)
                    run.exports.append(report.export(pulled_now=True))
                elif report.exists():
                    run.exports.append(report.export(pulled_now=False, why=outcome.unread))
    finally:
        http.close()
    run.notes.extend(wallet.unread)
    return run


def kept_pulls(folder: Path | None, vendor: str) -> dict[str, datetime]:
    """When each kept pull of the vendor was pulled, by its report's name (`Semrush API › backlinks ›
    billhive.com`); what the rerun alerts and the worker's cadence go by, without pulling anything."""
    found: dict[str, datetime] = {}
    if folder is None or not (folder / vendor).is_dir():
        return found
    for meta in sorted((folder / vendor).glob("*.json")):
        try:
            record = json.loads(meta.read_text("utf-8"))
            when = datetime.fromisoformat(str(record["pulled_at"]))
            name = f"{record['vendor']} API › {record['call']} › {record['site']}"
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged record counts as no pull: analyze pulls that report again
        if meta.with_suffix(".csv").exists():
            found[name] = when
    return found


def _fresh(kept: _Kept, now: datetime, refresh_days: int) -> bool:
    age = kept.age(now)
    return age is not None and age < timedelta(days=refresh_days)


def _pull_together(
    joint: Joint, http: VendorHttp, competitors: list[str], ours: list[str], wallet: Budget, run: PullRun
) -> dict[str, Pulled | VendorError]:
    """The joint call's report for each competitor, or the error that stopped it, for each of them."""
    try:
        pulled = joint.pull(http, competitors, ours, wallet)
    except VendorError as exc:
        return dict.fromkeys(competitors, exc)
    run.units += sum(p.units for p in pulled)
    return {p.site: p for p in pulled}


def _failed(kept: _Kept, exc: GapbotError) -> PulledExport:
    if kept.exists():
        return kept.export(pulled_now=False, why=f"pulling it again failed: {exc.message}")
    return PulledExport(kept.name, pd.DataFrame(), [], problem=exc.message)


class _Kept:
    """One report's kept pull: the CSV and its `.json` record."""

    def __init__(self, folder: Path | None, vendor: str, site: str, call: str) -> None:
        self.name = f"{vendor} API › {call} › {site}"
        self.folder = folder
        stem = f"{site} {call}"
        self.csv = folder / vendor / f"{stem}.csv" if folder else None
        self.meta = folder / vendor / f"{stem}.json" if folder else None
        self._memory: tuple[pd.DataFrame, dict[str, object]] | None = None  # a sheet kept in memory has no folder

    def exists(self) -> bool:
        return self._memory is not None or bool(self.csv and self.csv.exists() and self.meta and self.meta.exists())

    def record(self) -> dict[str, object]:
        if self._memory is not None:
            return self._memory[1]
        assert self.meta is not None
        return dict(json.loads(self.meta.read_text("utf-8")))

    def age(self, now: datetime) -> timedelta | None:
        if not self.exists():
            return None
        return now - datetime.fromisoformat(str(self.record()["pulled_at"]))

    def save(self, pulled: Pulled, now: datetime) -> None:
        record: dict[str, object] = {
            "pulled_at": now.isoformat(), "vendor": pulled.vendor, "call": pulled.call, "site": pulled.site,
            "rows": len(pulled.frame), "requests": pulled.requests, "units": pulled.units,
            "unknown": sorted(pulled.unknown), "unread": pulled.unread, "via": pulled.via,
        }  # fmt: skip
        if self.csv is None or self.meta is None:
            self._memory = (pulled.frame, record)
            return
        self.csv.parent.mkdir(parents=True, exist_ok=True)
        for path, write in ((self.csv, lambda p: pulled.frame.to_csv(p, index=False)),
                            (self.meta, lambda p: p.write_text(json.dumps(record, indent=1), "utf-8"))):  # fmt: skip
            partial = path.with_name(path.name + ".partial")
            write(partial)
            partial.replace(path)  # a run cut off midway never leaves half a pull to be trusted

    def frame(self) -> pd.DataFrame:
        if self._memory is not None:
            return self._memory[0]
        assert self.csv is not None
        return pd.read_csv(self.csv, dtype=str, keep_default_na=False)

    def export(self, *, pulled_now: bool, why: str = "") -> PulledExport:
        record = self.record()
        when = str(record["pulled_at"])[:16].replace("T", " ")
        units = float(str(record["units"]))
        via = f" by {record['via']}" if record.get("via") else ""
        head = (
            f"pulled from {record['vendor']} ({record['call']}{via}) at {when}: {record['rows']:,} rows, "
            f"{record['requests']} request(s), {amount(units)} units"
            if pulled_now
            else f"kept pull of {when} from {record['vendor']} ({record['call']}), no units spent"
        )  # fmt: skip
        notes = [head]
        if why:
            notes.append(why)
        if record.get("unread"):
            notes.append(str(record["unread"]))
        unknown = record.get("unknown")
        if isinstance(unknown, list) and unknown:
            notes.append(f"fields {record['vendor']} sent that gapbot does not use yet: {', '.join(map(str, unknown))}")
        return PulledExport(self.name, self.frame(), notes)
