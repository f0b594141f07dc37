"""What gapbot says to the team: one structured message, rendered for Slack or the console.

A message is plain data (title, summary, sections of lines, optional funnel chart) so the same
content becomes Block Kit, a plain-text fallback and console text, and can wait in the outbox as
JSON until Slack takes it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.errors import LimitError


@dataclass(frozen=True)
class Link:
    """Where to look: a sheet URL (clickable in Slack) or a workbook path (shown as text)."""

    label: str
    target: str

    @property
    def is_url(self) -> bool:
        return self.target.startswith(("https://", "http://"))


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[str, ...] = ()
    #: Items left out of `lines` before rendering ("and N more in the sheet").
    more: int = 0
    link: Link | None = None


@dataclass(frozen=True)
class Funnel:
    """Outreach funnel counts for a chart: this period and the previous one, stage by stage."""

    stages: tuple[str, ...]
    current: tuple[int, ...]
    previous: tuple[int, ...]
    current_label: str = "this period"
    previous_label: str = "previous period"


@dataclass(frozen=True)
class Message:
    #: Idempotency key: the outbox sends a key at most once.
    key: str
    kind: str
    title: str
    summary: str
    sections: tuple[Section, ...] = ()
    chart: Funnel | None = None
    meta: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Message:
        data: dict[str, Any] = json.loads(text)
        sections = tuple(
            Section(
                heading=s["heading"],
                lines=tuple(s["lines"]),
                more=s["more"],
                link=Link(**s["link"]) if s.get("link") else None,
            )
            for s in data["sections"]
        )
        chart = data.get("chart")
        return cls(
            key=data["key"],
            kind=data["kind"],
            title=data["title"],
            summary=data["summary"],
            sections=sections,
            chart=Funnel(
                stages=tuple(chart["stages"]),
                current=tuple(chart["current"]),
                previous=tuple(chart["previous"]),
                current_label=chart["current_label"],
                previous_label=chart["previous_label"],
            )
            if chart
            else None,
            meta=dict(data.get("meta") or {}),
        )

    def shrunk(self) -> Message:
        """The same message with the longest section cut by half (to fit a storage limit quickly)."""
        index = max(range(len(self.sections)), key=lambda i: len(self.sections[i].lines), default=None)
        if index is None or not self.sections[index].lines:
            raise LimitError(
                f"message {self.key!r} does not fit a cell of the state tab even without its lists",
                fix="shorten its title and summary",
            )
        s = self.sections[index]
        keep = len(s.lines) // 2
        smaller = replace(s, lines=s.lines[:keep], more=s.more + len(s.lines) - keep)
        return replace(self, sections=(*self.sections[:index], smaller, *self.sections[index + 1 :]))


def listed(heading: str, lines: list[str], limit: int, link: Link | None = None) -> Section:
    """A section showing the first `limit` lines and counting the rest."""
    return Section(heading, tuple(lines[:limit]), max(0, len(lines) - limit), link)


def fingerprint(value: Any) -> str:
    """A short stable digest of JSON-able content: same content, same key."""
    return hashlib.sha1(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
