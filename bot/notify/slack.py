"""Posting to Slack with a bot token (Web API: chat.postMessage, files_upload_v2)."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from .base import DeliveryError, Notifier, Pacer
from .message import Message
from .render import fallback_text, to_blocks
from .retry import SlackRetryPolicy
from .secrets import SLACK_LOGGER, redact, register_secret

T = TypeVar("T")

CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
UNREACHABLE_FIX = "the message waits in the outbox and is sent on the next run"
CHANNEL_ID_FIX = (
    "invite the gapbot app to the channel and give it the channels:read scope, "
    "or put the channel ID (C…) in Settings › Slack channel"
)

#: ok:false errors that every later message would hit too, with what the team should do.
SETUP_ERRORS = {
    "invalid_auth": "check SLACK_BOT_TOKEN (a bot token starting with xoxb-)",
    "not_authed": "set SLACK_BOT_TOKEN",
    "account_inactive": "the Slack app was removed or its token revoked: reinstall it and update SLACK_BOT_TOKEN",
    "token_revoked": "reinstall the Slack app and update SLACK_BOT_TOKEN",
    "token_expired": "reinstall the Slack app and update SLACK_BOT_TOKEN",
    "missing_scope": "give the Slack app the chat:write, files:write and channels:read scopes and reinstall it",
    "channel_not_found": "check `Slack channel` in Settings (e.g. #link-building)",
    "not_in_channel": "invite the gapbot app to the channel (/invite @gapbot in Slack)",
    "is_archived": "the channel is archived: choose another one in Settings › Slack channel",
}
#: ok:false errors meaning Slack itself is struggling.
SLACK_TROUBLE = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}


def api_error(method: str, status: int, error: str) -> DeliveryError:
    """What an ok:false / HTTP error from Slack means for the outbox."""
    if error in SETUP_ERRORS:
        return DeliveryError(f"Slack refused {method}: {error}", stop=True, fix=SETUP_ERRORS[error])
    if status >= 500 or status == 429:
        return DeliveryError(f"Slack is not answering {method} (HTTP {status})", stop=True, fix=UNREACHABLE_FIX)
    if error in SLACK_TROUBLE:
        return DeliveryError(f"Slack is not answering {method} ({error})", stop=True, fix=UNREACHABLE_FIX)
    return DeliveryError(f"Slack rejected the message ({method}: {error or f'HTTP {status}'})", stop=False)


class SlackNotifier(Notifier):
    uploads_files = True

    def __init__(
        self,
        token: str,
        channel: str,
        *,
        base_url: str | None = None,
        retry: SlackRetryPolicy | None = None,
        pacer: Pacer | None = None,
        timeout: int = 30,
    ) -> None:
        register_secret(token)
        self.channel = channel
        self.description = f"Slack {channel}"
        self._client = WebClient(
            token=token,
            base_url=base_url or WebClient.BASE_URL,
            timeout=timeout,
            logger=SLACK_LOGGER,
            retry_handlers=(retry or SlackRetryPolicy()).handlers(),
        )
        self._pacer = pacer or Pacer(1.0)
        self._channel_id = channel if CHANNEL_ID.match(channel) else ""
        self._authenticated = False

    def send(self, message: Message) -> None:
        if not self._authenticated:
            self._call("auth.test", self._client.auth_test)
            self._authenticated = True
        if message.chart is None:
            self._post(message)
        else:
            self._upload_chart(message)

    def _post(self, message: Message) -> None:
        self._pacer.wait(self.channel)
        response = self._call(
            "chat.postMessage",
            lambda: self._client.chat_postMessage(
                channel=self.channel, text=fallback_text(message), blocks=to_blocks(message), unfurl_links=False
            ),
        )
        # Slack answers with the channel's ID, which file uploads need.
        self._channel_id = self._channel_id or str(response.get("channel") or "")

    def _upload_chart(self, message: Message) -> None:
        # matplotlib is imported only when a chart is drawn: it is slow to load for every run.
        from .chart import funnel_png

        assert message.chart is not None
        png = funnel_png(message.chart)
        channel_id = self._resolve_channel_id()
        self._pacer.wait(self.channel)
        self._call(
            "files_upload_v2",
            lambda: self._client.files_upload_v2(
                channel=channel_id,
                content=png,
                filename="outreach-funnel.png",
                title=message.title,
                alt_txt=message.summary,
                initial_comment=fallback_text(message),
            ),
        )

    def _resolve_channel_id(self) -> str:
        """`files_upload_v2` needs the channel's ID; Settings usually holds its name.

        A lookup that fails for a reason other than an outage only holds up the chart, never
        the messages queued behind it.
        """
        if self._channel_id:
            return self._channel_id
        try:
            self._channel_id = self._find_channel_id()
        except DeliveryError as exc:
            if exc.fix == UNREACHABLE_FIX:
                raise
            raise DeliveryError(exc.reason, stop=False, fix=CHANNEL_ID_FIX) from None
        return self._channel_id

    def _find_channel_id(self) -> str:
        wanted = self.channel.lstrip("#").casefold()
        cursor = None
        while True:
            page = self._call(
                "conversations.list",
                partial(
                    self._client.conversations_list,
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=200,
                    cursor=cursor,
                ),
            )
            for channel in page.get("channels") or []:
                if str(channel.get("name", "")).casefold() == wanted:
                    return str(channel["id"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                raise DeliveryError(f"no channel named {self.channel!r} is visible to the gapbot app", stop=True)

    def _call(self, method: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except SlackApiError as exc:
            response: Any = exc.response
            raise api_error(method, response.status_code, str(response.get("error") or "")) from None
        except SlackRequestError as exc:
            raise DeliveryError(f"Slack {method} failed: {redact(str(exc))}", stop=True, fix=UNREACHABLE_FIX) from None
        except OSError as exc:  # URLError, refused or reset connections, timeouts
            raise DeliveryError(f"cannot reach Slack ({redact(str(exc))})", stop=True, fix=UNREACHABLE_FIX) from None
        except ValueError as exc:  # urllib's answer to a malformed URL
            raise DeliveryError(
                f"the Slack API URL is not usable ({redact(str(exc))})", stop=True, fix="check SLACK_API_URL"
            ) from None
