"""Keys of the `Settings` tab: their defaults and what they mean.

Missing keys take these defaults; keys not listed here are reported as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SettingKey:
    name: str
    default: str
    note: str
    example: str = ""  # what `gapbot init` writes into a fresh Settings tab


#: Settings › Data source: exports only, or one vendor's API besides them (`bot.vendors` has a connector per name).
DATA_SOURCES = ("exports", "DataForSEO", "Semrush", "Ahrefs", "Moz", "Majestic")

SETTING_KEYS: tuple[SettingKey, ...] = (
    SettingKey("Our domains", "", "Comma-separated list of our own sites.", "example.com"),
    SettingKey("Market languages", "en", "Languages of our market, e.g. `en, de`.", "en"),
    SettingKey(
        "Review level", "domain", "`domain`: one prospect per referring domain; `page`: per linking page.", "domain"
    ),
    SettingKey("Minimum overlap", "1", "A prospect must link to at least this many active competitors.", "1"),
    SettingKey("Rerun every (days)", "30", "Alert when the last analysis is older than this.", "30"),
    SettingKey(
        "Response-rate alert below", "10%", "Alert when the reply rate of recent sends drops below this.", "10%"
    ),
    SettingKey("Auto rerun", "no", "`yes`: the worker reruns the analysis by itself when a rerun alert fires.", "no"),
    SettingKey("Slack channel", "", "Channel for digests and alerts, e.g. #link-building."),
    SettingKey("Exports folder", "", "Folder with export files (local path or Drive folder ID)."),
    SettingKey(
        "Data source",
        "exports",
        "`exports`, or a vendor's API to pull backlinks from: DataForSEO, Semrush, Ahrefs, Moz or Majestic "
        "(exports still count).",
        "exports",
    ),
    SettingKey(
        "API budget per run",
        "",
        "Most a run may spend on the vendor's API, in its own units (DataForSEO: US dollars; Semrush, Ahrefs: "
        "API units; Moz: rows; Majestic: analysis resource units). Blank: nothing is pulled.",
    ),
    SettingKey("Refresh every (days)", "30", "Pull a vendor's reports again when the kept pull is this old.", "30"),
    SettingKey("Batch size", "15", "Prospects per outreach batch.", "15"),
    SettingKey("Weight: relevance", "0.4", "Share of relevance in Priority.", "0.4"),
    SettingKey("Weight: feasibility", "0.35", "Share of feasibility in Priority.", "0.35"),
    SettingKey("Weight: value", "0.25", "Share of value in Priority.", "0.25"),
    SettingKey("Timezone", "UTC", "Timezone for schedules and dates, e.g. Europe/Berlin."),
    SettingKey(
        "Pages read per run",
        "2000",
        "Linking pages gapbot opens per analyze run to judge them (most valuable first; 0: none).",
        "2000",
    ),
    SettingKey("Page cache days", "30", "A linking page read fewer days ago than this is not fetched again.", "30"),
    SettingKey("Contact URL", "", "Shown in the crawler's user agent so site owners can reach us."),
    SettingKey(
        "Allow private addresses", "no", "`yes` lets the crawler fetch private/loopback addresses (tests only)."
    ),
)

SETTINGS_BY_NAME = {k.name.casefold(): k for k in SETTING_KEYS}
