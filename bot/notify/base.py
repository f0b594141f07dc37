"""The notifier interface: where messages go (Slack bot, Slack webhook or the console)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable

from bot.errors import GapbotError

from .message import Message


class DeliveryError(GapbotError):
    """A message did not reach its destination.

    `stop` means later messages would fail the same way (Slack unreachable, wrong token or
    channel), so the outbox keeps them for the next run instead of trying each one.
    """

    def __init__(self, reason: str, *, stop: bool, fix: str = "") -> None:
        self.reason = reason
        self.stop = stop
        super().__init__(reason, fix=fix)


class Notifier(ABC):
    #: Where messages go, for people (never contains a secret).
    description: str
    #: Whether a job's summary should say what was delivered (not needed when it was just printed).
    remote: bool = True
    #: Whether it posts files (the digest's funnel chart) as well as messages.
    uploads_files: bool = False

    @abstractmethod
    def send(self, message: Message) -> None:
        """Deliver one message or raise DeliveryError."""


class Pacer:
    """Keeps posts to one channel at least `interval` seconds apart (Slack allows ~1 message/s/channel)."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, channel: str) -> None:
        last = self._last.get(channel)
        if last is not None:
            delay = last + self.interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[channel] = self._clock()
