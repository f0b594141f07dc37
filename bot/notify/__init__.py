"""Telling the team: digests, win alerts, rerun and failure alerts, delivered once through an outbox."""

from .base import DeliveryError, Notifier
from .console import ConsoleNotifier
from .message import Message

__all__ = ["ConsoleNotifier", "DeliveryError", "Message", "Notifier"]
