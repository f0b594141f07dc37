"""Posting through an incoming webhook, for teams that have a webhook URL but no bot token."""

from __future__ import annotations

from slack_sdk.webhook import WebhookClient

from .base import DeliveryError, Notifier, Pacer
from .message import Message
from .render import fallback_text, to_blocks
from .retry import SlackRetryPolicy
from .secrets import SLACK_LOGGER, redact, register_secret
from .slack import UNREACHABLE_FIX

#: Webhook answers (HTTP status, body) that every later message would hit too.
SETUP_STATUSES = {
    403: "the webhook's workspace forbids posting: check the Slack app's settings",
    404: "the webhook no longer exists: create a new one and update SLACK_WEBHOOK_URL",
    410: "the webhook's channel is archived: create a webhook for another channel",
}


class WebhookNotifier(Notifier):
    description = "Slack webhook"

    def __init__(
        self, url: str, *, retry: SlackRetryPolicy | None = None, pacer: Pacer | None = None, timeout: int = 30
    ) -> None:
        register_secret(url)
        self._client = WebhookClient(
            url, timeout=timeout, logger=SLACK_LOGGER, retry_handlers=(retry or SlackRetryPolicy()).handlers()
        )
        self._pacer = pacer or Pacer(1.0)

    def send(self, message: Message) -> None:
        # A webhook cannot upload files: a chart message goes as its text (the funnel numbers).
        self._pacer.wait("webhook")
        try:
            response = self._client.send(text=fallback_text(message), blocks=to_blocks(message), unfurl_links=False)
        except OSError as exc:
            raise DeliveryError(f"cannot reach Slack ({redact(str(exc))})", stop=True, fix=UNREACHABLE_FIX) from None
        except ValueError as exc:  # urllib's answer to a malformed URL
            raise DeliveryError(
                f"the webhook URL is not usable ({redact(str(exc))})", stop=True, fix="check SLACK_WEBHOOK_URL"
            ) from None
        status, body = response.status_code, redact(str(response.body or "")).strip()
        if status == 200:
            return
        if status in SETUP_STATUSES:
            raise DeliveryError(f"Slack refused the webhook ({status} {body})", stop=True, fix=SETUP_STATUSES[status])
        if status >= 500 or status == 429:
            raise DeliveryError(f"Slack is not answering the webhook (HTTP {status})", stop=True, fix=UNREACHABLE_FIX)
        raise DeliveryError(f"Slack rejected the message (webhook: {status} {body})", stop=False)
