"""gapbot's IDNA 2003 ToASCII gives what Python's "idna" codec gives, errors included."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.idna2003 import to_ascii

# letters of several scripts, upper case, ß and final sigma (mapped), combining marks and
# compatibility forms (normalised), right-to-left letters (bidi rules), prohibited and
# mapped-to-nothing characters, and the four IDNA dots
CHARS = st.sampled_from(
    list("abcxyz019-_")
    + list("äöüßÄÖÜçéñ")
    + list("пример" + "ПРИМЕР")
    + list("ςσΣ")
    + list("例子中国")
    + list("שלוםمرحبا")
    + ["\u0301", "\u00ad", "\u200b", "\ufb01", "\u2160", "\uff21", "\u3000", "\u0000", "\ue000", "\u202e"]
    + [".", "\u3002", "\uff0e", "\uff61"]
)


def _codec(host: str) -> str | None:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _ours(host: str) -> str | None:
    try:
        return to_ascii(host)
    except UnicodeError:
        return None


@settings(max_examples=400, deadline=None)
@given(st.lists(CHARS, min_size=1, max_size=14).map("".join).filter(lambda h: not h.isascii()))
@example("münzkasse.de")
@example("пример.рф.")
@example("xn--abc-ä.com")
@example("ä" * 64 + ".de")
@example("שלום.com")
@example("aשלום.com")
def test_to_ascii_matches_the_codec(host: str) -> None:
    assert _ours(host) == _codec(host)
