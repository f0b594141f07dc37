"""The outbox: recorded before sending, sent once, kept while Slack is down, in order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.notify.base import Pacer
from bot.notify.message import Message, Section
from bot.notify.outbox import MAX_REJECTIONS, Outbox
from bot.notify.retry import SlackRetryPolicy
from bot.notify.slack import SlackNotifier
from bot.stores import MemoryStore
from jobs.context import JobContext
from jobs.notifications import deliver
from sheets_schema.state_keys import OUTBOX_PREFIX
from tests.backends import Backend
from tests.slack_server import TOKEN, Reply, SlackServer, running

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with running() as server:
        yield server


def notifier(slack: SlackServer) -> SlackNotifier:
    return SlackNotifier(
        TOKEN, "#link-building", base_url=slack.api_url, retry=SlackRetryPolicy(backoff=0.01), pacer=Pacer(0)
    )


def msg(key: str, lines: int = 1) -> Message:
    return Message(
        key, "test", f"Title {key}", f"summary {key}", (Section("List", tuple(f"line {i}" for i in range(lines))),)
    )


def titles(slack: SlackServer) -> list[str]:
    return [m["blocks"][0]["text"]["text"] for m in slack.messages]


def test_slack_down_for_one_run_then_each_message_once(backend: Backend, slack: SlackServer) -> None:
    ctx = JobContext(store=backend.store, clock=lambda: T0, notifier=notifier(slack))
    slack.down()
    notes = deliver(ctx, [msg("a"), msg("b")])
    (note,) = notes
    assert note.startswith("notify: 2 message(s) waiting for the next run: cannot reach Slack (")
    assert note.endswith("the message waits in the outbox and is sent on the next run")
    slack.start()
    # The next run has a message of its own and records "a" again: "a" is not duplicated.
    notes = deliver(ctx, [msg("a"), msg("c")])
    assert notes == ["notify: 3 message(s) delivered to Slack #link-building"]
    assert deliver(ctx, [msg("b")]) == []
    assert titles(slack) == ["Title a", "Title b", "Title c"]
    entries = Outbox(backend.store, ctx.notifier, ctx.clock).entries()
    assert {k: e["status"] for k, e in entries.items()} == {"a": "delivered", "b": "delivered", "c": "delivered"}
    assert all("message" not in e for e in entries.values())  # delivered payloads are not kept


def test_messages_are_recorded_before_sending(slack: SlackServer) -> None:
    store = MemoryStore()
    outbox = Outbox(store, notifier(slack), lambda: T0)
    outbox.record([msg("a")], {"some:memory": "1"})
    state = store.read_state()
    assert json.loads(state[OUTBOX_PREFIX + "a"])["status"] == "pending"
    assert state["some:memory"] == "1"
    assert slack.messages == []


def test_a_rejected_message_does_not_hold_up_the_others(slack: SlackServer) -> None:
    store = MemoryStore()
    outbox = Outbox(store, notifier(slack), lambda: T0)
    outbox.record([msg("bad"), msg("good")])
    for run in range(MAX_REJECTIONS):
        slack.script("chat.postMessage", Reply(200, {"ok": False, "error": "invalid_arguments"}))
        report = outbox.flush()
        if run == 0:
            assert report.delivered == ["good"]
        if run < MAX_REJECTIONS - 1:
            assert report.waiting == ["bad"]
    assert report.given_up == ["bad (Slack rejected the message (chat.postMessage: invalid_arguments))"]
    assert outbox.flush().delivered == []  # given up: never tried again
    assert titles(slack) == ["Title good"]


def test_a_setup_error_stops_the_run_and_keeps_the_order(slack: SlackServer) -> None:
    store = MemoryStore()
    outbox = Outbox(store, notifier(slack), lambda: T0)
    outbox.record([msg("1"), msg("2"), msg("3")])
    slack.script("chat.postMessage", Reply(200, {"ok": False, "error": "not_in_channel"}))
    report = outbox.flush()
    assert report.waiting == ["1", "2", "3"]
    assert "/invite" in report.problem
    assert len(slack.calls_to("chat.postMessage")) == 1  # no point trying 2 and 3
    assert outbox.flush().delivered == ["1", "2", "3"]
    assert titles(slack) == ["Title 1", "Title 2", "Title 3"]


def test_stale_messages_expire_instead_of_arriving_late(slack: SlackServer) -> None:
    store = MemoryStore()
    Outbox(store, notifier(slack), lambda: T0).record([msg("old")])
    report = Outbox(store, notifier(slack), lambda: T0 + timedelta(days=8)).flush()
    assert report.given_up == ["old (older than 7 days)"]
    assert slack.messages == []


def test_a_message_too_big_for_a_cell_is_shortened_not_corrupted(backend: Backend, slack: SlackServer) -> None:
    outbox = Outbox(backend.store, notifier(slack), lambda: T0)
    outbox.record([msg("big", lines=20_000)])
    raw = backend.store.read_state()[OUTBOX_PREFIX + "big"]
    assert len(raw) <= backend.store.max_cell_chars
    kept = json.loads(raw)["message"]["sections"][0]
    assert len(kept["lines"]) + kept["more"] == 20_000
    outbox.flush()
    assert "more in the sheet" in slack.messages[0]["blocks"][2]["text"]["text"]
