"""Keeping tokens and webhook URLs out of logs and error messages."""

from __future__ import annotations

import logging

REDACTED = "[redacted]"
_SECRETS: set[str] = set()


def register_secret(secret: str) -> None:
    if secret:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    # Longest first, so a webhook URL is hidden whole rather than around a shorter secret inside it.
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        cleaned = redact(text)
        if cleaned != text:
            record.msg, record.args = cleaned, ()
        return True


#: The logger slack-sdk clients are given: what they log (URLs, headers) passes the filter first.
SLACK_LOGGER = logging.getLogger("gapbot.slack")
SLACK_LOGGER.addFilter(RedactingFilter())
