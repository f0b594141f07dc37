"""SlackNotifier and WebhookNotifier through the real slack-sdk clients against a local Slack."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator

import pytest

from bot.notify.base import DeliveryError, Pacer
from bot.notify.message import Funnel, Link, Message, Section
from bot.notify.retry import SlackRetryPolicy
from bot.notify.slack import SlackNotifier
from bot.notify.webhook import WebhookNotifier
from tests.slack_server import TOKEN, Reply, SlackServer, running

FAST = SlackRetryPolicy(backoff=0.01)


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with running() as server:
        yield server


def bot(slack: SlackServer, channel: str = "#link-building", interval: float = 0.0) -> SlackNotifier:
    return SlackNotifier(TOKEN, channel, base_url=slack.api_url, retry=FAST, pacer=Pacer(interval))


def message(key: str = "m1", lines: int = 3, sections: int = 1) -> Message:
    return Message(
        key=key,
        kind="test",
        title=f"Digest {key}",
        summary="3 prospects <b>new</b> & @channel",
        sections=tuple(
            Section(
                f"List {s}",
                tuple(f"site{s}-{i}.com — why {i}" for i in range(lines)),
                0,
                Link("Prospects tab", "https://docs.google.com/spreadsheets/d/abc/edit#gid=7"),
            )
            for s in range(sections)
        ),
    )


def test_post_carries_blocks_fallback_and_escaped_text(slack: SlackServer) -> None:
    bot(slack).send(message())
    assert [c.method for c in slack.calls] == ["auth.test", "chat.postMessage"]
    posted = slack.messages[0]
    assert posted["channel"] == "#link-building"
    assert posted["text"].startswith("Digest m1\n3 prospects &lt;b&gt;new&lt;/b&gt; &amp; @channel")
    header, summary, section = posted["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Digest m1"}}
    # Team-typed text cannot become markup, links or mentions in Slack.
    assert summary["text"]["text"] == "3 prospects &lt;b&gt;new&lt;/b&gt; &amp; @channel"
    assert section["text"]["text"].splitlines() == [
        "*List 0*",
        "• site0-0.com — why 0",
        "• site0-1.com — why 1",
        "• site0-2.com — why 2",
        "→ <https://docs.google.com/spreadsheets/d/abc/edit#gid=7|Prospects tab>",
    ]


def test_sheet_text_cannot_mention_the_channel(slack: SlackServer) -> None:
    sneaky = Message("x", "test", "<!channel> title", "<!here> summary", (Section("<@U123>", ("<!channel> hi",)),))
    bot(slack).send(sneaky)
    posted = slack.messages[0]
    # Slack parses mentions in `text` and mrkdwn; a plain_text header is shown literally.
    parsed = [posted["text"], *(b["text"]["text"] for b in posted["blocks"] if b["text"]["type"] == "mrkdwn")]
    assert not any("<!" in t or "<@" in t for t in parsed)
    assert posted["blocks"][0]["text"] == {"type": "plain_text", "text": "<!channel> title"}


def test_auth_test_once_and_messages_in_order(slack: SlackServer) -> None:
    notifier = bot(slack)
    for key in ("a", "b", "c"):
        notifier.send(message(key))
    assert [c.method for c in slack.calls].count("auth.test") == 1
    assert [m["blocks"][0]["text"]["text"] for m in slack.messages] == ["Digest a", "Digest b", "Digest c"]


def test_huge_message_stays_within_slack_limits(slack: SlackServer) -> None:
    bot(slack).send(message(lines=400, sections=80))
    blocks = slack.messages[0]["blocks"]  # the server refuses anything over Slack's limits
    assert len(blocks) == 50
    first = blocks[2]["text"]["text"]
    assert len(first) <= 3000
    shown = first.count("\n• ")
    assert f"_and {400 - shown} more in the sheet_" in first
    assert blocks[-1]["elements"][0]["text"] == "33 more sections in the sheet"


def test_posts_to_one_channel_are_spaced(slack: SlackServer) -> None:
    notifier = bot(slack, interval=0.25)
    for key in ("a", "b", "c"):
        notifier.send(message(key))
    times = [c.at for c in slack.calls_to("chat.postMessage")]
    assert all(later - earlier >= 0.24 for earlier, later in itertools.pairwise(times))


@pytest.mark.slow
def test_rate_limit_waits_for_retry_after(slack: SlackServer) -> None:
    slack.script("chat.postMessage", Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}))
    bot(slack).send(message())
    first, second = slack.calls_to("chat.postMessage")
    assert second.at - first.at >= 1.0
    assert len(slack.messages) == 1


@pytest.mark.slow
def test_server_errors_are_retried(slack: SlackServer) -> None:
    slack.script("chat.postMessage", Reply(500, "oops"), Reply(503, "busy"))
    bot(slack).send(message())
    assert len(slack.calls_to("chat.postMessage")) == 3
    assert len(slack.messages) == 1


@pytest.mark.slow
def test_persistent_server_errors_stop_the_run(slack: SlackServer) -> None:
    slack.script("chat.postMessage", *[Reply(500, "oops")] * 5)
    with pytest.raises(DeliveryError) as caught:
        bot(slack).send(message())
    assert caught.value.stop
    assert "HTTP 500" in caught.value.reason
    assert len(slack.calls_to("chat.postMessage")) == 1 + FAST.server_error_retries


@pytest.mark.parametrize(
    ("error", "stop", "fix"),
    [
        ("channel_not_found", True, "Slack channel` in Settings"),
        ("not_in_channel", True, "/invite"),
        ("invalid_arguments", False, ""),
    ],
)
def test_ok_false_errors_say_what_to_do(slack: SlackServer, error: str, stop: bool, fix: str) -> None:
    slack.script("chat.postMessage", Reply(200, {"ok": False, "error": error}))
    with pytest.raises(DeliveryError) as caught:
        bot(slack).send(message())
    assert caught.value.stop is stop
    assert error in caught.value.reason
    assert fix in caught.value.fix
    assert len(slack.calls_to("chat.postMessage")) == 1  # an ok:false answer is not retried


def test_wrong_token_is_caught_by_auth_test(slack: SlackServer) -> None:
    notifier = SlackNotifier("xoxb-wrong", "#link-building", base_url=slack.api_url, retry=FAST, pacer=Pacer(0))
    with pytest.raises(DeliveryError, match="invalid_auth") as caught:
        notifier.send(message())
    assert "SLACK_BOT_TOKEN" in caught.value.fix
    assert slack.calls_to("chat.postMessage") == []


def test_slack_down_is_a_stop(slack: SlackServer) -> None:
    slack.down()
    with pytest.raises(DeliveryError, match="cannot reach Slack") as caught:
        bot(slack).send(message())
    assert caught.value.stop


FUNNEL = Funnel(("Sent", "Replied", "Interested", "Published / linked"), (10, 4, 2, 1), (8, 2, 1, 0))


def chart_message() -> Message:
    return Message(
        "chart", "chart", "Outreach funnel", "Sent 10 (8 before)", (Section("Funnel", ("Sent: 10",)),), FUNNEL
    )


def test_chart_upload_resolves_channel_name_across_pages(slack: SlackServer) -> None:
    bot(slack, channel="#random").send(chart_message())
    methods = [c.method for c in slack.calls]
    assert methods == [
        "auth.test",
        "conversations.list",
        "conversations.list",
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    done = slack.completed[0]
    assert done["channel_id"] == "C0RANDOM1"
    assert done["initial_comment"].startswith("Outreach funnel")
    assert slack.uploads[done["files"][0]["id"]].startswith(b"\x89PNG\r\n\x1a\n")


def test_chart_after_a_post_uses_the_channel_id_slack_returned(slack: SlackServer) -> None:
    notifier = bot(slack)
    notifier.send(message())
    notifier.send(chart_message())
    assert "conversations.list" not in [c.method for c in slack.calls]
    assert slack.completed[0]["channel_id"] == "C0LINKS01"


def test_unknown_channel_name_holds_up_only_the_chart(slack: SlackServer) -> None:
    with pytest.raises(DeliveryError, match="no channel named '#nope'") as caught:
        bot(slack, channel="#nope").send(chart_message())
    assert not caught.value.stop
    assert "channel ID" in caught.value.fix


def test_missing_scope_for_the_channel_lookup_holds_up_only_the_chart(slack: SlackServer) -> None:
    slack.script("conversations.list", Reply(200, {"ok": False, "error": "missing_scope"}))
    with pytest.raises(DeliveryError, match="missing_scope") as caught:
        bot(slack).send(chart_message())
    assert not caught.value.stop


def webhook(slack: SlackServer) -> WebhookNotifier:
    return WebhookNotifier(slack.webhook_url, retry=FAST, pacer=Pacer(0))


def test_webhook_posts_blocks_and_text(slack: SlackServer) -> None:
    webhook(slack).send(message())
    (posted,) = slack.webhook_messages
    assert posted["blocks"][0]["text"]["text"] == "Digest m1"
    assert posted["text"].startswith("Digest m1")


def test_webhook_sends_a_chart_message_as_text(slack: SlackServer) -> None:
    webhook(slack).send(chart_message())
    assert "Sent: 10" in slack.webhook_messages[0]["text"]


@pytest.mark.slow
def test_webhook_retries_rate_limits_and_server_errors(slack: SlackServer) -> None:
    slack.script("webhook", Reply(429, "rate_limited", {"Retry-After": "0"}), Reply(500, "oops"))
    webhook(slack).send(message())
    assert len(slack.calls_to("webhook")) == 3
    assert len(slack.webhook_messages) == 1


@pytest.mark.parametrize(("status", "body", "stop"), [(404, "no_service", True), (400, "invalid_blocks", False)])
def test_webhook_errors(slack: SlackServer, status: int, body: str, stop: bool) -> None:
    slack.script("webhook", Reply(status, body))
    with pytest.raises(DeliveryError, match=body) as caught:
        webhook(slack).send(message())
    assert caught.value.stop is stop


@pytest.mark.slow
def test_secrets_never_reach_logs_or_output(
    slack: SlackServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("gapbot.slack").setLevel(logging.DEBUG)
    slack.script("chat.postMessage", Reply(500, "oops"))
    slack.script("webhook", Reply(500, "oops"))
    errors = []
    bot(slack).send(message())
    webhook(slack).send(message())
    slack.down()
    for notifier in (bot(slack), webhook(slack)):
        with pytest.raises(DeliveryError) as caught:
            notifier.send(message())
        errors.append(str(caught.value))
    out = capsys.readouterr()
    seen = caplog.text + out.out + out.err + "".join(errors)
    assert "Sending a request" in caplog.text  # the clients did log their requests
    assert TOKEN not in seen
    assert "webhooksecret0000" not in seen


def test_a_malformed_webhook_url_is_a_clear_error_without_the_url() -> None:
    secret = "hooks.slack.example/services/T1/B1/malformedsecret"
    with pytest.raises(DeliveryError, match="check SLACK_WEBHOOK_URL") as caught:
        WebhookNotifier(secret, retry=FAST, pacer=Pacer(0)).send(message())
    assert "malformedsecret" not in str(caught.value)
