"""Language names as people type them in Settings (`English`, `en-GB`, `Deutsch`, `français`),
as the ISO 639-1 codes the exports and the page judge use."""

from __future__ import annotations

import re

# English and native names of the languages backlink markets are most often run in.
_NAMES: dict[str, str] = {
    "en": "english",
    "de": "german deutsch",
    "fr": "french français francais",
    "es": "spanish español espanol castellano",
    "it": "italian italiano",
    "pt": "portuguese português portugues",
    "nl": "dutch nederlands flemish vlaams",
    "pl": "polish polski",
    "sv": "swedish svenska",
    "da": "danish dansk",
    "no": "norwegian norsk bokmål bokmal nb nn",
    "fi": "finnish suomi",
    "cs": "czech čeština cestina",
    "sk": "slovak slovenčina slovencina",
    "hu": "hungarian magyar",
    "ro": "romanian română romana",
    "bg": "bulgarian български",
    "el": "greek ελληνικά",
    "tr": "turkish türkçe turkce",
    "ru": "russian русский",
    "uk": "ukrainian українська",
    "ja": "japanese 日本語",
    "zh": "chinese 中文 mandarin",
    "ko": "korean 한국어",
    "ar": "arabic العربية",
    "he": "hebrew עברית",
    "hi": "hindi हिन्दी",
    "id": "indonesian bahasa",
    "vi": "vietnamese tiếng việt",
    "th": "thai ไทย",
    "ca": "catalan català catala",
    "et": "estonian eesti",
    "lv": "latvian latviešu",
    "lt": "lithuanian lietuvių",
    "hr": "croatian hrvatski",
    "sl": "slovenian slovenščina",
    "sr": "serbian српски srpski",
}
_BY_NAME = {name: code for code, names in _NAMES.items() for name in (code, *names.split())}
_TAG = re.compile(r"^([a-z]{2,3})(?:[-_][a-z0-9]{2,8})*$")


def language_code(typed: str) -> str | None:
    """The ISO 639-1 code of a typed language (`en-GB` → `en`, `Deutsch` → `de`); None if unknown."""
    text = typed.strip().casefold()
    if text in _BY_NAME:
        return _BY_NAME[text]
    tag = _TAG.match(text)
    if tag and tag.group(1) in _BY_NAME:
        return _BY_NAME[tag.group(1)]
    return None
