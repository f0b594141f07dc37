"""Which notifier to use, from the environment and the `Slack channel` setting."""

from __future__ import annotations

from collections.abc import Mapping

from .base import DeliveryError, Notifier
from .console import ConsoleNotifier
from .message import Message

TOKEN_ENV = "SLACK_BOT_TOKEN"
WEBHOOK_ENV = "SLACK_WEBHOOK_URL"
API_URL_ENV = "SLACK_API_URL"


class ChannelMissing(Notifier):
    """A bot token without a channel: messages wait in the outbox until the channel is set."""

    description = "Slack (no channel set)"

    def send(self, message: Message) -> None:
        raise DeliveryError(
            f"{TOKEN_ENV} is set but Settings › Slack channel is empty",
            stop=True,
            fix="enter the channel gapbot should post to, e.g. #link-building",
        )


def build_notifier(env: Mapping[str, str], channel: str) -> Notifier:
    """A bot token wins over a webhook (it can upload charts); with neither, the console."""
    token = env.get(TOKEN_ENV, "").strip()
    webhook = env.get(WEBHOOK_ENV, "").strip()
    if token:
        if not channel:
            return ChannelMissing()
        # imported here, as the webhook's below: slack_sdk loads only for runs that post to Slack
        from .slack import SlackNotifier

        return SlackNotifier(token, channel, base_url=env.get(API_URL_ENV, "").strip() or None)
    if webhook:
        from .webhook import WebhookNotifier

        return WebhookNotifier(webhook)
    return ConsoleNotifier()
