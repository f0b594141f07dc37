"""A message as Block Kit within Slack's limits, and as plain text (fallback and console)."""

from __future__ import annotations

from typing import Any

from .message import Link, Message, Section

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
#: Slack shows the fallback in notifications and truncates very long ones; keep it readable.
MAX_FALLBACK_CHARS = 3000

Block = dict[str, Any]


def escape(text: str) -> str:
    """Text safe inside mrkdwn: no accidental links, mentions (<!channel>) or markup from the sheet."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def more_text(count: int) -> str:
    return f"and {count} more in the sheet"


def _link_mrkdwn(link: Link) -> str:
    if link.is_url:
        return f"→ <{link.target}|{escape(link.label)}>"
    return f"→ {escape(link.label)}: `{escape(link.target)}`"


def _link_text(link: Link) -> str:
    return f"→ {link.label}: {link.target}"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section_mrkdwn(section: Section) -> str:
    """The section as one mrkdwn text of at most MAX_SECTION_CHARS, cutting lines that do not fit."""
    head = f"*{escape(section.heading)}*"
    tail = _link_mrkdwn(section.link) if section.link else ""
    # Room for the "and N more" line and the link, whatever N turns out to be.
    reserve = len(head) + len(tail) + 40
    body: list[str] = []
    used = reserve
    for line in section.lines:
        item = _cut(f"• {escape(line)}", MAX_SECTION_CHARS - reserve)
        if used + len(item) + 1 > MAX_SECTION_CHARS:
            break
        body.append(item)
        used += len(item) + 1
    more = section.more + len(section.lines) - len(body)
    parts = [head, *body]
    if more:
        parts.append(f"_{more_text(more)}_")
    if tail:
        parts.append(tail)
    return "\n".join(parts)


def to_blocks(message: Message) -> list[Block]:
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(message.title, MAX_HEADER_CHARS)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(escape(message.summary), MAX_SECTION_CHARS)}},
    ]
    room = MAX_BLOCKS - len(blocks)
    shown = message.sections if len(message.sections) <= room else message.sections[: room - 1]
    blocks += [{"type": "section", "text": {"type": "mrkdwn", "text": section_mrkdwn(s)}} for s in shown]
    if len(shown) < len(message.sections):
        left = len(message.sections) - len(shown)
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"{left} more sections in the sheet"}]}
        )
    return blocks


def to_text(message: Message) -> str:
    """Readable plain text of the whole message (the console shows this)."""
    lines = [message.title, message.summary]
    for s in message.sections:
        lines += ["", f"{s.heading}:"]
        lines += [f"  - {line}" for line in s.lines]
        if s.more:
            lines.append(f"  … {more_text(s.more)}")
        if s.link:
            lines.append(f"  {_link_text(s.link)}")
    return "\n".join(lines)


def fallback_text(message: Message) -> str:
    """The `text` Slack shows in notifications and where blocks cannot be shown.

    Slack parses this text too, so it is escaped like the blocks: a `<!channel>` typed in the
    sheet must not page the whole channel.
    """
    return _cut(escape(to_text(message)), MAX_FALLBACK_CHARS)
