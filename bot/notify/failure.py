"""Failure alerts: which job failed, what went wrong in one line, and what to do."""

from __future__ import annotations

from datetime import date

from bot.errors import GapbotError

from .message import Message, Section, fingerprint
from .secrets import redact

UNEXPECTED_FIX = "run the same command with --debug and pass the output to whoever maintains gapbot"


def failure_message(job: str, error: BaseException, day: date) -> Message:
    """The alert; the same failure is reported once a day, not on every scheduled run."""
    if isinstance(error, GapbotError):
        what = f"{error.where}: {error.what}" if error.where else error.what
        fix = error.fix or "correct the input named above, then the next run picks it up"
    else:
        what = f"unexpected {type(error).__name__}: {error}"
        fix = UNEXPECTED_FIX
    what = redact(" ".join(what.split()))
    return Message(
        key=f"failure:{job}:{day}:{fingerprint(what)}",
        kind="failure",
        title=f"gapbot {job} failed",
        summary=what,
        sections=(Section("What to do", (redact(fix),)),),
    )
