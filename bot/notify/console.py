"""The embedded default: messages printed as readable text."""

from __future__ import annotations

import sys
from typing import TextIO

from .base import Notifier
from .message import Message
from .render import to_text

RULE = "─" * 60


class ConsoleNotifier(Notifier):
    description = "console"
    remote = False

    def __init__(self, stream: TextIO | None = None) -> None:
        # Looked up at send time by default, so redirected or captured output is honoured.
        self._stream = stream

    def send(self, message: Message) -> None:
        stream = self._stream or sys.stdout
        print(f"{RULE}\n{to_text(message)}\n{RULE}", file=stream, flush=True)
