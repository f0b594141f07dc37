"""Every message is recorded in the state tab before it is sent, and marked once delivered.

A message Slack could not take stays pending and is tried again on the next run; a delivered
key is never sent again. Entries live under `outbox:<key>` in the hidden state tab, so the
outbox travels with the sheet whatever store holds it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.stores import SetState, Store
from sheets_schema.state_keys import OUTBOX_PREFIX

from .base import DeliveryError, Notifier
from .message import Message
from .secrets import redact

PENDING, DELIVERED, FAILED, EXPIRED = "pending", "delivered", "failed", "expired"
#: A message Slack keeps rejecting (bad content, not an outage) is given up after this many tries.
MAX_REJECTIONS = 3
#: A message that waited this long is stale news: dropped rather than posted late.
MAX_AGE = timedelta(days=7)
#: Room kept in a state cell for the entry's bookkeeping around the message.
ENTRY_OVERHEAD = 500


@dataclass
class FlushReport:
    delivered: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    given_up: list[str] = field(default_factory=list)
    problem: str = ""

    def notes(self, where: str, with_delivered: bool = True) -> list[str]:
        notes = []
        if self.delivered and with_delivered:
            notes.append(f"{len(self.delivered)} message(s) delivered to {where}")
        if self.given_up:
            notes.append(f"{len(self.given_up)} message(s) given up: {', '.join(self.given_up)}")
        if self.waiting:
            notes.append(f"{len(self.waiting)} message(s) waiting for the next run: {self.problem}")
        return notes


class Outbox:
    def __init__(self, store: Store, notifier: Notifier, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.notifier = notifier
        self.clock = clock

    def entries(self) -> dict[str, dict[str, Any]]:
        """Message key -> entry, for every message ever recorded."""
        return self._entries(self.store.read_state())

    @staticmethod
    def _entries(state: Mapping[str, str]) -> dict[str, dict[str, Any]]:
        return {k[len(OUTBOX_PREFIX) :]: json.loads(v) for k, v in state.items() if k.startswith(OUTBOX_PREFIX) and v}

    def record(self, messages: Sequence[Message], memory: Mapping[str, str] | None = None) -> dict[str, dict[str, Any]]:
        """Record new messages (keys seen before are skipped) together with `memory` state entries.

        Both land in one commit, so what a message reports and the memory that stops it being
        reported again never disagree; memory alone, with no new message to send, waits for the
        store's next write. Returns every entry, as `flush` takes them.
        """
        values, known = self.prepare(messages, memory)
        if any(key.startswith(OUTBOX_PREFIX) for key in values):
            self.store.commit([SetState(values)])  # before anything is sent
        elif values:
            self.store.commit_later(values)
        return known

    def prepare(
        self, messages: Sequence[Message], memory: Mapping[str, str] | None = None
    ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
        """(the state entries `record` would commit, every entry as `flush` takes them once those
        landed), for a job that records its messages in its own commit. Writes nothing."""
        state = self.store.read_state()
        known = self._entries(state)
        seq = max((int(e.get("seq", 0)) for e in known.values()), default=0)
        values = {key: value for key, value in (memory or {}).items() if state.get(key, "") != value}
        for message in messages:
            if message.key in known:
                continue
            seq += 1
            entry = {"seq": seq, "status": PENDING, "created": self.clock().isoformat(), "attempts": 0}
            values[OUTBOX_PREFIX + message.key] = self._fitted(entry, message)
            known[message.key] = json.loads(values[OUTBOX_PREFIX + message.key])
        return values, known

    def _fitted(self, entry: dict[str, Any], message: Message) -> str:
        limit = self.store.max_cell_chars - ENTRY_OVERHEAD
        while len(message.to_json()) > limit:
            message = message.shrunk()
        return json.dumps({**entry, "message": json.loads(message.to_json())}, ensure_ascii=False)

    def flush(self, entries: Mapping[str, dict[str, Any]] | None = None) -> FlushReport:
        """Send pending messages in the order they were recorded (`entries` saves re-reading them).

        What became of them is written with the store's next write (`Store.commit_later`): until
        then a message Slack took still reads as pending, so a run stopped in between may post it
        again, never lose it."""
        report = FlushReport()
        now = self.clock()
        pending = sorted(
            ((k, e) for k, e in (entries or self.entries()).items() if e.get("status") == PENDING),
            key=lambda ke: ke[1]["seq"],
        )
        updates: dict[str, str] = {}
        stopped = False
        for key, entry in pending:
            if now - datetime.fromisoformat(entry["created"]) > MAX_AGE:
                updates[OUTBOX_PREFIX + key] = _closed(entry, EXPIRED, now)
                report.given_up.append(f"{key} (older than {MAX_AGE.days} days)")
                continue
            if stopped:
                report.waiting.append(key)
                continue
            try:
                self.notifier.send(Message.from_json(json.dumps(entry["message"])))
            except DeliveryError as exc:
                entry = {**entry, "attempts": entry["attempts"] + 1, "error": redact(str(exc))}
                if not exc.stop and entry["attempts"] >= MAX_REJECTIONS:
                    updates[OUTBOX_PREFIX + key] = _closed(entry, FAILED, now)
                    report.given_up.append(f"{key} ({exc.reason})")
                    continue
                updates[OUTBOX_PREFIX + key] = json.dumps(entry, ensure_ascii=False)
                report.waiting.append(key)
                report.problem = redact(str(exc))
                stopped = stopped or exc.stop
                continue
            updates[OUTBOX_PREFIX + key] = _closed(entry, DELIVERED, now)
            report.delivered.append(key)
        if updates:
            self.store.commit_later(updates)
        return report


def _closed(entry: dict[str, Any], status: str, now: datetime) -> str:
    """A finished entry keeps its bookkeeping but not the message itself."""
    kept = {k: v for k, v in entry.items() if k != "message"}
    return json.dumps({**kept, "status": status, "closed": now.isoformat()}, ensure_ascii=False)
